"""Co-design review of a draft questionnaire: rounds, reviewers (by link or by account), their
ratings of each item, and partners' proposals of new items (survey/review)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JsonDocument, UtcDateTime, utcnow

OPEN = "open"
CLOSED = "closed"
# The panels a reviewer speaks for; never a name (reviewers stay anonymous to one another).
PANELS = ("patients", "professionals", "citizens")
ACCEPTED = "accepted"
DECLINED = "declined"


class ReviewRound(db.Model):
    """One review of one draft content, numbered per questionnaire of an evaluation."""

    __tablename__ = "review_round"
    __table_args__ = (UniqueConstraint("evaluation_id", "questionnaire_code", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    questionnaire_code: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column(Integer)
    # The draft's content hash: the round outlives the draft (published or replaced).
    content_hash: Mapped[str] = mapped_column(String(64))
    definition_data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    reviewers: Mapped[list[Reviewer]] = relationship(back_populates="round",
                                                     order_by="Reviewer.id")

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


class Reviewer(db.Model):
    """A review link of one panel (its token derived from ``seed``, only its digest kept), or
    a partner reviewing from their account (``user_id``, no link)."""

    __tablename__ = "reviewer"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id"), index=True)
    panel: Mapped[str] = mapped_column(String(16))
    seed: Mapped[str | None] = mapped_column(String(64))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Progress: the pages saved so far (their numbers from 1), and when the last one was.
    pages_saved: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    saved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    round: Mapped[ReviewRound] = relationship(back_populates="reviewers")
    ratings: Mapped[list[ReviewRating]] = relationship(back_populates="reviewer",
                                                       order_by="ReviewRating.id")


class ReviewRating(db.Model):
    """One reviewer's ratings of one item (relevance and clarity 1-4), a proposed rewording in
    one language, a comment, and the researcher's decision on the rewording."""

    __tablename__ = "review_rating"
    __table_args__ = (UniqueConstraint("reviewer_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    relevance: Mapped[int | None] = mapped_column(Integer)
    clarity: Mapped[int | None] = mapped_column(Integer)
    rewording: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    reviewer: Mapped[Reviewer] = relationship(back_populates="ratings")


class ItemProposal(db.Model):
    """A new item a partner proposes during a round (text per language, type, rationale),
    tracked with the researcher's decision and reason."""

    __tablename__ = "item_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    texts: Mapped[dict[str, str]] = mapped_column(JsonDocument)
    item_type: Mapped[str] = mapped_column(String(32))
    rationale: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Once accepted: {"section": page code, "item": the item as written into the next draft}.
    placement: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
