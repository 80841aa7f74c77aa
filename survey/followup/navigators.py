"""The navigators' list of people due this week, and what they record about each.

A row names a person by their number in the series and the start of their panel code, never by
anything from the answers; the step, its due date and the site. A navigator limited to sites
(``membership_site``) sees those sites only. The list holds the people due by the end of the
week (Monday to Sunday, in the evaluation's time zone), overdue ones included, who have not
completed the step and did not decline, when no email can reach them: no address, an address
that unsubscribed, or an email left unanswered for ``FOLLOWUP_EMAIL_DAYS`` days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import (
    Campaign,
    Evaluation,
    FollowupAttempt,
    FollowupPerson,
    FollowupSeries,
    FollowupStep,
    FollowupTask,
    Invitation,
    Site,
    User,
    Wave,
)
from ..models.followup import DECLINED, NOT_REACHED, OUTCOMES, REACHED
from ..models.types import utcnow
from ..panel.codes import short_code
from ..timezones import zone_of
from .due import DEFAULT_EMAIL_DAYS, completed_step, setting, tasks_query, unsubscribed
from .schedule import local_date, week_end

SHORT_CODE = 5  # characters of the panel code shown beside the person's number


@dataclass(frozen=True)
class DueRow:
    task_id: int
    person: str  # "#7 · ABCDE": the number in the series and the start of the panel code
    series: str
    step: str  # the step's wave label
    due_on: dt.date
    overdue: bool
    site: str
    campaign: Campaign
    emailed: bool  # an email went without an answer
    outcome: str  # "" (nothing recorded yet), reached, not_reached
    outcome_on: dt.date | None
    attempts: int


def person_reference(person: FollowupPerson) -> str:
    """``#7 · ABCDE``: the person's number in the series and the start of their panel code."""
    return f"#{person.number} · {short_code(person.panel_hash)[:SHORT_CODE]}"


def today_in(evaluation: Evaluation, now: dt.datetime | None = None) -> dt.date:
    return local_date(now or utcnow(), zone_of(evaluation))


def due_rows(evaluation: Evaluation, sites: frozenset[int] | None,
             now: dt.datetime | None = None) -> list[DueRow]:
    """The people due this week at the sites the reader may see (None: every site)."""
    now = now or utcnow()
    today = today_in(evaluation, now)
    grace = dt.timedelta(days=setting("FOLLOWUP_EMAIL_DAYS", DEFAULT_EMAIL_DAYS))
    query = (tasks_query().add_columns(Site.name, Wave.label, Campaign)
             .join(Site, Site.id == FollowupSeries.site_id)
             .join(Wave, Wave.id == FollowupStep.wave_id)
             .join(Campaign, Campaign.id == FollowupStep.campaign_id)
             .outerjoin(Invitation, Invitation.id == FollowupTask.invitation_id)
             .add_columns(Invitation.invited_at)
             .where(FollowupSeries.evaluation_id == evaluation.id,
                    FollowupTask.due_on <= week_end(today), FollowupTask.outcome != DECLINED,
                    FollowupPerson.declined_on.is_(None), ~completed_step())
             .order_by(FollowupTask.due_on, FollowupSeries.id, FollowupPerson.number))
    if sites is not None:
        query = query.where(FollowupSeries.site_id.in_(sites))
    rows = []
    for task, person, _step, series, site, label, campaign, invited_at in db.session.execute(
            query):
        emailed = invited_at is not None
        reachable = person.contact_id is not None and not unsubscribed(person.contact_id)
        if reachable and (invited_at is None or invited_at > now - grace):
            continue  # the email goes, or went recently: no one needs to call yet
        rows.append(DueRow(task.id, person_reference(person), series.name, label, task.due_on,
                           task.due_on < today, site, campaign, emailed, task.outcome,
                           task.outcome_on, task.attempts))
    return rows


class OutcomeError(ValueError):
    """A refused record: ``invalid-outcome``, ``invalid-date``, ``future-date``, ``not-due``."""


def due_task(evaluation: Evaluation, task_id: int, sites: frozenset[int] | None
             ) -> FollowupTask | None:
    """A task of this evaluation within the reader's sites (None otherwise: a 404)."""
    row = db.session.execute(
        select(FollowupTask, FollowupSeries)
        .join(FollowupPerson, FollowupPerson.id == FollowupTask.person_id)
        .join(FollowupSeries, FollowupSeries.id == FollowupPerson.series_id)
        .where(FollowupTask.id == task_id)).first()
    if row is None or row[1].evaluation_id != evaluation.id:
        return None
    if sites is not None and row[1].site_id not in sites:
        return None
    return row[0]


def record_outcome(task: FollowupTask, outcome: str, happened_on: dt.date | None,
                   actor: User | None, now: dt.datetime | None = None) -> None:
    """Reached, not reached (may be tried again) or declined (the person leaves the series:
    none of their later steps is invited or listed). The date defaults to today, never later."""
    person = task.person
    series = db.session.get(FollowupSeries, person.series_id)
    evaluation = db.session.get(Evaluation, series.evaluation_id)
    today = today_in(evaluation, now)
    if outcome not in OUTCOMES:
        raise OutcomeError("invalid-outcome")
    happened_on = happened_on or today
    if happened_on > today:
        raise OutcomeError("future-date")
    if happened_on < person.started_on:
        raise OutcomeError("invalid-date")
    if task.due_on > week_end(today) or person.declined_on is not None:
        raise OutcomeError("not-due")
    task.outcome, task.outcome_on = outcome, happened_on
    task.attempts = (task.attempts or 0) + 1
    if outcome == DECLINED:
        person.declined_on = happened_on
    db.session.add(FollowupAttempt(task_id=task.id, outcome=outcome, happened_on=happened_on,
                                   recorded_by=actor.id if actor is not None else None))
    audit.record("followup-outcome", f"series {series.id}", actor=actor,
                 evaluation_id=evaluation.id, commit=False, person=person.number,
                 step=task.step_id, outcome=outcome)
    db.session.commit()


__all__ = ["DECLINED", "NOT_REACHED", "REACHED", "DueRow", "OutcomeError", "due_rows",
           "due_task", "record_outcome"]
