"""A request whose database connection died before it committed runs again, once.

When PostgreSQL restarts or fails over, every open connection is cut: a participant in the
middle of a request would get the error page though nothing of theirs was stored (the
transaction is rolled back with the connection). The pool's ``pre_ping`` replaces connections
that died while idle; this replaces the one a request was using.

A request runs again when nothing of it was committed: no COMMIT succeeded, and a COMMIT cut
in flight was answered by the server with an error (PostgreSQL refuses the COMMIT of a
terminated session; a connection that closed with no answer may have committed). The
participant's requests run again in every case: they are made to be sent twice (a double tap
finds the same response by its start token, a page save is an update checked against the
revision it read, completion happens once), as a browser's "send again" would.
"""

from __future__ import annotations

import time

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .extensions import db

_COMMITTING = "_survey_committing"  # g's flag: this request sent a COMMIT...
_COMMITTED = "_survey_committed"  # ...and one succeeded
#: blueprints whose requests are safe to run twice (see above)
REPEATABLE = frozenset({"participate"})


class RetryingFlask(Flask):
    """Flask, with a request run again on a fresh connection when its own died uncommitted."""

    def full_dispatch_request(self):  # noqa: ANN201
        try:
            return super().full_dispatch_request()
        except DBAPIError as error:
            if not may_run_again(error):
                raise
        self.logger.warning("a database connection died before its request committed: "
                            "the request runs again on a new connection")
        db.session.rollback()  # the ORM objects already read are loaded again when used
        wait_for_database(float(self.config.get("DATABASE_RETRY_SECONDS", 10)))
        return super().full_dispatch_request()


def may_run_again(error: DBAPIError) -> bool:
    """Whether the request that raised ``error`` may run again (see the module's rules)."""
    if not error.connection_invalidated:
        return False
    if request.blueprint in REPEATABLE:
        return True
    if g.get(_COMMITTED):
        return False
    # a COMMIT the server answered with an error did not happen; one cut unanswered may have
    return not g.get(_COMMITTING) or getattr(error.orig, "sqlstate", None) is not None


def track_commits(engine: Engine) -> None:
    """Note in the request's ``g`` that a COMMIT was sent, and that one succeeded."""
    @event.listens_for(engine, "commit")
    def _committing(_connection) -> None:  # noqa: ANN001
        if has_request_context():
            setattr(g, _COMMITTING, True)


@event.listens_for(Session, "after_commit")
def _committed(_session: Session) -> None:
    if has_request_context():
        setattr(g, _COMMITTED, True)


def wait_for_database(seconds: float) -> None:
    """Until a new connection answers, at most ``seconds`` (a restarting server refuses
    connections for a moment); the retry then fails or succeeds on its own."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return
        except DBAPIError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.2)
