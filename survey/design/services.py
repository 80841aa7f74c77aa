"""Changes to an evaluation's design, shared by the pages and the ``survey`` commands.

Each function validates, changes, audits where the issue asks it (campaign open/close,
evaluations and campaigns created) and commits; refusals raise :class:`DesignError` with a
message id the views translate.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import (
    Campaign,
    Evaluation,
    Invitation,
    Mailing,
    QuestionnaireVersion,
    Response,
    Site,
    Team,
    TeamMember,
    User,
    Wave,
)
from ..models.account import RESEARCHER
from ..models.types import utcnow
from ..models.workspace import CLOSED, OPEN, SITE_KINDS
from ..questionnaire.model import AUDIENCES
from ..secrets import new_secret
from ..timezones import is_zone
from .rosters import (
    RosterEntry,
    RosterError,
    active,
    as_json,
    from_json,
    parse_roster,
)
from .rosters import clean_name as _clean

WAVE_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
DEMO_NAME = "Démonstration / Demonstration"


class DesignError(ValueError):
    """A refused change; ``str(error)`` is a message id (see the views' messages)."""


# -- evaluations ----------------------------------------------------------------------------

EVALUATION_FIELDS = ("name", "description", "responsible_name", "contact_email",
                     "contact_phone", "privacy_officer_name", "privacy_officer_email",
                     "time_zone")
# Settings that are on or off: ``is_public`` lists the open campaigns on the home page.
EVALUATION_FLAGS = ("is_public",)


def create_evaluation(actor: User | None, *, name: str, **fields: str | bool) -> Evaluation:
    """A new evaluation; its creator becomes a researcher of it (admins need no role)."""
    evaluation = Evaluation(name="")
    _set_evaluation_fields(evaluation, {"name": name, **fields})
    db.session.add(evaluation)
    db.session.flush()
    if actor is not None and not actor.is_admin:
        from ..models import Membership

        db.session.add(Membership(user=actor, evaluation=evaluation, role=RESEARCHER))
    audit.record("evaluation-created", evaluation.name, actor=actor,
                 evaluation_id=evaluation.id, commit=False)
    db.session.commit()
    return evaluation


def update_evaluation(evaluation: Evaluation, actor: User | None, **fields: str | bool) -> None:
    _set_evaluation_fields(evaluation, fields)
    audit.record("evaluation-changed", evaluation.name, actor=actor,
                 evaluation_id=evaluation.id, commit=False)
    db.session.commit()


def _set_evaluation_fields(evaluation: Evaluation, fields: dict[str, str | bool | None]
                           ) -> None:
    for key, value in fields.items():
        if key in EVALUATION_FLAGS:
            setattr(evaluation, key, value is True)
            continue
        if key not in EVALUATION_FIELDS:
            raise DesignError("unknown-field")
        if key == "description":
            text = str(value or "").replace("\r\n", "\n").strip()[:5000]
        else:
            text = _clean(value, 254 if "email" in key else 200)
        setattr(evaluation, key, text)
    if not evaluation.name:
        raise DesignError("name-required")
    if evaluation.time_zone and not is_zone(evaluation.time_zone):
        raise DesignError("invalid-time-zone")
    for key in ("contact_email", "privacy_officer_email"):
        address = getattr(evaluation, key)
        if address and not re.match(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", address):
            raise DesignError("invalid-email")


def evaluations_of(user: User) -> list[Evaluation]:
    query = select(Evaluation).order_by(Evaluation.is_demo, Evaluation.name)
    if not user.is_admin:
        from ..models import Membership

        query = query.join(Membership).where(Membership.user_id == user.id)
    return list(db.session.scalars(query))


def may_create_evaluations(user: User) -> bool:
    """Admins, and researchers of some evaluation."""
    if user.is_admin:
        return True
    return any(m.role == RESEARCHER for m in user.memberships)


# -- sites, waves, teams -------------------------------------------------------------------

def save_site(evaluation: Evaluation, site: Site | None, *, name: str, kind: str,
              is_comparison: bool) -> Site:
    name = _clean(name)
    if not name:
        raise DesignError("name-required")
    if kind not in SITE_KINDS:
        raise DesignError("invalid-kind")
    clash = db.session.scalar(select(Site).filter_by(evaluation_id=evaluation.id, name=name))
    if clash is not None and clash is not site:
        raise DesignError("name-taken")
    if site is None:
        site = Site(evaluation=evaluation)
        db.session.add(site)
    site.name, site.kind, site.is_comparison = name, kind, bool(is_comparison)
    db.session.commit()
    return site


def save_wave(evaluation: Evaluation, wave: Wave | None, *, code: str, label: str = "",
              starts_on: dt.date | None = None, ends_on: dt.date | None = None) -> Wave:
    code = _clean(code, 16)
    if not WAVE_CODE_RE.match(code):
        raise DesignError("invalid-wave-code")
    if starts_on and ends_on and ends_on < starts_on:
        raise DesignError("dates-reversed")
    clash = db.session.scalar(select(Wave).filter_by(evaluation_id=evaluation.id, code=code))
    if clash is not None and clash is not wave:
        raise DesignError("code-taken")
    if wave is None:
        wave = Wave(evaluation=evaluation)
        db.session.add(wave)
    wave.code, wave.label, wave.starts_on, wave.ends_on = code, _clean(label), starts_on, ends_on
    db.session.commit()
    return wave


def save_team(site: Site, team: Team | None, *, name: str) -> Team:
    name = _clean(name)
    if not name:
        raise DesignError("name-required")
    clash = db.session.scalar(select(Team).filter_by(site_id=site.id, name=name))
    if clash is not None and clash is not team:
        raise DesignError("name-taken")
    if team is None:
        team = Team(site=site)
        db.session.add(team)
    team.name = name
    db.session.commit()
    return team


def delete_part(part: Site | Wave | Team | Campaign, actor: User | None) -> None:
    """Delete a site, wave, team or campaign that nothing depends on yet (a mistake made while
    setting up). What has campaigns, responses or invitations is refused: answers are never
    lost through a design change; close a campaign instead."""
    if isinstance(part, Campaign):
        used = any(db.session.scalar(select(func.count()).select_from(model)
                                     .where(model.campaign_id == part.id))
                   for model in (Response, Invitation, Mailing))
        evaluation_id, what = part.evaluation_id, "campaign"
    else:
        column = {Site: Campaign.site_id, Wave: Campaign.wave_id, Team: Campaign.team_id}
        teams = [part.id] if isinstance(part, Team) else [t.id for t in getattr(part, "teams", [])]
        used = bool(db.session.scalar(select(func.count()).select_from(Campaign).where(
            (column[type(part)] == part.id) | Campaign.team_id.in_(teams or [-1]))))
        evaluation_id = part.site.evaluation_id if isinstance(part, Team) else part.evaluation_id
        what = type(part).__name__.lower()
    if used:
        raise DesignError(f"{what}-in-use")
    name = getattr(part, "name", None) or getattr(part, "code", "")
    for team in getattr(part, "teams", []):
        db.session.delete(team)
    db.session.delete(part)
    audit.record(f"{what}-deleted", name, actor=actor, evaluation_id=evaluation_id, commit=False)
    db.session.commit()


def _roster(text: str, existing: list[RosterEntry]) -> list[RosterEntry]:
    try:
        return parse_roster(text, existing)
    except RosterError as error:
        raise DesignError(error.code) from error


def set_team_roster(team: Team, text: str) -> list[RosterEntry]:
    """Paste a team's roster: kept names keep their codes, dropped ones are retired (answers
    naming them stay readable), codes are never reused. Returns the active entries."""
    members = {m.code: m for m in team.members}
    entries = _roster(text, [RosterEntry(m.code, m.display_name, m.retired)
                             for m in team.members])
    for position, entry in enumerate(entries):
        member = members.get(entry.code)
        if member is None:
            member = TeamMember(code=entry.code)
            team.members.append(member)
        member.display_name, member.position, member.retired = (
            entry.name, position, entry.retired)
    db.session.commit()
    return active(entries)


# -- campaigns -------------------------------------------------------------------------------

def create_campaign(evaluation: Evaluation, actor: User | None, *, version: QuestionnaireVersion,
                    audience: str | None = None, site: Site | None = None,
                    wave: Wave | None = None, team: Team | None = None, name: str = "",
                    roster: str = "") -> Campaign:
    audience = audience or version.definition.audience
    if audience not in AUDIENCES:
        raise DesignError("invalid-audience")
    for part in (site, wave):
        if part is not None and part.evaluation_id != evaluation.id:
            raise DesignError("foreign-part")
    if team is not None and (team.site.evaluation_id != evaluation.id
                             or (site is not None and team.site_id != site.id)):
        raise DesignError("foreign-part")
    campaign = Campaign(evaluation=evaluation, version=version, audience=audience, site=site,
                        wave=wave, team=team, status=CLOSED, slug=new_secret(12),
                        name=_clean(name) or _default_name(version, site, wave),
                        roster=as_json(_roster(roster, [])))
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign-created", campaign.name, actor=actor, evaluation_id=evaluation.id,
                 commit=False, campaign=campaign.id, version=version.content_hash[:12])
    db.session.commit()
    return campaign


def update_campaign(campaign: Campaign, actor: User | None, *, name: str,
                    roster: str, team: Team | None) -> None:
    if team is not None and team.site.evaluation_id != campaign.evaluation_id:
        raise DesignError("foreign-part")
    if team != campaign.team and db.session.scalar(
            select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)):
        raise DesignError("campaign-team-in-use")  # its answers name the first team's members
    campaign.roster = as_json(_roster(roster, from_json(campaign.roster)))
    campaign.name = _clean(name) or campaign.name
    campaign.team = team
    audit.record("campaign-changed", campaign.name, actor=actor,
                 evaluation_id=campaign.evaluation_id, commit=False, campaign=campaign.id)
    db.session.commit()


def _default_name(version: QuestionnaireVersion, site: Site | None, wave: Wave | None) -> str:
    parts = [version.questionnaire.code] + [p for p in (site and site.name, wave and wave.code)
                                            if p]
    return _clean(" · ".join(parts))


def set_campaign_status(campaign: Campaign, status: str, actor: User | None) -> bool:
    """Open or close; returns whether anything changed (audited only then)."""
    if status not in (OPEN, CLOSED):
        raise DesignError("invalid-status")
    if campaign.status == status:
        return False
    campaign.status = status
    if status == OPEN:
        campaign.opened_at = utcnow()
    else:
        campaign.closed_at = utcnow()
    audit.record("campaign-opened" if status == OPEN else "campaign-closed", campaign.name,
                 actor=actor, evaluation_id=campaign.evaluation_id, commit=False,
                 campaign=campaign.id)
    db.session.commit()
    return True


def response_counts(evaluation: Evaluation) -> dict[int, tuple[int, int]]:
    """Campaign id -> (started, completed)."""
    from ..models import Response

    rows = db.session.execute(
        select(Response.campaign_id, Response.status, func.count(Response.id))
        .join(Campaign, Campaign.id == Response.campaign_id)
        .where(Campaign.evaluation_id == evaluation.id)
        .group_by(Response.campaign_id, Response.status)).all()
    counts: dict[int, tuple[int, int]] = {}
    for campaign_id, status, count in rows:
        started, completed = counts.get(campaign_id, (0, 0))
        started += count
        completed += count if status == "completed" else 0
        counts[campaign_id] = (started, completed)
    return counts


# -- the demonstration evaluation -------------------------------------------------------------

def ensure_demo() -> Evaluation:
    """The demonstration evaluation, with one open campaign per bundled questionnaire on its
    newest version: a fresh install shows the participant flow at once."""
    from ..versions import latest_versions

    demo = db.session.scalar(select(Evaluation).filter_by(is_demo=True))
    if demo is None:
        demo = Evaluation(name=DEMO_NAME, is_demo=True, is_public=True, description=(
            "Évaluation de démonstration créée au premier démarrage.\n\n"
            "Demonstration evaluation created on first start."))
        db.session.add(demo)
        db.session.flush()
    offered = {c.version_id for c in demo.campaigns}
    covered = {c.version.questionnaire.code for c in demo.campaigns}
    for version in latest_versions():
        if version.id in offered:
            continue
        code = version.questionnaire.code
        if code in covered:  # a newer version: the demonstration follows it
            for campaign in demo.campaigns:
                if campaign.version.questionnaire.code == code and campaign.is_open:
                    campaign.status, campaign.closed_at = CLOSED, utcnow()
        db.session.add(Campaign(evaluation=demo, version=version, name=code,
                                audience=version.definition.audience, status=OPEN,
                                opened_at=utcnow(), slug=new_secret(12), roster=[]))
    db.session.commit()
    return demo
