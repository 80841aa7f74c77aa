"""Messages waiting for the mail server, shared by every instance (``SURVEY_MAIL_QUEUE``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime, utcnow


class QueuedMail(db.Model):
    """One encoded message (RFC 5322 bytes) until the mail server accepts it; then the row is
    deleted, so the links it carries are kept no longer than needed."""

    __tablename__ = "queued_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[bytes] = mapped_column(LargeBinary)
    queued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: when the next attempt may be made (None: given up after too many refusals)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True,
                                                                 default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: the invitation or reminder this message carries (None: an account link), whose status
    #: stays "queued" until the mail server accepts or finally refuses the message
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery.id", ondelete="SET NULL"), index=True)
