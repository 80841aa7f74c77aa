"""Links to the results given back, for the participant's own pages (the thank-you page, a
closed campaign's page): models only, since the participant's blueprint imports it."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import bindparam, select

from ..extensions import db
from ..links import absolute_url
from ..models import Campaign, ResultsPage
from ..models.restitution import PUBLIC, PUBLISHED
from ..secrets import derive


def page_token(page: ResultsPage) -> str:
    """The public link's token: derived from the app's key and the page's seed (only its digest
    is stored), so the link can be shown again on the researcher's page and the poster."""
    return derive(current_app.config["SECRET_KEY"], "results-page", page.seed)


# Built once: every thank-you page asks (building it cost as much as running it).
_PUBLISHED = (select(ResultsPage)
              .join(Campaign, (Campaign.evaluation_id == ResultsPage.evaluation_id)
                    & (Campaign.audience == ResultsPage.audience))
              .where(Campaign.id == bindparam("campaign"), ResultsPage.status == PUBLISHED))


def published_for(campaign_id: int | None) -> ResultsPage | None:
    """The published results-back page of a campaign's evaluation and audience."""
    if campaign_id is None:
        return None
    return db.session.scalar(_PUBLISHED, {"campaign": campaign_id})


def results_link(campaign_id: int | None, resume_code: str) -> str | None:
    """``/rb/r/<resume_code>`` when the campaign has published results; else None."""
    if published_for(campaign_id) is None:
        return None
    return absolute_url("restitution.by_resume", resume_code=resume_code)


def invitation_results_link(campaign_id: int, token: str) -> str | None:
    if published_for(campaign_id) is None:
        return None
    return absolute_url("restitution.by_invitation", token=token)


def public_results_link(campaign_id: int | None) -> str | None:
    """The page's own link when its results are published for anyone; else None."""
    page = published_for(campaign_id)
    if page is None or page.access != PUBLIC:
        return None
    return absolute_url("restitution.public_page", token=page_token(page))
