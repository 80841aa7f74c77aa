"""``survey worker``: run background jobs apart from the web server (one per machine or
container, as many as wanted: they share the queue). ``survey run`` starts one itself unless
``SURVEY_EMBEDDED_WORKER=false``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

JOBS_NICENESS = 10  # the embedded worker's priority below the web server's (os.nice)


@click.command("worker")
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Jobs run at once by this worker.")
@with_appcontext
def worker_command(threads: int) -> None:
    """Run background jobs: large downloads, mailings, due invitations and reminders."""
    from .queue import huey
    from .tasks import minute_round, set_worker_app

    if huey.immediate:
        raise click.ClickException("the queue is in immediate mode (JOBS_IMMEDIATE): "
                                   "there is nothing for a worker to do")
    app = current_app._get_current_object()
    set_worker_app(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    minute_round()  # jobs left behind by a worker that stopped, and what is due now
    click.echo(f"worker: {threads} threads, queue in "
               f"{'Redis' if 'url' in huey.storage_kwargs else huey.storage_kwargs['filename']}")
    huey.create_consumer(workers=threads, worker_type="thread", periodic=True).run()


def start_embedded(base_url: str) -> subprocess.Popen[bytes] | None:
    """``survey run``'s own worker, a child process (stopped with the server), unless
    ``EMBEDDED_WORKER`` is off (workers run apart: ``survey worker``)."""
    if not current_app.config.get("EMBEDDED_WORKER", True):
        return None
    env = {**os.environ, "SURVEY_INSTANCE_PATH": current_app.instance_path,
           "SURVEY_BASE_URL": base_url}  # the links in the messages it sends
    # Niced: the web workers answer first (a restart's first page, participants' pages while
    # an export runs); the jobs take the CPU they leave.
    return subprocess.Popen([sys.executable, "-m", "survey", "worker"], env=env,
                            preexec_fn=_lower_priority if hasattr(os, "nice") else None)


def _lower_priority() -> None:
    os.nice(JOBS_NICENESS)


def stop_embedded(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()  # Huey stops at once; a job cut short runs again (survey/jobs/runner)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
