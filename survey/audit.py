"""The audit log's one writer: who did what and when (rows are only ever added)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from .extensions import db
from .models import AuditEvent, User

# What the log records, to filter by (a new kind of event gets its name here).
ACTIONS = (
    "sign-in", "sign-in-failed", "sign-out", "password-changed", "password-reset-requested",
    "password-reset", "account-created", "account-activated", "account-deactivated",
    "admin-granted", "admin-revoked", "role-granted", "role-changed", "role-revoked",
    "evaluation-created", "evaluation-changed", "campaign-created", "campaign-changed",
    "campaign-opened", "campaign-closed", "campaign-deleted", "site-deleted", "wave-deleted",
    "team-deleted",
    "questionnaire-draft", "questionnaire-published", "campaign-version",
    # the designer (survey/designer/): a draft created there, each save (going back included)
    "questionnaire-draft-created", "questionnaire-draft-saved",
    # invitations (survey/invitations/)
    "invitations-generated", "invitations-imported", "invitation-revoked", "mailing-scheduled",
    "invitations-sent", "mailing-cancelled", "invitation-links-exported",
    "export-downloaded", "export-prepared",  # a large download made by a background job
)


def record(action: str, target: str = "", *, actor: User | None = None,
           evaluation_id: int | None = None, commit: bool = True, **details: Any) -> AuditEvent:
    """Add one event (committed unless ``commit=False``, when it joins the caller's change)."""
    event = AuditEvent(action=action, target=target[:200], evaluation_id=evaluation_id,
                       actor_id=actor.id if actor is not None else None, details=details)
    db.session.add(event)
    if commit:
        db.session.commit()
    return event


def events(*, action: str | None = None, actor_id: int | None = None,
           evaluation_id: int | None = None, text: str | None = None,
           since: dt.date | None = None, until: dt.date | None = None,
           limit: int = 200, before: int | None = None) -> list[AuditEvent]:
    """The newest events first, filtered; ``since``/``until`` are UTC days (both included),
    ``before`` an id pages back."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if evaluation_id is not None:
        query = query.where(AuditEvent.evaluation_id == evaluation_id)
    if text:
        query = query.where(AuditEvent.target.contains(text, autoescape=True))
    if since is not None:
        query = query.where(AuditEvent.at >= _midnight(since))
    if until is not None:
        query = query.where(AuditEvent.at < _midnight(until + dt.timedelta(days=1)))
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return list(db.session.scalars(query))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
