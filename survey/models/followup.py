"""Follow-up series: each person asked again at set intervals after their own baseline.

A series belongs to one evaluation, questionnaire version and site; each of its steps is a wave
of the evaluation with its own campaign (the baseline is step 0). A person is known by the panel
code (keyed hash) of their baseline response, never by a name; their optional contact (an
address in ``contact``, apart from the answers, as invitations keep it) says whether a due step
goes by email or to the navigators' list of people due.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .invitation import Contact
from .types import UtcDateTime, utcnow
from .workspace import Campaign, Site, Wave

DAYS = "days"
WEEKS = "weeks"
MONTHS = "months"
UNITS = (DAYS, WEEKS, MONTHS)
# What a navigator records about a person due: reached (answers to collect now), not reached
# (tried on a date, may try again), declined (no further step for that person).
REACHED = "reached"
NOT_REACHED = "not_reached"
DECLINED = "declined"
OUTCOMES = (REACHED, NOT_REACHED, DECLINED)


class FollowupSeries(db.Model):
    __tablename__ = "followup_series"
    __table_args__ = (UniqueConstraint("evaluation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(8))  # its waves' codes start with it
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    steps: Mapped[list[FollowupStep]] = relationship(
        back_populates="series", order_by="FollowupStep.position")

    @property
    def baseline(self) -> FollowupStep:
        return self.steps[0]


class FollowupStep(db.Model):
    """One time of measurement of a series: ``amount`` ``unit`` after the baseline (0 for it)."""

    __tablename__ = "followup_step"
    __table_args__ = (UniqueConstraint("series_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("followup_series.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer, default=0)
    unit: Mapped[str] = mapped_column(String(8), default=MONTHS)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), unique=True)

    series: Mapped[FollowupSeries] = relationship(back_populates="steps")
    wave: Mapped[Wave] = relationship()
    campaign: Mapped[Campaign] = relationship()


class FollowupPerson(db.Model):
    """Someone who completed a series' baseline: a number within the series and a panel code."""

    __tablename__ = "followup_person"
    __table_args__ = (UniqueConstraint("series_id", "panel_hash"),
                      UniqueConstraint("series_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("followup_series.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    panel_hash: Mapped[str] = mapped_column(String(64))
    # Where follow-up invitations go; None: the navigators' list of people due.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    baseline_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="SET NULL"))
    # The baseline's completion date in the evaluation's time zone: every due date counts from it.
    started_on: Mapped[dt.date] = mapped_column(Date)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    declined_on: Mapped[dt.date | None] = mapped_column(Date)

    contact: Mapped[Contact | None] = relationship()
    tasks: Mapped[list[FollowupTask]] = relationship(back_populates="person",
                                                     order_by="FollowupTask.due_on")


class FollowupTask(db.Model):
    """One later step due for one person: invited by email, or to be reached by a navigator."""

    __tablename__ = "followup_task"
    __table_args__ = (UniqueConstraint("person_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("followup_person.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("followup_step.id"), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # The invitation its email went through (one per contact and campaign, as any invitation).
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"))
    outcome: Mapped[str] = mapped_column(String(16), default="", server_default="")
    outcome_on: Mapped[dt.date | None] = mapped_column(Date)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    person: Mapped[FollowupPerson] = relationship(back_populates="tasks")
    step: Mapped[FollowupStep] = relationship()


class FollowupAttempt(db.Model):
    """What a navigator recorded, kept as history (a person not reached may be tried again)."""

    __tablename__ = "followup_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("followup_task.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
