"""The task queue: one Huey for the process, configured by the app.

Storage: a SQLite file in the instance folder (``instance/jobs.db``) by default, so one
machine needs nothing more; Redis when ``SURVEY_REDIS_URL`` is set (several instances share
it, and the rate limits count there too). ``SURVEY_RATELIMIT_STORAGE_URI=redis://...`` is read
as the same setting. ``JOBS_IMMEDIATE`` (on under ``TESTING``) runs each task at once, inside
the call that enqueues it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

huey = Huey("proximite", immediate=True, storage_class=MemoryStorage)


def redis_url(config: dict[str, Any]) -> str:
    """``REDIS_URL``, or the rate limits' Redis (its older name), or empty."""
    url = str(config.get("REDIS_URL") or "")
    limits = str(config.get("RATELIMIT_STORAGE_URI") or "")
    return url or (limits if limits.startswith(("redis://", "rediss://")) else "")


def configure(app: Flask) -> None:
    """Point the process's queue at this app's storage (the tests make many apps in one
    process: each sets it again)."""
    immediate = bool(app.config.get("JOBS_IMMEDIATE", app.testing))
    url = redis_url(app.config)
    if url:
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": url}
    else:
        path = Path(app.instance_path) / "jobs.db"
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(path)}
    huey.immediate = immediate
    huey.storage = huey.create_storage()
