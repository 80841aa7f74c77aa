"""Paper copies of a campaign's questionnaire and the entries typed back from them.

Each printed copy has its own short identifier (printed with a QR code on every page), so an
entry names the copy it comes from; entries stay here, apart from responses, until the copy's
answers are settled: then exactly one response (mode "paper") is stored for the copy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JsonDocument, UtcDateTime, utcnow
from .workspace import Campaign

# A copy's way from the printer to a stored response.
PRINTED = "printed"  # no entry yet
ENTERED_ONCE = "entered_once"  # double entry: waits for a second entry by someone else
TO_SETTLE = "to_settle"  # two entries that differ: a researcher or evaluator settles them
STORED = "stored"  # its response is stored; nothing more is typed from it
COPY_STATUSES = (PRINTED, ENTERED_ONCE, TO_SETTLE, STORED)


class PaperSetting(db.Model):
    """A campaign's paper entry setting: each copy typed once, or twice by two people."""

    __tablename__ = "paper_setting"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    double_entry: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class PaperCopy(db.Model):
    """One printed copy: its identifier, language, wording and where it is on its way."""

    __tablename__ = "paper_copy"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    identifier: Mapped[str] = mapped_column(String(16), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    # The wording it is printed in (standard or easy: easy-read; survey/questionnaire/
    # wording.py): the response stored from it says it was answered in that wording.
    wording: Mapped[str] = mapped_column(String(8), default="standard",
                                         server_default="standard")
    printed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(16), default=PRINTED, index=True)
    # The one response stored from this copy (unique: never two).
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="SET NULL"), unique=True)
    stored_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Optimistic concurrency: every change is "update ... where revision = the one I read".
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    campaign: Mapped[Campaign] = relationship()
    entries: Mapped[list[PaperEntry]] = relationship(
        back_populates="copy", order_by="PaperEntry.number", cascade="all, delete-orphan")


class PaperEntry(db.Model):
    """One typing of a copy's answers (number 1, or 2 in double entry), kept apart from
    responses: answers as typed, before any settling."""

    __tablename__ = "paper_entry"
    __table_args__ = (UniqueConstraint("copy_id", "number", name="uq_paper_entry_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("paper_copy.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[int] = mapped_column(Integer)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # the date written on the copy, the day the person filled it in (None: typed before
    # entries asked for it); the response is dated from it
    filled_on: Mapped[dt.date | None] = mapped_column(Date)
    entered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    copy: Mapped[PaperCopy] = relationship(back_populates="entries")
