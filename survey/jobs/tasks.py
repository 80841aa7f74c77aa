"""The queue's tasks: run a job, and the minute's round (jobs to run again, due mailings,
files past their time). Each runs in an app context of its own: the worker's app, or, when
the queue is immediate (tests), a new context of the app that enqueued it, so the job has its
own database session as it would in a worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from huey import crontab

from .queue import huey

_worker_app: Flask | None = None


def set_worker_app(app: Flask) -> None:
    """The app a worker process runs its tasks with (``survey worker`` sets it)."""
    global _worker_app
    _worker_app = app


@contextmanager
def job_context() -> Iterator[None]:
    if has_app_context():
        app = current_app._get_current_object()
    elif _worker_app is not None:
        app = _worker_app
    else:
        raise RuntimeError("no app to run the task with: `survey worker` sets it")
    with app.app_context():
        yield


@huey.task()
def run_job(job_id: int) -> None:
    from .runner import execute

    with job_context():
        execute(job_id)


@huey.periodic_task(crontab(minute="*"))
def every_minute() -> None:
    with job_context():
        minute_round()


def minute_round() -> None:
    """What a worker checks every minute (and once when it starts)."""
    from .kinds import refresh_stale_results, start_due_mailings
    from .runner import clean_up, recover

    recover()
    process_followups()
    start_due_mailings()
    deliver_mail_queue()
    refresh_stale_results()
    clean_up()


def process_followups() -> None:
    """Follow-up series: new baselines enrolled, due steps invited (their mailings then start
    with the others); a failure is logged, the round goes on."""
    from ..followup.due import process_due

    try:
        process_due()
    except Exception:  # noqa: BLE001  (the round must go on: mailings, results, clean-up)
        from ..extensions import db

        db.session.remove()  # its unfinished change is dropped with the session
        current_app.logger.warning("follow-up series: processing failed", exc_info=True)


def deliver_mail_queue() -> None:
    """Messages queued in the database (several instances) go to the mail server."""
    from ..mail import MailError, deliver_queued

    if not current_app.config.get("MAIL_SERVER"):
        return  # no mail server: messages are outbox files, nothing is queued
    try:
        deliver_queued()
    except MailError:
        current_app.logger.warning("queued mail: delivery failed", exc_info=True)
