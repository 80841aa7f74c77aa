"""Creating a follow-up series, and enrolling the people who complete its baseline.

A series is refused while the evaluation's panel codes are off: its waves are linked, person by
person, only by the panel code of each response (carried by an invitation's contact, or
self-generated), never by a name in the answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..extensions import db
from ..models import (
    Campaign,
    Contact,
    Evaluation,
    FollowupPerson,
    FollowupSeries,
    FollowupStep,
    FollowupTask,
    Invitation,
    QuestionnaireVersion,
    Response,
    Site,
    User,
    Wave,
)
from ..models.followup import DAYS, MONTHS, WEEKS
from ..models.response import COMPLETED
from ..models.types import utcnow
from ..models.workspace import OPEN, PANEL_INVITATION, PANEL_OFF
from ..panel.services import hash_for_contact
from ..secrets import new_secret
from ..timezones import zone_of
from .schedule import Interval, StepsError, add_interval, local_date, parse_steps, wave_code

CODE_RE = re.compile(r"^[A-Za-z0-9]{1,8}$")


class SeriesError(ValueError):
    """A refused series: ``code`` is a message id (see :func:`survey.followup.messages`),
    ``text`` the step it is about, if any."""

    def __init__(self, code: str, text: str = "") -> None:
        super().__init__(code)
        self.code, self.text = code, text


def step_label(step: Interval | None) -> str:
    """A step's wave label in the reader's language: "Baseline", "3-month follow-up"."""
    if step is None:
        return _("Baseline")
    words = {MONTHS: _("%(num)s-month follow-up", num=step.amount),
             WEEKS: _("%(num)s-week follow-up", num=step.amount),
             DAYS: _("%(num)s-day follow-up", num=step.amount)}
    return words[step.unit]


def create_series(evaluation: Evaluation, actor: User | None, *, name: str, code: str,
                  version: QuestionnaireVersion | None, site: Site | None,
                  steps: str) -> FollowupSeries:
    """A series with one wave and one open campaign per step (baseline first). Refused with a
    :class:`SeriesError` when panel codes are off, or on any bad field."""
    if evaluation.panel_mode == PANEL_OFF:
        raise SeriesError("panel-off")
    name = " ".join(str(name or "").split())[:200]
    code = str(code or "").strip()
    if not name:
        raise SeriesError("name-required")
    if not CODE_RE.match(code):
        raise SeriesError("invalid-code")
    if version is None:
        raise SeriesError("version-required")
    if site is None or site.evaluation_id != evaluation.id:
        raise SeriesError("site-required")
    try:
        intervals = parse_steps(steps)
    except StepsError as error:
        raise SeriesError(error.code, error.text) from None
    if db.session.scalar(select(FollowupSeries.id).filter_by(evaluation_id=evaluation.id,
                                                             code=code)):
        raise SeriesError("code-taken")
    planned: list[Interval | None] = [None, *intervals]
    codes = [wave_code(code, position, step) for position, step in enumerate(planned)]
    if db.session.scalar(select(Wave.id).where(Wave.evaluation_id == evaluation.id,
                                               Wave.code.in_(codes))):
        raise SeriesError("code-taken")
    series = FollowupSeries(evaluation_id=evaluation.id, name=name, code=code, site=site,
                            created_by=actor.id if actor is not None else None)
    db.session.add(series)
    for position, (step, wave_text) in enumerate(zip(planned, codes, strict=True)):
        label = f"{name} · {step_label(step)}"[:200]
        wave = Wave(evaluation_id=evaluation.id, code=wave_text, label=label)
        db.session.add(wave)
        db.session.flush()
        campaign = Campaign(evaluation_id=evaluation.id, version=version,
                            audience=version.definition.audience, site=site, wave=wave,
                            status=OPEN, opened_at=utcnow(), name=label,
                            slug=new_secret(12), roster=[])
        db.session.add(campaign)
        db.session.flush()
        db.session.add(FollowupStep(series=series, position=position,
                                    amount=step.amount if step else 0,
                                    unit=step.unit if step else DAYS, wave=wave,
                                    campaign=campaign))
    db.session.flush()
    audit.record("followup-series-created", name, actor=actor, evaluation_id=evaluation.id,
                 commit=False, series=series.id, steps=codes)
    db.session.commit()
    return series


def series_of(evaluation: Evaluation) -> list[FollowupSeries]:
    return list(db.session.scalars(select(FollowupSeries).filter_by(
        evaluation_id=evaluation.id).order_by(FollowupSeries.id)))


def series_of_campaign(campaign_id: int | None) -> FollowupSeries | None:
    """The series whose baseline is this campaign, if any."""
    if campaign_id is None:
        return None
    return db.session.scalar(select(FollowupSeries).join(FollowupStep).where(
        FollowupStep.campaign_id == campaign_id, FollowupStep.position == 0))


# -- enrolling the people who completed the baseline -----------------------------------------

@dataclass(frozen=True)
class Enrolled:
    people: int  # enrolled in this run
    unlinked: int  # baseline responses without a panel code: they cannot be followed


def invitation_contact(response_id: int) -> Contact | None:
    """The contact whose invitation started this response (None for an open link)."""
    return db.session.scalar(select(Contact).join(Invitation, Invitation.contact_id == Contact.id)
                             .where(Invitation.response_id == response_id))


def enrol(series: FollowupSeries, response: Response,
          contact: Contact | None = None) -> FollowupPerson | None:
    """The person of a completed baseline response, enrolled once (by panel code) with a task
    per later step, each due at the baseline's local date plus its interval. A contact given
    later (the address left after the baseline) is kept when the person had none. None when
    the response has no panel code."""
    if response.status != COMPLETED or response.panel_hash is None:
        return None
    person = db.session.scalar(select(FollowupPerson).filter_by(
        series_id=series.id, panel_hash=response.panel_hash))
    contact = contact or invitation_contact(response.id)
    if person is not None:
        if person.contact_id is None and contact is not None:
            person.contact_id = contact.id
            db.session.commit()
        return person
    evaluation = db.session.get(Evaluation, series.evaluation_id)
    started_on = local_date(response.completed_at or response.updated_at, zone_of(evaluation))
    number = (db.session.scalar(select(func.max(FollowupPerson.number)).filter_by(
        series_id=series.id)) or 0) + 1
    person = FollowupPerson(series_id=series.id, number=number, panel_hash=response.panel_hash,
                            contact_id=contact.id if contact else None,
                            baseline_response_id=response.id, started_on=started_on)
    try:
        with db.session.begin_nested():  # a savepoint: a clash drops this person alone
            db.session.add(person)
            for step in series.steps[1:]:
                person.tasks.append(FollowupTask(step=step, due_on=add_interval(
                    started_on, step.amount, step.unit)))
    except IntegrityError:  # enrolled meanwhile by another run
        return db.session.scalar(select(FollowupPerson).filter_by(
            series_id=series.id, panel_hash=response.panel_hash))
    db.session.commit()
    return person


def enrol_new(series: FollowupSeries) -> Enrolled:
    """Enrol every completed baseline response not enrolled yet (alone, assisted or on paper:
    every response of the baseline campaign counts)."""
    baseline = series.baseline.campaign_id
    known = select(FollowupPerson.panel_hash).where(FollowupPerson.series_id == series.id)
    waiting = db.session.scalars(select(Response).where(
        Response.campaign_id == baseline, Response.status == COMPLETED,
        Response.panel_hash.is_not(None), Response.panel_hash.not_in(known))
        .order_by(Response.completed_at, Response.id))
    people = 0
    for response in list(waiting):
        if enrol(series, response) is not None:
            people += 1
    unlinked = db.session.scalar(select(func.count(Response.id)).where(
        Response.campaign_id == baseline, Response.status == COMPLETED,
        Response.panel_hash.is_(None))) or 0
    return Enrolled(people, unlinked)


# -- an address left after the baseline -------------------------------------------------------

def leave_address(series: FollowupSeries, response: Response, email: str,
                  language: str) -> FollowupPerson | None:
    """Keep the address a person left after their baseline (in ``contact``, apart from the
    answers) and enrol them with it. With panel codes carried by invitations, a baseline
    answered without one takes the code of this contact, so its later steps link to it."""
    evaluation = db.session.get(Evaluation, series.evaluation_id)
    contact = db.session.scalar(select(Contact).where(
        Contact.evaluation_id == evaluation.id, func.lower(Contact.email) == email.lower()))
    if contact is None:
        contact = Contact(evaluation_id=evaluation.id, email=email, name="", language=language)
        db.session.add(contact)
        db.session.flush()
    if response.panel_hash is None and evaluation.panel_mode == PANEL_INVITATION:
        response.panel_hash = hash_for_contact(evaluation, contact)
    audit.record("followup-address-left", f"series {series.id}", evaluation_id=evaluation.id,
                 commit=False)
    db.session.commit()
    return enrol(series, response, contact)
