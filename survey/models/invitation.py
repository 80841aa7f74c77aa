"""Invitations to a campaign, and the contacts they go to (kept apart from the answers).

A contact's address lives only in ``contact``: no answer export ever joins it. An invitation
holds a token's digest, never the token; the token itself is derived again from the app's key
and the invitation's random seed when a link is shown, exported or emailed
(:func:`survey.invitations.tokens.token_for`), so a copy of the database alone opens nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UtcDateTime, utcnow

if TYPE_CHECKING:
    from .response import Response
    from .workspace import Campaign

INVITATION = "invitation"
REMINDER = "reminder"
RESULTS = "results"  # a results-back page is out (survey.restitution)
# A delivery's status: claimed (reserved, being handed to the mail system), queued (waiting in
# ``queued_mail`` for the mail server, SURVEY_MAIL_QUEUE), sent (the server accepted it), failed
# (refused: ``error`` says why).
CLAIMED = "claimed"
QUEUED = "queued"
SENT = "sent"
FAILED = "failed"


class Contact(db.Model):
    """Someone a research team may write to, within one evaluation."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("evaluation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))  # normalised on import (lower-case domain)
    name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    # When the last email was claimed for this contact (any campaign): the next one waits
    # MIN_DAYS_BETWEEN_MESSAGES (survey/invitations/schedule.py).
    last_message_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Invitation(db.Model):
    """A single-use link to one campaign, for a contact or handed out by hand."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("campaign_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    # Random seed the token is derived from (with the app's key); the token's digest is looked up.
    seed: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The response this token started: opening the link again resumes it, never a second one.
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"),
                                                    index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    invited_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)  # invitation email sent
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    campaign: Mapped[Campaign] = relationship()
    contact: Mapped[Contact | None] = relationship()
    response: Mapped[Response | None] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Mailing(db.Model):
    """An invitation or reminder email to every eligible contact of a campaign, sent now or at
    ``due_at`` by ``survey send-due`` (or a results-back page's "the results are out")."""

    __tablename__ = "mailing"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # invitation | reminder | results
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Some contacts had a message too recently: send-due runs the mailing again from then.
    resume_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    waiting_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship()


class Delivery(db.Model):
    """One message of one mailing to one invitation: the unique pair is what guarantees a
    contact never gets the same reminder twice, whatever runs at once."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("mailing_id", "invitation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailing.id"), index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CLAIMED)
    error: Mapped[str] = mapped_column(String(500), default="")  # the last refusal, if any
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
