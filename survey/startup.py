"""What ``survey run`` does before serving, one instance at a time.

Several instances may start together on one PostgreSQL database: each upgrades the schema,
loads the bundled questionnaires and creates the demonstration evaluation. Done at once, two
of them insert the same ``alembic_version`` row or the same questionnaire, and one exits. So the
whole setup runs under a PostgreSQL advisory lock: the second instance waits for the first, then
finds everything done. A SQLite file belongs to one machine; its writes are serialised by
SQLite itself (``busy_timeout``), so it needs no lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from .extensions import db

#: the advisory lock's key: any fixed 64-bit number no other program on the database uses
SETUP_LOCK = 0x50524F5853455455  # "PROXSETU"


@contextmanager
def setup_lock() -> Iterator[None]:
    """Hold the instances' setup lock (PostgreSQL), waiting while another instance holds it.

    A session-level lock on a connection of its own: the migrations and loads run on other
    connections, in transactions of their own. It is released when the block ends, or by the
    server if the process dies."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SETUP_LOCK})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SETUP_LOCK})
            connection.commit()
