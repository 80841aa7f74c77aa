"""Links into a follow-up series from other pages: models only, since the participant's
blueprint imports it (the thank-you page's "be invited to the next steps")."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from ..extensions import db
from ..links import absolute_url
from ..models import Campaign, FollowupStep, Invitation

# Assisted collection (issue 26, survey/collect): the navigator's entry into a campaign, when
# that blueprint is installed. The list of people due links there, else to the campaign's own
# link (which a navigator may open on their device with the person).
ASSISTED_ENDPOINT = "collect.assisted"


def is_series_baseline(campaign_id: int | None) -> bool:
    if campaign_id is None:
        return False
    return db.session.scalar(select(FollowupStep.id).where(
        FollowupStep.campaign_id == campaign_id, FollowupStep.position == 0)) is not None


def address_link(campaign_id: int | None, response_id: int, resume_code: str) -> str | None:
    """``/f/<resume_code>``, where a person who completed a series' baseline may leave an
    address for the next steps; None for other campaigns, and for a baseline answered through
    an invitation to a contact (its address is known)."""
    if not is_series_baseline(campaign_id):
        return None
    if db.session.scalar(select(Invitation.id).where(Invitation.response_id == response_id,
                                                     Invitation.contact_id.is_not(None))):
        return None
    return absolute_url("followup.address", resume_code=resume_code)


def collect_link(campaign: Campaign) -> str:
    """Where a navigator collects a due step's answers: assisted mode when installed, else the
    campaign's participant link."""
    if ASSISTED_ENDPOINT in current_app.view_functions:
        return url_for(ASSISTED_ENDPOINT, evaluation_id=campaign.evaluation_id,
                       campaign_id=campaign.id)
    return url_for("participate.campaign_link", slug=campaign.slug)
