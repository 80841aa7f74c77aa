"""Running a job exactly once, whatever the queue delivers and whoever is killed.

* :func:`start` writes the ``job`` row, then enqueues its id.
* :func:`execute` claims the row (a conditional UPDATE raising ``attempts``), runs the handler
  of its kind with a :class:`Progress`, and records the end only if its attempt is still the
  job's: a slower twin, or an attempt taken for dead, records nothing.
* While a job runs, a heartbeat moves ``heartbeat_at`` every ``JOBS_HEARTBEAT_SECONDS`` (a
  thread: some writers, SPSS, say nothing for a long time). :func:`recover` (at each worker's
  start and every minute) enqueues again the jobs whose heartbeat is older than
  ``JOBS_STALE_SECONDS``: their worker died.
* Files are written under ``instance/jobs/<job>/<attempt>/`` as ``.part`` and renamed when
  complete; only the attempt that records the end is kept, so no half file is ever offered.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Job
from ..models.job import ACTIVE, DONE, EXPIRED, FAILED, QUEUED, RUNNING
from ..models.types import utcnow

DEFAULTS = {
    "JOBS_HEARTBEAT_SECONDS": 5.0,
    "JOBS_STALE_SECONDS": 60.0,  # a running job whose heartbeat is older: its worker died
    "JOBS_MAX_ATTEMPTS": 3,
    "JOBS_KEEP_HOURS": 24.0,  # result files are removed after this long
}
PROGRESS_EVERY = 0.5  # seconds between two progress writes


class Superseded(Exception):
    """This attempt is no longer the job's (taken for dead and run again elsewhere)."""


@dataclass
class Outcome:
    """What a handler returns: a summary for the page, and a file to offer, if any."""

    summary: dict[str, Any] = field(default_factory=dict)
    file: Path | None = None


Handler = Callable[[Job, "Progress"], Outcome]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function
    return register


def setting(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])


def jobs_folder() -> Path:
    """Where prepared files and results snapshots live: ``JOBS_FOLDER`` (a folder every
    machine sees, when workers and servers run on several), else ``instance/jobs``."""
    return Path(current_app.config.get("JOBS_FOLDER") or Path(current_app.instance_path) / "jobs")


def start(kind: str, params: dict[str, Any], *, evaluation_id: int | None = None,
          owner_id: int | None = None, key: str = "", joins: tuple[str, ...] = ACTIVE,
          delay: float = 0.0) -> Job:
    """A new job, enqueued (``delay`` seconds later); with a ``key``, the job of that key
    in a state of ``joins`` (queued or running) if there is one (a double click, or the
    minute's check finding a mailing already sent)."""
    if key:
        running = db.session.scalar(select(Job).where(Job.key == key, Job.state.in_(joins))
                                    .order_by(Job.id))
        if running is not None:
            return running
    job = Job(kind=kind, params=params, evaluation_id=evaluation_id, owner_id=owner_id, key=key,
              state=QUEUED, attempts=0, done=0, total=0, result={}, result_file="", error="")
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    enqueue(job_id, delay)
    db.session.expire_all()  # an immediate run (tests) changed it meanwhile
    return db.session.get(Job, job_id)


def enqueue(job_id: int, delay: float = 0.0) -> None:
    from .queue import huey
    from .tasks import run_job

    if delay > 0 and not huey.immediate:
        run_job.schedule((job_id,), delay=delay)
    else:
        run_job(job_id)


def _claim(job_id: int) -> int | None:
    """Take the job for one attempt: its number, or None (done, another attempt is alive,
    or too many attempts: then it fails)."""
    now = utcnow()
    stale = now - dt.timedelta(seconds=float(setting("JOBS_STALE_SECONDS")))
    table = Job.__table__.c
    row = db.session.execute(select(table.attempts, table.state).where(table.id == job_id)).first()
    db.session.commit()
    if row is None:
        return None
    attempts, state = row
    if attempts >= int(setting("JOBS_MAX_ATTEMPTS")) and state in ACTIVE:
        db.session.execute(update(Job).where(table.id == job_id, table.state.in_(ACTIVE))
                           .values(state=FAILED, finished_at=now,
                                   error="interrupted too many times"))
        db.session.commit()
        return None
    claimed = db.session.execute(
        update(Job).where(table.id == job_id, table.attempts == attempts,
                          (table.state == QUEUED)
                          | ((table.state == RUNNING) & (table.heartbeat_at < stale)))
        .values(state=RUNNING, attempts=attempts + 1, heartbeat_at=now,
                started_at=now)).rowcount == 1
    db.session.commit()
    return attempts + 1 if claimed else None


class Progress:
    """``progress(done, total)``: written at most every half second, through a connection of
    its own (the handler's session may be in the middle of a server-side cursor). Raises
    :class:`Superseded` when the attempt is no longer the job's."""

    def __init__(self, job_id: int, attempt: int) -> None:
        self.job_id, self.attempt = job_id, attempt
        self.last = 0.0
        self.folder = jobs_folder() / str(job_id) / str(attempt)

    def __call__(self, done: int, total: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        table = Job.__table__.c
        with db.engine.begin() as connection:
            moved = connection.execute(
                update(Job).where(table.id == self.job_id, table.attempts == self.attempt,
                                  table.state == RUNNING)
                .values(done=done, total=total, heartbeat_at=utcnow())).rowcount
        if moved != 1:
            raise Superseded(self.job_id)

    def path(self, name: str) -> Path:
        """Where this attempt writes ``name`` (its own folder: twins never share a file)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.folder / name


class Heartbeat:
    """Moves ``heartbeat_at`` while the job runs. A thread, because a handler may spend a long
    time in one library call (pyreadstat writing a whole frame) without reporting progress."""

    def __init__(self, app: Flask, job_id: int, attempt: int) -> None:
        self.app, self.job_id, self.attempt = app, job_id, attempt
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True,
                                       name=f"job-{job_id}-heartbeat")

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)

    def _beat(self) -> None:
        interval = float(self.app.config.get("JOBS_HEARTBEAT_SECONDS",
                                             DEFAULTS["JOBS_HEARTBEAT_SECONDS"]))
        table = Job.__table__.c
        while not self.stop.wait(interval):
            try:
                with self.app.app_context(), db.engine.begin() as connection:
                    connection.execute(update(Job).where(
                        table.id == self.job_id, table.attempts == self.attempt,
                        table.state == RUNNING).values(heartbeat_at=utcnow()))
            except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
                self.app.logger.warning("job %s: heartbeat failed", self.job_id, exc_info=True)


def execute(job_id: int) -> None:
    """Run one attempt of a job (what the queue's task does)."""
    attempt = _claim(job_id)
    if attempt is None:
        return
    _forget_attempts(job_id, keep=attempt)
    job = db.session.get(Job, job_id)
    progress = Progress(job_id, attempt)
    try:
        with Heartbeat(current_app._get_current_object(), job_id, attempt):
            outcome = HANDLERS[job.kind](job, progress)
    except Superseded:
        db.session.rollback()
        return
    except Exception as error:  # noqa: BLE001 - logged with its traceback; the page says failed
        db.session.rollback()
        current_app.logger.exception("job %s (%s) failed", job_id, job.kind)
        _end(job_id, attempt, state=FAILED, error=f"{error.__class__.__name__}"[:500])
        return
    ended = _end(job_id, attempt, state=DONE, summary=outcome.summary, file=outcome.file)
    if not ended and outcome.file is not None:  # another attempt's file is the job's
        shutil.rmtree(outcome.file.parent, ignore_errors=True)


def _end(job_id: int, attempt: int, *, state: str, summary: dict[str, Any] | None = None,
         file: Path | None = None, error: str = "") -> bool:
    """Record the end of this attempt, if it is still the job's."""
    now = utcnow()
    keep = dt.timedelta(hours=float(setting("JOBS_KEEP_HOURS")))
    table = Job.__table__.c
    values: dict[str, Any] = {"state": state, "finished_at": now, "error": error,
                              "result": summary or {}}
    if file is not None:
        values.update(result_file=str(file.relative_to(jobs_folder())), expires_at=now + keep)
    db.session.rollback()
    ended = db.session.execute(update(Job).where(
        table.id == job_id, table.attempts == attempt, table.state == RUNNING)
        .values(**values)).rowcount == 1
    db.session.commit()
    return ended


def _forget_attempts(job_id: int, keep: int) -> None:
    """Earlier attempts' folders: their worker died (half files) or lost the job."""
    folder = jobs_folder() / str(job_id)
    if folder.is_dir():
        for attempt in folder.iterdir():
            if attempt.name != str(keep):
                shutil.rmtree(attempt, ignore_errors=True)


def last_of(key: str) -> Job | None:
    """The newest job of a key, whatever its state."""
    return db.session.scalar(select(Job).where(Job.key == key).order_by(Job.id.desc()).limit(1))


def result_path(job: Job) -> Path | None:
    """The finished file of a job, if it is still kept."""
    if job.state != DONE or not job.result_file:
        return None
    path = jobs_folder() / job.result_file
    return path if path.is_file() else None


def recent(evaluation_id: int, limit: int, quiet: Sequence[str] = ()) -> list[Job]:
    """An evaluation's newest jobs, newest first (its jobs page), without those of the
    ``quiet`` kinds that ended well (automatic work nobody asked for: see :func:`ended_well`)."""
    return list(db.session.scalars(
        select(Job).where(Job.evaluation_id == evaluation_id,
                          ~(Job.kind.in_(quiet) & (Job.state == DONE)))
        .order_by(Job.id.desc()).limit(limit)))


def ended_well(evaluation_id: int, kind: str, since: dt.datetime) -> tuple[int, Job | None]:
    """How many jobs of this kind ended well since then, and the last of them."""
    done = (Job.evaluation_id == evaluation_id) & (Job.kind == kind) & (Job.state == DONE)
    count = db.session.scalar(select(func.count()).select_from(Job)
                              .where(done, Job.finished_at >= since)) or 0
    last = db.session.scalar(select(Job).where(done).order_by(Job.id.desc()).limit(1))
    return count, last


def recover(now: dt.datetime | None = None) -> list[int]:
    """Enqueue again the jobs whose worker died (running, heartbeat too old) or whose message
    the queue lost (queued for as long); their claim decides who runs them."""
    now = now or utcnow()
    stale = now - dt.timedelta(seconds=float(setting("JOBS_STALE_SECONDS")))
    ids = list(db.session.scalars(select(Job.id).where(
        ((Job.state == RUNNING) & (Job.heartbeat_at < stale))
        | ((Job.state == QUEUED) & (Job.created_at < stale))).order_by(Job.id)))
    db.session.commit()
    for job_id in ids:
        enqueue(job_id)
    return ids


def clean_up(now: dt.datetime | None = None) -> int:
    """Remove the files kept past their time (the job stays, as expired)."""
    now = now or utcnow()
    expired = list(db.session.scalars(select(Job).where(
        Job.state == DONE, Job.expires_at.is_not(None), Job.expires_at <= now)))
    for job in expired:
        shutil.rmtree(jobs_folder() / str(job.id), ignore_errors=True)
        job.state, job.result_file = EXPIRED, ""
    db.session.commit()
    return len(expired)
