"""Temporary databases for the benchmarks: a SQLite file, or a fresh database on PostgreSQL
(``SURVEY_BENCH_POSTGRES_URL``, default the local server's ``test``).

Imported as ``bench.databases`` (the scripts put the checkout, not ``bench/``, on the path:
``bench/analysis.py`` would hide the ``analysis`` package)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey.config import normalise_database_url

PG_URL = os.environ.get("SURVEY_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def fresh_postgres(name: str, server_url: str = PG_URL) -> tuple[str, Callable[[], None]]:
    """An empty database ``name`` on the server (dropped first if it exists), and a function
    that drops it."""
    server = make_url(normalise_database_url(server_url))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def database(kind: str, work: Path, name: str) -> tuple[str, Callable[[], None]]:
    """``sqlite``: a file in ``work``; ``postgresql``: a fresh database ``name``."""
    if kind == "sqlite":
        return f"sqlite:///{work / 'bench.db'}", lambda: None
    return fresh_postgres(name)
