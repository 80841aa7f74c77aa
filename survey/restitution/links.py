"""The link a participant's own pages show to the results given back (models only: the
participant's blueprint imports it)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..links import absolute_url
from ..models import Campaign, ResultsPage
from ..models.restitution import PUBLISHED


def results_link(campaign_id: int | None, resume_code: str) -> str | None:
    """``/rb/r/<resume_code>`` when the campaign's evaluation has published results for its
    audience; None otherwise."""
    if campaign_id is None:
        return None
    published = db.session.scalar(
        select(ResultsPage.id).join(Campaign, (Campaign.evaluation_id == ResultsPage.evaluation_id)
                                    & (Campaign.audience == ResultsPage.audience))
        .where(Campaign.id == campaign_id, ResultsPage.status == PUBLISHED))
    return absolute_url("restitution.by_resume", resume_code=resume_code) if published else None
