"""Background jobs: long work never runs inside a web request.

Large downloads, mailings (sent now, or due) and, through the minute's round, jobs whose
worker died. ``queue`` (Huey, SQLite or Redis), ``runner`` (the ``job`` row: claim, progress,
heartbeat, end, recovery, files kept for a time), ``kinds`` (what each kind does), ``tasks``
(the queue's tasks), ``routes`` (progress page, JSON status, download), ``cli``
(``survey worker``). Docs: README "Background jobs", docs/architecture.md.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from ..storage import private_folder
from .queue import configure
from .runner import DEFAULTS

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("EXPORT_JOB_CELLS", 5_000_000)
    app.config.setdefault("RESULTS_REFRESH_SECONDS", 5.0)  # new answers: their job waits so long
    app.config.setdefault("RESULTS_RETRY_MINUTES", 5.0)  # a failed results job: views wait so long
    app.config.setdefault("EMBEDDED_WORKER", True)
    private_folder(Path(app.instance_path))
    configure(app)
    from . import kinds  # noqa: F401  (registers the handlers)
    from .routes import bp

    app.register_blueprint(bp)
