"""The audit log: who did what and when. Rows are only ever added."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .account import User
from .types import JsonDocument, UtcDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation.id"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)

    actor: Mapped[User | None] = relationship()


class AuditImmutable(Exception):
    """Audit rows are never updated or deleted."""


@event.listens_for(AuditEvent, "before_update")
def _no_update(*_args: Any) -> None:
    raise AuditImmutable("audit events are never updated")


@event.listens_for(AuditEvent, "before_delete")
def _no_delete(*_args: Any) -> None:
    raise AuditImmutable("audit events are never deleted")
