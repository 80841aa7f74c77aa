"""Invitation and reminder emails: scheduled as mailings, sent now or by ``survey send-due``.

Each message is first *claimed* in the database (a ``delivery`` row, unique per mailing and
invitation, the invitation's counter and the contact's last message moved by conditional
UPDATEs) and only then sent, so two runs of ``send-due`` at once, a retry after a crash or a
double click never send one contact the same message twice, no contact gets more reminders
than ``MAX_REMINDERS``, and two messages to one contact are at least
``MIN_DAYS_BETWEEN_MESSAGES`` apart (:mod:`.schedule`): a contact written to too recently
waits, and the mailing stays pending until ``resume_at``, when ``send-due`` runs it again.

A results-back page's "the results are out" message is a mailing of kind ``results`` (one per
campaign, started by :mod:`survey.restitution`, composed by it through :data:`COMPOSERS`):
claimed the same way, once per contact, without waiting for the minimum interval.

With the mail queue (``SURVEY_MAIL_QUEUE``) a message handed over is only *queued*: its delivery
says so, and :func:`settle` records what the mail server later made of it (``deliver_queued``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail import EVALUATION_HEADER, MailError, deliver, render_mail
from ..models import Campaign, Contact, Delivery, Invitation, Mailing, Response, User
from ..models.invitation import FAILED, INVITATION, QUEUED, REMINDER, RESULTS, SENT
from ..models.response import COMPLETED
from ..models.types import utcnow
from . import schedule as rules
from .services import audit, invitation_link, unsubscribe_link

KINDS = (INVITATION, REMINDER)  # what a researcher schedules; RESULTS is started by a page
DEFAULT_MAX_REMINDERS = 2
# kind -> its message to one invitation, for kinds composed elsewhere (survey.restitution)
COMPOSERS: dict[str, Callable[[Mailing, Invitation], Any]] = {}


def max_reminders() -> int:
    return int(current_app.config.get("MAX_REMINDERS", DEFAULT_MAX_REMINDERS))


class ScheduleError(ValueError):
    """A mailing refused (``code``: :data:`.schedule.PAST`)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def schedule(campaign: Campaign, kind: str, due_at: dt.datetime | None = None,
             actor: User | None = None) -> Mailing:
    """A mailing of ``kind`` for the campaign, due now or at ``due_at`` (aware, stored in UTC);
    a time in the past is refused (:class:`ScheduleError`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown mailing kind {kind!r}")
    if due_at is not None and rules.due_problem(due_at, utcnow()):
        raise ScheduleError(rules.PAST)
    mailing = Mailing(campaign=campaign, kind=kind, due_at=due_at or utcnow(),
                      created_by=actor.id if actor is not None else None)
    db.session.add(mailing)
    audit("mailing-scheduled", campaign, actor, kind=kind,
          due_at=mailing.due_at.isoformat())
    db.session.commit()
    return mailing


def cancel(mailing: Mailing, actor: User | None = None) -> bool:
    """Stop a pending mailing: marked finished (a conditional UPDATE, so a run that finishes it
    meanwhile wins); False when it was already done."""
    done = db.session.execute(update(Mailing).where(
        Mailing.__table__.c.id == mailing.id, Mailing.__table__.c.finished_at.is_(None))
        .values(finished_at=utcnow(), resume_at=None, cancelled=True)).rowcount == 1
    if done:
        audit("mailing-cancelled", mailing.campaign, actor, kind=mailing.kind, mailing=mailing.id)
    db.session.commit()
    return done


def recipients(mailing: Mailing) -> list[tuple[int, int]]:
    """(invitation id, contact id) of those this mailing may still write to: contacts not
    revoked, not unsubscribed, and for reminders, invited, not completed, under the reminder
    limit (the minimum interval is checked when each message is claimed)."""
    query = (select(Invitation.id, Invitation.contact_id)
             .outerjoin(Response, Response.id == Invitation.response_id)
             .where(Invitation.campaign_id == mailing.campaign_id,
                    Invitation.contact_id.is_not(None), Invitation.revoked_at.is_(None),
                    Invitation.unsubscribed_at.is_(None))
             .where(~select(Delivery.id).where(Delivery.mailing_id == mailing.id,
                                               Delivery.invitation_id == Invitation.id)
                    .exists())
             .order_by(Invitation.id))
    if mailing.kind == INVITATION:
        query = query.where(Invitation.invited_at.is_(None))
    elif mailing.kind == RESULTS:  # once per contact, even after a cancelled results mailing
        query = query.where(~_newer_invitation(mailing.campaign).exists(), ~select(Delivery.id)
                            .join(Mailing, Mailing.id == Delivery.mailing_id)
                            .where(Mailing.campaign_id == mailing.campaign_id,
                                   Mailing.kind == RESULTS,
                                   Delivery.invitation_id == Invitation.id).exists())
    else:
        query = query.where(Invitation.invited_at.is_not(None),
                            Invitation.reminders_sent < max_reminders(),
                            (Response.id.is_(None)) | (Response.status != COMPLETED))
    return [(invitation_id, contact_id) for invitation_id, contact_id
            in db.session.execute(query)]


def _newer_invitation(campaign: Campaign):  # noqa: ANN202  (a select)
    """A newer live invitation of the same contact in a campaign of the same evaluation and
    audience: a results message goes to each contact once, through their newest invitation."""
    other, campaigns = Invitation.__table__.alias("newer"), Campaign.__table__.c
    return (select(other.c.id).join(Campaign.__table__, campaigns.id == other.c.campaign_id)
            .where(campaigns.evaluation_id == campaign.evaluation_id,
                   campaigns.audience == campaign.audience,
                   other.c.contact_id == Invitation.contact_id, other.c.id > Invitation.id,
                   other.c.revoked_at.is_(None), other.c.unsubscribed_at.is_(None)))


WAITING = "waiting"


def _claim(mailing: Mailing, invitation_id: int, contact_id: int,
           now: dt.datetime) -> bool | str:
    """Reserve one message, committed before anything is sent: True, False when another run
    has it or the contact is no longer eligible, :data:`WAITING` when the contact had a message
    less than the minimum interval ago."""
    invitation = Invitation.__table__.c
    contact = Contact.__table__.c
    if mailing.kind == RESULTS:  # a one-off message: the delivery row alone claims it
        change = None
    elif mailing.kind == INVITATION:
        change = (update(Invitation).where(invitation.id == invitation_id,
                                           invitation.invited_at.is_(None))
                  .values(invited_at=now))
    else:
        change = (update(Invitation).where(invitation.id == invitation_id,
                                           invitation.reminders_sent < max_reminders())
                  .values(reminders_sent=invitation.reminders_sent + 1))
    # The contact's last message moves only if it is old enough: of two mailings claiming one
    # contact at once, the second finds the first's time (PostgreSQL re-reads the row after the
    # first commits; SQLite runs one writer at a time).
    interval = rules.min_interval()
    spaced = update(Contact).where(contact.id == contact_id).values(last_message_at=now)
    if mailing.kind != RESULTS:  # the results being out does not wait: later ones wait for it
        spaced = spaced.where(contact.last_message_at.is_(None)
                              | (contact.last_message_at <= now - interval))
    try:
        db.session.add(Delivery(mailing_id=mailing.id, invitation_id=invitation_id))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    if change is not None and db.session.execute(change).rowcount != 1:
        db.session.rollback()
        return False
    if db.session.execute(spaced).rowcount != 1:
        db.session.rollback()
        return WAITING
    db.session.commit()
    return True


def _unclaim(kind: str, invitation_id: int) -> None:
    """Give the invitation back what its claim took: not invited, or one reminder less."""
    invitation = Invitation.__table__.c
    if kind == RESULTS:
        return
    if kind == INVITATION:
        change = update(Invitation).where(invitation.id == invitation_id).values(invited_at=None)
    else:
        change = (update(Invitation).where(invitation.id == invitation_id)
                  .values(reminders_sent=invitation.reminders_sent - 1))
    db.session.execute(change)


def _release(mailing: Mailing, invitation_id: int, contact_id: int,
             previous: dt.datetime | None) -> None:
    """A message the server refused was not sent: the contact may be written to again."""
    _unclaim(mailing.kind, invitation_id)
    db.session.execute(update(Contact).where(Contact.__table__.c.id == contact_id)
                       .values(last_message_at=previous))


def compose(mailing: Mailing, invitation: Invitation):  # noqa: ANN201  (a survey.mail.Mail)
    if mailing.kind in COMPOSERS:
        return COMPOSERS[mailing.kind](mailing, invitation)
    campaign = invitation.campaign
    definition = campaign.version.definition
    contact = invitation.contact
    language = contact.language if contact.language in definition.languages else (
        definition.default_language)
    evaluation = campaign.evaluation
    responsible = ", ".join(part for part in (
        evaluation.responsible_name, evaluation.contact_email or evaluation.contact_phone) if part)
    unsubscribe = unsubscribe_link(invitation)
    return render_mail(
        mailing.kind, contact.email, language,
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 EVALUATION_HEADER: str(evaluation.id)},
        name=contact.name, title=definition.title.get(language) or next(
            iter(definition.title.values()), ""),
        evaluation=evaluation.name, minutes=definition.minutes,
        link=invitation_link(invitation), unsubscribe_url=unsubscribe, responsible=responsible)


@dataclass
class Report:
    mailing_id: int
    kind: str
    sent: int = 0  # accepted by the mail server (or written to the outbox)
    queued: int = 0  # waiting in the mail queue: sent later by ``survey deliver-mail``
    failed: int = 0
    waiting: int = 0  # contacts written to too recently: the mailing goes on at resume_at
    resume_at: dt.datetime | None = None


def run(mailing: Mailing, now: dt.datetime | None = None,
        progress: Callable[[int, int], None] | None = None) -> Report:
    """Send what a due mailing still owes; safe to run again or twice at once. ``now`` (the
    tests' clock) stamps the messages and decides who must still wait; ``progress(done,
    total)`` hears of each contact handled (a background job's progress bar)."""
    now = now or utcnow()
    report = Report(mailing.id, mailing.kind)
    mailing_id = mailing.id
    if mailing.started_at is None:
        mailing.started_at = now
        db.session.commit()
    waiting: list[int] = []
    todo = recipients(mailing)
    for done, (invitation_id, contact_id) in enumerate(todo):
        if progress is not None:
            progress(done, len(todo))
        mailing = db.session.get(Mailing, mailing_id)
        if db.session.scalar(select(Mailing.cancelled).where(Mailing.id == mailing_id)):
            break
        previous = db.session.scalar(select(Contact.last_message_at).where(
            Contact.id == contact_id))
        claimed = _claim(mailing, invitation_id, contact_id, now)
        if claimed == WAITING:
            waiting.append(contact_id)
            continue
        if not claimed:
            continue
        delivery = db.session.scalar(select(Delivery).filter_by(
            mailing_id=mailing_id, invitation_id=invitation_id))
        invitation = db.session.get(Invitation, invitation_id)
        try:
            sent = deliver(compose(mailing, invitation), delivery_id=delivery.id)
        except MailError as error:
            delivery.status, delivery.error = FAILED, str(error)[:500]
            _release(mailing, invitation_id, contact_id, previous)
            report.failed += 1
            current_app.logger.warning("mailing %s: %s", mailing_id, error)
        else:
            if sent.queued:
                delivery.status = QUEUED
                report.queued += 1
            else:
                delivery.status, delivery.sent_at = SENT, now
                report.sent += 1
        db.session.commit()
    report.waiting = len(waiting)
    if waiting:
        lasts = db.session.scalars(select(Contact.last_message_at).where(
            Contact.id.in_(waiting), Contact.last_message_at.is_not(None)))
        report.resume_at = rules.next_allowed(lasts, rules.min_interval())
    mailing = db.session.get(Mailing, mailing_id)
    db.session.refresh(mailing)  # cancelled meanwhile?
    # Counted in SQL: a deliverer may settle this mailing's queued messages meanwhile.
    mailing.sent_count = Mailing.sent_count + report.sent
    mailing.failed_count = Mailing.failed_count + report.failed
    mailing.waiting_count = report.waiting
    mailing.resume_at = report.resume_at
    mailing.finished_at = mailing.finished_at if mailing.cancelled else (
        None if waiting else now)
    creator = db.session.get(User, mailing.created_by) if mailing.created_by else None
    audit("invitations-sent", mailing.campaign, creator, kind=mailing.kind,
          mailing=mailing_id, sent=report.sent, queued=report.queued, failed=report.failed,
          waiting=report.waiting)
    db.session.commit()
    return report


def settle(delivery_id: int, error: str | None = None, final: bool = True) -> None:
    """What the mail server made of a queued message, in the caller's transaction: accepted
    (``error`` None), the delivery is sent and counted; refused, the reason is kept, and when
    ``final`` (no more attempts) the delivery fails and the contact may be written to again by
    a later mailing (the minimum interval still counts from the attempt)."""
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status != QUEUED:
        return
    mailing = db.session.get(Mailing, delivery.mailing_id)
    if error is None:
        delivery.status, delivery.sent_at, delivery.error = SENT, utcnow(), ""
        mailing.sent_count = Mailing.sent_count + 1  # in SQL: others count at once
        return
    delivery.error = error[:500]
    if final:
        delivery.status = FAILED
        mailing.failed_count = Mailing.failed_count + 1
        _unclaim(mailing.kind, delivery.invitation_id)


def queued_counts(mailing_ids: list[int]) -> dict[int, int]:
    """How many messages of each mailing still wait in the mail queue (the campaign page)."""
    return dict(db.session.execute(
        select(Delivery.mailing_id, func.count(Delivery.id))
        .where(Delivery.mailing_id.in_(mailing_ids), Delivery.status == QUEUED)
        .group_by(Delivery.mailing_id)).all())


def summary(outcome: dict[str, Any]) -> str:
    """What a mailing run did, for its flash message and its job's page: sent, queued (only
    with the mail queue) and refused, never counting a queued message as sent."""
    parts = [ngettext("%(num)s message sent", "%(num)s messages sent", outcome.get("sent", 0))]
    if outcome.get("queued"):
        parts.append(ngettext("%(num)s queued for the mail server (not sent yet)",
                              "%(num)s queued for the mail server (not sent yet)",
                              outcome["queued"]))
    parts.append(ngettext("%(num)s refused by the mail server",
                          "%(num)s refused by the mail server", outcome.get("failed", 0)))
    return ", ".join(parts)


def queued_invitations(campaign_id: int) -> set[int]:
    """The campaign's invitations whose invitation email waits in the mail queue."""
    return set(db.session.scalars(
        select(Delivery.invitation_id).join(Mailing, Mailing.id == Delivery.mailing_id)
        .where(Mailing.campaign_id == campaign_id, Mailing.kind == INVITATION,
               Delivery.status == QUEUED)))


def send_due(now: dt.datetime | None = None) -> list[Report]:
    """Run every mailing that is due and not finished, and every waiting one whose contacts
    may now be written to (what cron, or a background job, calls)."""
    now = now or utcnow()
    return [run(db.session.get(Mailing, mailing_id), now) for mailing_id in due_mailings(now)]


def due_mailings(now: dt.datetime) -> list[int]:
    """Mailings due and not finished, and waiting ones whose contacts may now be written to."""
    return list(db.session.scalars(select(Mailing.id).where(
        Mailing.due_at <= now, Mailing.finished_at.is_(None),
        Mailing.resume_at.is_(None) | (Mailing.resume_at <= now)).order_by(Mailing.due_at)))
