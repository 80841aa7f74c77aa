"""The saves of a draft made in the designer (``survey.designer``): each one kept, numbered,
with who saved it, so a researcher can see the history and go back to any earlier save."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JsonDocument, UtcDateTime, utcnow


class DraftRevision(db.Model):
    """One save of a draft: its whole definition as saved. The draft's revision is its highest
    number; a save names the revision it was made on (optimistic locking), and the unique
    (draft, number) refuses a second save on the same revision even at the same moment."""

    __tablename__ = "draft_revision"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_draft.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    definition_data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    # what the save did, in a few words (kept in English, as the audit log's details)
    summary: Mapped[str] = mapped_column(String(200), default="")
    saved_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    saved_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
