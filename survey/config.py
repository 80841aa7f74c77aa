"""Configuration: defaults, then ``instance/config.py``, then ``SURVEY_*`` environment variables.

Nothing is read at import time; :func:`load_config` runs inside the app factory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from analysis.suppression import DEFAULT_MIN_N

from .storage import private_folder
from .timezones import check_setting

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "QUESTIONNAIRES_DIR": str(PROJECT_ROOT / "questionnaires"),
    "BABEL_DEFAULT_LOCALE": "fr",
    "LANGUAGES": ["fr", "en"],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # a participant may keep a page open for hours
    "MIN_GROUP_SIZE": DEFAULT_MIN_N,  # the privacy threshold: smaller groups are suppressed
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # a page of answers is a few KB; refuse floods early
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_MIN_SIZE": 500,
    # The research workspace
    "BASE_URL": "",  # e.g. https://survey.example.org: links printed and mailed, secure cookies
    "IDLE_MINUTES": 60,  # a researcher's session ends after this long without a request
    # Invitations and reminders
    "TIME_ZONE": "America/Toronto",  # times shown and typed; an evaluation may set its own
    "MIN_DAYS_BETWEEN_MESSAGES": 3,  # at least this long between two emails to one contact
}


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("SURVEY")
    if overrides:
        app.config.update(overrides)
    database_url = app.config.get("DATABASE_URL") or (
        f"sqlite:///{Path(app.instance_path) / 'survey.db'}")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)
    # A server connection may have dropped since its last use: ping it first. A SQLite file
    # cannot drop, so its ping would be one more statement on every request for nothing.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          {"pool_pre_ping": not database_url.startswith("sqlite")})
    if str(app.config.get("BASE_URL") or "").startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["TIME_ZONE"] = check_setting(app.config.get("TIME_ZONE"))
    if not app.config.get("SECRET_KEY"):
        if not database_url.startswith("sqlite"):
            raise ConfigurationError(SHARED_SECRET_NEEDED)
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))


class ConfigurationError(RuntimeError):
    """A setting the instance cannot start without (``survey`` prints it and exits)."""


SHARED_SECRET_NEEDED = (
    "SURVEY_SECRET_KEY is not set. On a database server every instance must sign sessions, "
    "links, rate limits and panel codes with the same key, so none is generated in the instance "
    "folder: set SURVEY_SECRET_KEY to one random value shared by every instance (for example "
    "the output of: python3 -c \"import secrets; print(secrets.token_hex(32))\").")


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret(instance: Path) -> str:
    """The secret key kept in the instance folder, generated on first run (never committed)."""
    private_folder(instance)
    path = instance / "secret_key"
    if not path.exists():
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass  # another worker wrote it first
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()
