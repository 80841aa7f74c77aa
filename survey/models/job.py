"""Background jobs (survey/jobs): long work done by a worker, not inside a web request.

The ``job`` row is the truth about a job; the task queue (Huey) only carries its id. A worker
claims a job with a conditional UPDATE that raises ``attempts``: whatever the queue delivers
twice, one attempt at a time runs it, and only the attempt that claimed it last may record its
end. A worker killed mid-job leaves the row ``running`` with an old ``heartbeat_at``; the next
worker to look runs it again (survey/jobs/runner.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime, utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
EXPIRED = "expired"  # done, and its file removed after the time files are kept
ACTIVE = (QUEUED, RUNNING)


class Job(db.Model):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # export | mailing | results
    # Only one job of a key is queued or running at a time ("mailing:12")
    key: Mapped[str] = mapped_column(String(200), default="", index=True)
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))  # None: started by the worker
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)  # progress: done of total
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # a summary
    result_file: Mapped[str] = mapped_column(String(500), default="")  # under instance/jobs/
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)  # its file removed then

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def percent(self) -> int:
        if self.state in (DONE, EXPIRED):
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
