"""On PostgreSQL a request that only read ends its transaction with COMMIT, so psycopg keeps
its prepared statements (it forgets them all on a rollback); anything else still rolls back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import event, text

from survey.extensions import db
from survey.questionnaire import Definition
from tests.conftest import make_app, reset_postgres
from tests.participant import Participant


@pytest.fixture
def pg_app(postgres_database: str, bundled: dict[str, Definition]) -> Iterator[Flask]:
    app = make_app(postgres_database)
    yield app
    with app.app_context():
        db.engine.dispose()
    reset_postgres(postgres_database, bundled)


@pytest.fixture
def endings(pg_app: Flask) -> Iterator[list[str]]:
    """How each transaction of the app ended, in order."""
    seen: list[str] = []
    with pg_app.app_context():
        engine = db.engine
    listeners = {name: (lambda _conn, name=name: seen.append(name))
                 for name in ("commit", "rollback")}
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    yield seen
    for name, listener in listeners.items():
        event.remove(engine, name, listener)


def test_a_page_view_ends_with_commit_and_keeps_prepared_statements(
        pg_app: Flask, bundled: dict[str, Definition], endings: list[str]) -> None:
    person = Participant(pg_app.test_client())
    person.start("patients")
    endings.clear()
    for _ in range(8):  # psycopg prepares a statement on its fifth run
        assert person.get(person.path).status_code == 200
    assert endings == ["commit"] * 8
    with pg_app.app_context():
        prepared = db.session.execute(text("SELECT count(*) FROM pg_prepared_statements")
                                      ).scalar_one()
    assert prepared >= 1, "the page's read was never prepared"


def test_a_request_that_wrote_without_committing_still_rolls_back(
        pg_app: Flask, endings: list[str]) -> None:
    """A view that sent an UPDATE and answered without committing (an error page) loses
    the change, as before: only SELECTs make a transaction safe to commit."""
    @pg_app.get("/_test/half-written")
    def half_written() -> tuple[str, int]:
        db.session.execute(text("UPDATE questionnaire SET code = code || '-x'"))
        return "refused", 400

    assert pg_app.test_client().get("/_test/half-written").status_code == 400
    assert endings[-1] == "rollback"
    with pg_app.app_context():
        codes = db.session.execute(text("SELECT code FROM questionnaire")).scalars().all()
    assert codes and not any(code.endswith("-x") for code in codes)


def test_pending_orm_changes_are_not_committed_by_a_read(
        pg_app: Flask, endings: list[str]) -> None:
    from survey.models import Questionnaire

    @pg_app.get("/_test/pending")
    def pending() -> str:
        db.session.add(Questionnaire(code="never_kept"))
        return "pending"

    assert pg_app.test_client().get("/_test/pending").status_code == 200
    with pg_app.app_context():
        assert db.session.execute(text(
            "SELECT count(*) FROM questionnaire WHERE code = 'never_kept'")).scalar_one() == 0
