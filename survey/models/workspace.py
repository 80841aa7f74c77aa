"""What a research team runs: evaluations with their sites, waves, teams and campaigns."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .questionnaire import QuestionnaireVersion
from .types import JsonDocument, UtcDateTime, utcnow

if TYPE_CHECKING:
    from .account import Membership

PANEL_OFF = "off"
PANEL_INVITATION = "invitation"  # carried by the invitation's contact
PANEL_SELF = "self"  # self-generated from a few questions
PANEL_MODES = (PANEL_OFF, PANEL_INVITATION, PANEL_SELF)
SITE_KINDS = ("clinic", "cooperative", "community_organisation", "neighbourhood", "other")
OPEN = "open"
CLOSED = "closed"
CAMPAIGN_STATUSES = (OPEN, CLOSED)


class Evaluation(db.Model):
    """One evaluation project, and who answers for it (shown to participants; Law 25)."""

    __tablename__ = "evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(64), default="")
    # The person in charge of the protection of personal information (Quebec's Law 25).
    privacy_officer_name: Mapped[str] = mapped_column(String(200), default="")
    privacy_officer_email: Mapped[str] = mapped_column(String(254), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether the public home page lists the evaluation's open campaigns (off: its campaigns
    # are reached only through their links, invitations and posters).
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Panel codes (survey/panel, docs/panel-codes.md): off, carried by invitations, or
    # self-generated from the chosen questions; the random salt that, with the instance
    # secret, makes the evaluation's key (set once, when codes are first turned on).
    panel_mode: Mapped[str] = mapped_column(String(16), default=PANEL_OFF, server_default="off")
    panel_questions: Mapped[list[str]] = mapped_column(JsonDocument, default=list,
                                                       server_default="[]")
    panel_salt: Mapped[str | None] = mapped_column(String(64))
    # IANA time zone of its dates and times (survey/timezones.py); empty: SURVEY_TIME_ZONE.
    time_zone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    sites: Mapped[list[Site]] = relationship(back_populates="evaluation", order_by="Site.id")
    waves: Mapped[list[Wave]] = relationship(back_populates="evaluation", order_by="Wave.id")
    campaigns: Mapped[list[Campaign]] = relationship(back_populates="evaluation",
                                                     order_by="Campaign.id")
    memberships: Mapped[list[Membership]] = relationship(back_populates="evaluation")


class Site(db.Model):
    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("evaluation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="other")
    is_comparison: Mapped[bool] = mapped_column(Boolean, default=False)

    evaluation: Mapped[Evaluation] = relationship(back_populates="sites")
    teams: Mapped[list[Team]] = relationship(back_populates="site", order_by="Team.id")


class Wave(db.Model):
    __tablename__ = "wave"
    __table_args__ = (UniqueConstraint("evaluation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))  # T0, T1...
    label: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)

    evaluation: Mapped[Evaluation] = relationship(back_populates="waves")


class Team(db.Model):
    """A team within a site (shared-leadership analyses), with its roster."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    site: Mapped[Site] = relationship(back_populates="teams")
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", order_by="TeamMember.position", cascade="all, delete-orphan")

    @property
    def active_members(self) -> list[TeamMember]:
        """The members on the roster now (retired ones only label earlier answers)."""
        return [m for m in self.members if not m.retired]


class TeamMember(db.Model):
    """One entry of a team's roster: shown by name, stored and exported by code."""

    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("team_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Dropped from the roster: no longer offered, but its code is never reused and its name
    # still labels the answers that named it (survey/design/rosters.py).
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    team: Mapped[Team] = relationship(back_populates="members")


class Campaign(db.Model):
    """One questionnaire version offered to one audience at one site in one wave."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str] = mapped_column(String(32))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CLOSED)
    # The public part of its open link (/c/<slug>): random, not guessable from anything.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # Entries for ``roster: campaign`` items when no team gives them: [{code, name}, ...].
    roster: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    evaluation: Mapped[Evaluation] = relationship(back_populates="campaigns")
    version: Mapped[QuestionnaireVersion] = relationship()
    site: Mapped[Site | None] = relationship()
    wave: Mapped[Wave | None] = relationship()
    team: Mapped[Team | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    def roster_entries(self) -> list[tuple[str, str]]:
        """(code, name) of the people or organisations participants may nominate now."""
        return [(code, name) for code, name, retired in self.roster_history() if not retired]

    def roster_history(self) -> list[tuple[str, str, bool]]:
        """(code, name, retired) of every entry ever on the campaign's roster: its team's
        members when it has a team, else its own list. Retired entries label old answers."""
        if self.team is not None and self.team.members:
            return [(m.code, m.display_name, m.retired) for m in self.team.members]
        return [(str(e.get("code", "")), str(e.get("name", "")), bool(e.get("retired")))
                for e in self.roster or [] if isinstance(e, dict)]


def slug_shaped(slug: object) -> bool:
    """Whether a value from a client may be a campaign link's slug (anything else is not
    looked up)."""
    return isinstance(slug, str) and 8 <= len(slug) <= 64
