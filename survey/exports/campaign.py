"""Where a response's evaluation, site, wave and team come from: the campaign whose link started
it (responses from the open ``/q/<code>`` links have none, and these columns stay empty).

The printable panel code (survey/panel) is given only with ``panel_codes=True`` (roles allowed
row-level data); otherwise, and for responses without one, ``panel_code`` stays empty.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Campaign, Evaluation, Site, Team, Wave
from ..panel.services import short_codes

CONTEXT_COLUMNS = ("evaluation", "site", "wave", "team", "panel_code")
EMPTY = ("", "", "", "", "")


class CampaignContext:
    """Per export: the campaign columns of each response (campaigns read once, looked up per
    row by ``campaign_id``)."""

    def __init__(self, panel_codes: bool = False, version_ids: list[int] | None = None) -> None:
        self.panel_codes = panel_codes
        self.by_campaign: dict[int, tuple[str, str, str, str, str]] = {}
        self.codes: dict[int, str] = {}  # response id -> panel code
        if version_ids:
            query = (select(Campaign.id, Evaluation.name, Site.name, Wave.code, Team.name)
                     .join(Evaluation, Campaign.evaluation_id == Evaluation.id)
                     .outerjoin(Site, Campaign.site_id == Site.id)
                     .outerjoin(Wave, Campaign.wave_id == Wave.id)
                     .outerjoin(Team, Campaign.team_id == Team.id)
                     .where(Campaign.version_id.in_(version_ids)))
            self.by_campaign = {
                ident: (evaluation or "", site or "", wave or "", team or "", "")
                for ident, evaluation, site, wave, team in db.session.execute(query)}
            if panel_codes:
                self.codes = short_codes(version_ids)

    def __call__(self, row: Any) -> tuple[str, str, str, str, str]:
        """evaluation, site, wave, team, panel code of one response row."""
        campaign = getattr(row, "campaign_id", None)
        context = self.by_campaign.get(campaign, EMPTY) if campaign is not None else EMPTY
        code = self.codes.get(row.id) if self.codes else None
        return (*context[:4], code) if code else context
