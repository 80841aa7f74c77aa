"""What the app keeps on disk, and how it is erased.

* The instance folder is created readable by its owner only (0700); the SQLite database is
  created with mode 0600 before SQLite opens it (SQLite gives its ``-wal`` and ``-shm`` files
  the database file's mode), so answers are never world-readable.
* SQLite runs with ``secure_delete``: deleted rows are overwritten with zeros, not left in
  free pages; after a withdrawal, :func:`erase_traces` checkpoints and truncates the
  write-ahead log, where the withdrawn answers would otherwise linger until the next
  checkpoint.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """Create ``path`` (owner only) if it does not exist; an existing folder is left alone."""
    if not path.exists():
        path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    return path


def private_file(path: Path) -> None:
    """Create an empty file with mode 0600 unless it exists (then left as it is)."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)


def prepare_sqlite_file(database_uri: str) -> None:
    """For a SQLite file database: its folder and an empty 0600 file, before SQLite creates
    it with the process's umask (usually world-readable)."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    if url.database.startswith("file:"):
        return  # a URI filename: left to whoever wrote it
    path = Path(url.database)
    private_folder(path.parent)
    private_file(path)


def configure_sqlite(engine: Engine) -> None:
    """SQLite's settings on every connection: WAL, foreign keys, a busy timeout, and
    ``secure_delete`` (deleted content is zeroed)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:  # noqa: ANN001
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def erase_traces() -> None:
    """After a deletion that must not linger (a withdrawal), on SQLite: copy the log into the
    database, where ``secure_delete`` zeroed the rows, and truncate the log. Best effort: a
    busy database is checkpointed later by SQLite itself."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def end_reads_with_commit(app: Flask) -> None:
    """On PostgreSQL, end a request's transaction that only read with COMMIT rather than the
    ROLLBACK the session would send: psycopg forgets every prepared statement on a rollback (in
    case it undid a table change), so the participant pages' read would be parsed and planned
    again on every page (measured in docs/performance.md).

    Only a transaction that sent nothing but SELECTs is committed: any other statement (an
    INSERT, an UPDATE, anything unknown) marks it, and it rolls back as before; so do pending
    ORM changes and requests that failed."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(connection, _cursor, statement, *_details) -> None:  # noqa: ANN001
        if statement.lstrip()[:6].upper() != "SELECT":
            connection.info[_WROTE] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _transaction_ended(connection) -> None:  # noqa: ANN001
        if not connection.invalidated:  # a cut connection's flag goes with it
            connection.info.pop(_WROTE, None)

    @app.teardown_request
    def _commit_reads(error: BaseException | None) -> None:
        session = db.session()  # this request's session
        if (error is not None or not session.in_transaction()
                or session.new or session.dirty or session.deleted
                or session.connection().info.get(_WROTE)):
            return
        try:
            session.commit()
        except SQLAlchemyError:
            session.rollback()


_WROTE = "survey.wrote"  # a connection's flag: this transaction sent more than SELECTs
