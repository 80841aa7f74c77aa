"""Invitation and reminder emails: scheduled as mailings, sent now or by ``survey send-due``.

Each message is first *claimed* in the database (a ``delivery`` row, unique per mailing and
invitation, and the invitation's counter moved by a conditional UPDATE) and only then sent, so
two runs of ``send-due`` at once, a retry after a crash or a double click never send one
contact the same message twice, and no contact gets more reminders than ``MAX_REMINDERS``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail import EVALUATION_HEADER, MailError, deliver, render_mail
from ..models import Campaign, Delivery, Invitation, Mailing, Response, User
from ..models.invitation import FAILED, INVITATION, REMINDER, SENT
from ..models.response import COMPLETED
from ..models.types import utcnow
from .services import audit, invitation_link, unsubscribe_link

KINDS = (INVITATION, REMINDER)
DEFAULT_MAX_REMINDERS = 2


def max_reminders() -> int:
    return int(current_app.config.get("MAX_REMINDERS", DEFAULT_MAX_REMINDERS))


def schedule(campaign: Campaign, kind: str, due_at: dt.datetime | None = None,
             actor: User | None = None) -> Mailing:
    """A mailing of ``kind`` for the campaign, due now or at ``due_at`` (UTC)."""
    if kind not in KINDS:
        raise ValueError(f"unknown mailing kind {kind!r}")
    mailing = Mailing(campaign=campaign, kind=kind, due_at=due_at or utcnow(),
                      created_by=actor.id if actor is not None else None)
    db.session.add(mailing)
    audit("mailing-scheduled", campaign, actor, kind=kind,
          due_at=mailing.due_at.isoformat())
    db.session.commit()
    return mailing


def recipients(mailing: Mailing) -> list[int]:
    """Ids of the invitations this mailing may still write to: contacts not revoked, not
    unsubscribed, and for reminders, invited, not completed, under the reminder limit."""
    query = (select(Invitation.id)
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
    else:
        query = query.where(Invitation.invited_at.is_not(None),
                            Invitation.reminders_sent < max_reminders(),
                            (Response.id.is_(None)) | (Response.status != COMPLETED))
    return list(db.session.scalars(query))


def _claim(mailing: Mailing, invitation_id: int) -> bool:
    """Reserve one message, committed before anything is sent."""
    invitation = Invitation.__table__.c
    if mailing.kind == INVITATION:
        change = (update(Invitation).where(invitation.id == invitation_id,
                                           invitation.invited_at.is_(None))
                  .values(invited_at=utcnow()))
    else:
        change = (update(Invitation).where(invitation.id == invitation_id,
                                           invitation.reminders_sent < max_reminders())
                  .values(reminders_sent=invitation.reminders_sent + 1))
    try:
        db.session.add(Delivery(mailing_id=mailing.id, invitation_id=invitation_id))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    if db.session.execute(change).rowcount != 1:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _release(mailing: Mailing, invitation_id: int) -> None:
    """A message the server refused was not sent: the contact may be written to again."""
    invitation = Invitation.__table__.c
    if mailing.kind == INVITATION:
        change = update(Invitation).where(invitation.id == invitation_id).values(invited_at=None)
    else:
        change = (update(Invitation).where(invitation.id == invitation_id)
                  .values(reminders_sent=invitation.reminders_sent - 1))
    db.session.execute(change)


def compose(mailing: Mailing, invitation: Invitation):  # noqa: ANN201  (a survey.mail.Mail)
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
    sent: int = 0
    failed: int = 0


def run(mailing: Mailing) -> Report:
    """Send what a due mailing still owes; safe to run again or twice at once."""
    report = Report(mailing.id, mailing.kind)
    mailing_id = mailing.id
    if mailing.started_at is None:
        mailing.started_at = utcnow()
        db.session.commit()
    for invitation_id in recipients(mailing):
        mailing = db.session.get(Mailing, mailing_id)
        if not _claim(mailing, invitation_id):
            continue
        delivery = db.session.scalar(select(Delivery).filter_by(
            mailing_id=mailing_id, invitation_id=invitation_id))
        invitation = db.session.get(Invitation, invitation_id)
        try:
            deliver(compose(mailing, invitation))
        except MailError as error:
            delivery.status, delivery.error = FAILED, str(error)[:500]
            _release(mailing, invitation_id)
            report.failed += 1
            current_app.logger.warning("mailing %s: %s", mailing_id, error)
        else:
            delivery.status, delivery.sent_at = SENT, utcnow()
            report.sent += 1
        db.session.commit()
    mailing = db.session.get(Mailing, mailing_id)
    mailing.sent_count += report.sent
    mailing.failed_count += report.failed
    mailing.finished_at = utcnow()
    creator = db.session.get(User, mailing.created_by) if mailing.created_by else None
    audit("invitations-sent", mailing.campaign, creator, kind=mailing.kind,
          mailing=mailing_id, sent=report.sent, failed=report.failed)
    db.session.commit()
    return report


def send_due(now: dt.datetime | None = None) -> list[Report]:
    """Run every mailing that is due and not finished (what cron calls)."""
    now = now or utcnow()
    due = list(db.session.scalars(select(Mailing.id).where(
        Mailing.due_at <= now, Mailing.finished_at.is_(None)).order_by(Mailing.due_at)))
    return [run(db.session.get(Mailing, mailing_id)) for mailing_id in due]
