"""Where a response's evaluation, site, wave and team come from: the campaign whose link started
it (responses from the open ``/q/<code>`` links have none, and these columns stay empty).

``team`` names the group whose members nominate each other: the campaign's team (its name,
with its site's when two teams of the export share a name), or, for a campaign with a roster of
its own and no team, the campaign's name. ``team_rosters`` gives each such group's roster, every
entry ever on it (retired ones flagged), so nomination codes read as names in every export.

The printable panel code (survey/panel) is given only with ``panel_codes=True`` (roles allowed
row-level data); otherwise, and for responses without one, ``panel_code`` stays empty.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Campaign, Evaluation, Site, Team, TeamMember, Wave
from ..panel.codes import short_code

CONTEXT_COLUMNS = ("evaluation", "site", "wave", "team", "panel_code")
EMPTY = ("", "", "", "", "")


class CampaignContext:
    """Per export: the campaign columns of each response (campaigns read once, looked up per
    row by ``campaign_id``)."""

    def __init__(self, panel_codes: bool = False, version_ids: list[int] | None = None,
                 evaluation_id: int | None = None) -> None:
        self.panel_codes = panel_codes
        self.by_campaign: dict[int, tuple[str, str, str, str, str]] = {}
        # team label -> [{"code", "label": {lang: name}, "retired"?}]
        self.team_rosters: dict[str, list[dict[str, Any]]] = {}
        if version_ids:
            query = (select(Campaign.id, Evaluation.name, Site.name, Wave.code, Team.id,
                            Team.name, Campaign.name, Campaign.roster)
                     .join(Evaluation, Campaign.evaluation_id == Evaluation.id)
                     .outerjoin(Site, Campaign.site_id == Site.id)
                     .outerjoin(Wave, Campaign.wave_id == Wave.id)
                     .outerjoin(Team, Campaign.team_id == Team.id)
                     .where(Campaign.version_id.in_(version_ids))
                     .order_by(Campaign.id))  # creation order on every database
            if evaluation_id is not None:  # an export of one evaluation names its own teams
                query = query.where(Campaign.evaluation_id == evaluation_id)
            rows = db.session.execute(query).all()
            labels = _team_labels(rows)
            members = _members({row[4] for row in rows if row[4] is not None})
            for ident, evaluation, site, wave, team_id, _team, _name, roster in rows:
                team = labels.get(ident, "")
                self.by_campaign[ident] = (evaluation or "", site or "", wave or "", team, "")
                entries = members.get(team_id) or _own_roster(roster)
                if team and entries:
                    self.team_rosters.setdefault(team, entries)

    def __call__(self, row: Any) -> tuple[str, str, str, str, str]:
        """evaluation, site, wave, team, panel code of one response row (the code derived
        from the row's own stored hash, so no export reads every response to find one)."""
        campaign = getattr(row, "campaign_id", None)
        context = self.by_campaign.get(campaign, EMPTY) if campaign is not None else EMPTY
        stored = getattr(row, "panel_hash", None) if self.panel_codes else None
        return (*context[:4], short_code(stored)) if stored else context


def _team_labels(rows: list[Any]) -> dict[int, str]:
    """Campaign id -> its ``team`` cell: a team name, qualified by its site (then its
    evaluation) when another team of the export has the same name; a campaign with its own
    roster and no team is its own group, named after the campaign."""
    teams = {row[4]: _forms(row[5], row[2] or "", row[1] or "")
             for row in rows if row[4] is not None}

    def name_of(team_id: int) -> str:
        for level, label in enumerate(teams[team_id]):
            if sum(1 for forms in teams.values() if forms[level] == label) == 1:
                return label
        return f"{teams[team_id][-1]} ({team_id})"

    out: dict[int, str] = {}
    for ident, _evaluation, _site, _wave, team_id, _team, campaign_name, roster in rows:
        if team_id is not None:
            out[ident] = name_of(team_id)
        elif _own_roster(roster):
            out[ident] = campaign_name or f"#{ident}"
    return out


def _forms(name: str, site: str, evaluation: str) -> tuple[str, str, str]:
    """A team's name, then qualified by its site, then by its evaluation too."""
    return name, f"{site} / {name}", f"{evaluation} / {site} / {name}"


def _members(team_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    if not team_ids:
        return {}
    query = (select(TeamMember.team_id, TeamMember.code, TeamMember.display_name,
                    TeamMember.retired)
             .where(TeamMember.team_id.in_(team_ids))
             .order_by(TeamMember.team_id, TeamMember.position))
    out: dict[int, list[dict[str, Any]]] = {}
    for team_id, code, name, retired in db.session.execute(query):
        out.setdefault(team_id, []).append(_entry(code, name, retired))
    return out


def _own_roster(roster: Any) -> list[dict[str, Any]]:
    return [_entry(str(e.get("code", "")), str(e.get("name", "")), bool(e.get("retired")))
            for e in roster or [] if isinstance(e, dict) and e.get("code")]


def _entry(code: str, name: str, retired: bool) -> dict[str, Any]:
    """A roster entry as the codebook holds it (a name is the same in every language)."""
    return {"code": code, "label": {"fr": name, "en": name}, **({"retired": True} if retired
                                                                 else {})}
