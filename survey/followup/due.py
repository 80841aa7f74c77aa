"""Steps that fall due: invited by email when the person left an address, else listed for the
navigators, who record whether they reached the person.

:func:`process_due` runs in the worker's minute round and in ``survey followup process``: it
enrols the baselines completed since the last run, then gives every due step of a person with an
address an invitation to the step's campaign (one per contact and campaign, as any invitation)
and makes sure an invitation mailing of that campaign is pending, sent by the invitation
machinery (claimed once per invitation: a due step is emailed once however often this runs),
with a reminder at ``FOLLOWUP_SEND_HOUR`` in the evaluation's time zone some days later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..invitations.services import audit, new_invitation
from ..models import (
    Campaign,
    Evaluation,
    FollowupPerson,
    FollowupSeries,
    FollowupStep,
    FollowupTask,
    Invitation,
    Mailing,
    Response,
)
from ..models.invitation import INVITATION, REMINDER
from ..models.response import COMPLETED
from ..models.types import utcnow
from ..timezones import zone_of
from .schedule import at_local, local_date
from .series import enrol_new

DEFAULT_SEND_HOUR = 9  # invitations of a step due today go from this local hour
DEFAULT_REMINDER_DAYS = 7  # then one reminder so many days later, at the same hour
DEFAULT_EMAIL_DAYS = 14  # no answer so long after the email: the navigators' list shows them


def setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def completed_step():  # noqa: ANN201  (an EXISTS clause)
    """Whether the task's person completed its step (a completed response of the step's
    campaign with the person's panel code): the one test of "completed"."""
    return (select(Response.id).where(Response.campaign_id == FollowupStep.campaign_id,
                                      Response.panel_hash == FollowupPerson.panel_hash,
                                      Response.status == COMPLETED).exists())


def tasks_query():  # noqa: ANN201  (a select of task, person, step, series)
    return (select(FollowupTask, FollowupPerson, FollowupStep, FollowupSeries)
            .join(FollowupPerson, FollowupPerson.id == FollowupTask.person_id)
            .join(FollowupStep, FollowupStep.id == FollowupTask.step_id)
            .join(FollowupSeries, FollowupSeries.id == FollowupPerson.series_id))


def unsubscribed(contact_id: int) -> bool:
    """Whether the contact asked for no more emails (through any of its invitations)."""
    return db.session.scalar(select(Invitation.id).where(
        Invitation.contact_id == contact_id, Invitation.unsubscribed_at.is_not(None))
        .limit(1)) is not None


@dataclass
class Processed:
    enrolled: int = 0
    invited: int = 0  # due steps given an invitation (their email goes with the mailing)
    mailings: int = 0  # invitation mailings scheduled


def process_due(now: dt.datetime | None = None) -> Processed:
    """Enrol, then invite every due step of a person with a usable address (idempotent)."""
    now = now or utcnow()
    done = Processed()
    for series_id in list(db.session.scalars(select(FollowupSeries.id))):
        series = db.session.get(FollowupSeries, series_id)
        done.enrolled += enrol_new(series).people
        evaluation = db.session.get(Evaluation, series.evaluation_id)
        zone = zone_of(evaluation)
        today = local_date(now, zone)
        due = db.session.execute(tasks_query().where(
            FollowupSeries.id == series_id, FollowupTask.due_on <= today,
            FollowupTask.invitation_id.is_(None), FollowupTask.outcome != "declined",
            FollowupPerson.declined_on.is_(None), FollowupPerson.contact_id.is_not(None),
            ~completed_step()).order_by(FollowupTask.id)).all()
        campaigns: set[int] = set()
        for task, person, step, _series in due:
            if unsubscribed(person.contact_id):
                continue  # the navigators' list shows them
            invitation = db.session.scalar(select(Invitation).filter_by(
                campaign_id=step.campaign_id, contact_id=person.contact_id))
            if invitation is None:
                invitation = new_invitation(step.campaign, person.contact)
                db.session.add(invitation)
                db.session.flush()
            task.invitation_id = invitation.id
            db.session.commit()
            done.invited += 1
            campaigns.add(step.campaign_id)
        for campaign_id in sorted(campaigns):
            done.mailings += _ensure_mailings(db.session.get(Campaign, campaign_id), now, today,
                                              zone)
    return done


def _pending(campaign_id: int, kind: str) -> list[Mailing]:
    return list(db.session.scalars(select(Mailing).where(
        Mailing.campaign_id == campaign_id, Mailing.kind == kind,
        Mailing.finished_at.is_(None), Mailing.cancelled.is_(False))))


def _schedule(campaign: Campaign, kind: str, due_at: dt.datetime) -> None:
    """A mailing as a researcher's would be (the job's clock, not the wall's, says when)."""
    db.session.add(Mailing(campaign=campaign, kind=kind, due_at=due_at))
    audit("mailing-scheduled", campaign, None, kind=kind, due_at=due_at.isoformat(),
          followup=True)
    db.session.commit()


def _ensure_mailings(campaign: Campaign, now: dt.datetime, today: dt.date, zone) -> int:  # noqa: ANN001
    """An invitation mailing pending for the campaign (from the send hour, local time), and a
    reminder at the same hour some days later; returns how many mailings were scheduled."""
    hour = setting("FOLLOWUP_SEND_HOUR", DEFAULT_SEND_HOUR)
    scheduled = 0
    if not _pending(campaign.id, INVITATION):
        _schedule(campaign, INVITATION, max(now, at_local(today, hour, zone)))
        scheduled += 1
    reminder_day = today + dt.timedelta(days=setting("FOLLOWUP_REMINDER_DAYS",
                                                     DEFAULT_REMINDER_DAYS))
    reminder_at = at_local(reminder_day, hour, zone)
    # Steps falling due on following days share a reminder (half the delay's slack).
    slack = dt.timedelta(days=setting("FOLLOWUP_REMINDER_DAYS", DEFAULT_REMINDER_DAYS) / 2)
    if not any(m.due_at >= reminder_at - slack for m in _pending(campaign.id, REMINDER)):
        _schedule(campaign, REMINDER, reminder_at)
        scheduled += 1
    return scheduled
