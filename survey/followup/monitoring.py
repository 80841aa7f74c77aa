"""A series' figures for the research team, per step: due, invited, reached, not reached,
declined, completed. Researchers and evaluators read every count, small ones included (they
may see the people of the evaluation); partners see nothing of a series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    FollowupAttempt,
    FollowupPerson,
    FollowupSeries,
    FollowupStep,
    FollowupTask,
    Invitation,
    Response,
)
from ..models.followup import DECLINED, NOT_REACHED, REACHED
from ..models.response import COMPLETED
from ..models.types import utcnow
from .due import completed_step
from .navigators import today_in


@dataclass(frozen=True)
class StepFigures:
    step: FollowupStep
    people: int  # baseline: enrolled; later steps: people with this step planned
    due: int  # due by today (the baseline: every person)
    invited: int  # invited by email
    reached: int  # reached by a navigator at least once
    not_reached: int  # tried, not reached yet
    declined: int
    completed: int


@dataclass(frozen=True)
class SeriesFigures:
    series: FollowupSeries
    steps: list[StepFigures]
    unlinked: int  # completed baselines without a panel code: they cannot be followed


def _count(query) -> int:  # noqa: ANN001
    return db.session.scalar(query) or 0


def figures(series: FollowupSeries, now: dt.datetime | None = None) -> SeriesFigures:
    from ..models import Evaluation

    today = today_in(db.session.get(Evaluation, series.evaluation_id), now or utcnow())
    people = _count(select(func.count(FollowupPerson.id)).filter_by(series_id=series.id))
    baseline = series.baseline
    rows = [StepFigures(baseline, people, people, 0, 0, 0, 0, people)]
    for step in series.steps[1:]:
        tasks = (select(func.count(FollowupTask.id))
                 .join(FollowupPerson, FollowupPerson.id == FollowupTask.person_id)
                 .where(FollowupTask.step_id == step.id))
        where_step = FollowupStep.id == FollowupTask.step_id
        rows.append(StepFigures(
            step=step,
            people=_count(tasks),
            due=_count(tasks.where(FollowupTask.due_on <= today)),
            invited=_count(tasks.join(Invitation, Invitation.id == FollowupTask.invitation_id)
                           .where(Invitation.invited_at.is_not(None))),
            reached=_count(tasks.where(select(FollowupAttempt.id).where(
                FollowupAttempt.task_id == FollowupTask.id,
                FollowupAttempt.outcome == REACHED).exists())),
            not_reached=_count(tasks.where(FollowupTask.outcome == NOT_REACHED)),
            declined=_count(tasks.where(FollowupTask.outcome == DECLINED)),
            completed=_count(tasks.join(FollowupStep, where_step).where(completed_step())),
        ))
    unlinked = _count(select(func.count(Response.id)).where(
        Response.campaign_id == baseline.campaign_id, Response.status == COMPLETED,
        Response.panel_hash.is_(None)))
    return SeriesFigures(series, rows, unlinked)
