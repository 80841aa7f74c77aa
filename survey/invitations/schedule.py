"""When a message may go: the rules of scheduling invitations and reminders, apart from any view.

``survey send-due``, the pages and the background worker (survey/jobs) all ask here:

* a contact gets at most one email every ``MIN_DAYS_BETWEEN_MESSAGES`` days, whatever the
  mailings (two reminders scheduled together reach a contact once; the second waits);
* a mailing is never scheduled in the past;
* scheduling while another mailing of the campaign is pending is allowed, with a warning.

The functions are pure but for :func:`min_interval` (the setting) and :func:`pending`
(a query); :mod:`survey.invitations.mailing` enforces the interval when it claims a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Mailing

DEFAULT_MIN_DAYS = 3
#: a time typed for "now" is at most a minute old when it arrives
GRACE = dt.timedelta(minutes=1)
PAST = "past"


def min_interval() -> dt.timedelta:
    """``MIN_DAYS_BETWEEN_MESSAGES`` (days, decimals allowed; 0 turns the rule off)."""
    days = current_app.config.get("MIN_DAYS_BETWEEN_MESSAGES", DEFAULT_MIN_DAYS)
    return dt.timedelta(days=max(0.0, float(days)))


def may_write(last_message_at: dt.datetime | None, now: dt.datetime,
              interval: dt.timedelta) -> bool:
    """Whether a contact last written to at ``last_message_at`` may get a message ``now``."""
    return last_message_at is None or last_message_at + interval <= now


def next_allowed(last_messages: Iterable[dt.datetime],
                 interval: dt.timedelta) -> dt.datetime | None:
    """When the first of the contacts who had a message too recently may get the next one."""
    return min((last + interval for last in last_messages), default=None)


def due_problem(due_at: dt.datetime, now: dt.datetime) -> str | None:
    """Why a mailing may not be scheduled at ``due_at`` (``PAST``), or None."""
    return PAST if due_at < now - GRACE else None


@dataclass(frozen=True)
class Pending:
    kind: str
    due_at: dt.datetime


def clashes(kind: str, due_at: dt.datetime, pending_mailings: Sequence[Pending],
            interval: dt.timedelta) -> list[Pending]:
    """The pending mailings a new one of ``kind`` at ``due_at`` runs into: any other of the same
    kind (a double click), and any due within the minimum interval of it."""
    return [p for p in pending_mailings
            if p.kind == kind or abs(p.due_at - due_at) < interval]


def pending(campaign_id: int, exclude: int | None = None) -> list[Pending]:
    """The campaign's mailings not finished yet (scheduled, or waiting for some contacts)."""
    query = select(Mailing.kind, Mailing.due_at).where(
        Mailing.campaign_id == campaign_id, Mailing.finished_at.is_(None))
    if exclude is not None:
        query = query.where(Mailing.id != exclude)
    return [Pending(kind, due) for kind, due in db.session.execute(query.order_by(Mailing.due_at))]
