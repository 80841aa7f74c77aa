"""Shared fixtures: ``app`` and ``client`` on a clean database per test, SQLite and PostgreSQL.

The PostgreSQL half runs when a server answers at ``SURVEY_TEST_POSTGRES_URL`` (default: the
local ``test`` database). With ``SURVEY_REQUIRE_ALL=1`` (CI), a missing server or browser fails
the run instead of skipping.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey import create_app
from survey.config import PROJECT_ROOT, normalise_database_url
from survey.extensions import db
from survey.questionnaire import Definition, load_file

PG_URL = normalise_database_url(os.environ.get(
    "SURVEY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
REQUIRE_ALL = os.environ.get("SURVEY_REQUIRE_ALL") == "1"
BUNDLED = PROJECT_ROOT / "questionnaires"


def missing(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (SURVEY_REQUIRE_ALL=1 forbids skipping)")
    pytest.skip(reason)


def make_app(database_url: str, **config: object) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url,
                       "SERVER_NAME": "survey.test", **config})


@pytest.fixture(scope="session", autouse=True)
def _instance_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Apps made by the tests keep their files (outbox, drafts) in a temporary folder, never in
    the checkout's ``instance/`` (a test that needs its own sets it)."""
    before = os.environ.get("SURVEY_INSTANCE_PATH")
    os.environ["SURVEY_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    yield
    if before is None:
        os.environ.pop("SURVEY_INSTANCE_PATH", None)
    else:
        os.environ["SURVEY_INSTANCE_PATH"] = before


@pytest.fixture(scope="session")
def bundled() -> dict[str, Definition]:
    """The bundled definitions, parsed once."""
    return {d.code: d for d in (load_file(p) for p in sorted(BUNDLED.glob("*.yaml")))}


def _prepare(app: Flask, definitions: dict[str, Definition]) -> None:
    from flask_migrate import upgrade

    from survey.versions import store_definition

    with app.app_context():
        upgrade()
        for definition in definitions.values():
            store_definition(definition, f"{definition.code}.yaml")
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory,
                    bundled: dict[str, Definition]) -> Path:
    """A migrated SQLite file with the bundled questionnaires, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "survey.db"
    _prepare(make_app(f"sqlite:///{path}"), bundled)
    return path


@contextmanager
def fresh_postgres(suffix: str) -> Iterator[str]:
    """An empty database of its own on the test PostgreSQL server, dropped afterwards (the
    test is skipped, or fails under SURVEY_REQUIRE_ALL, when there is no server)."""
    server = make_url(PG_URL)
    # The checkout's path in the name keeps two checkouts' runs on one server apart.
    checkout = hashlib.sha256(str(PROJECT_ROOT).encode()).hexdigest()[:8]
    name = f"{server.database}_proximite_{checkout}_{suffix}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001  (any connection failure means "no server")
        admin.dispose()
        missing(f"PostgreSQL is not reachable at {PG_URL}: {error.__class__.__name__}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database(worker_id: str, bundled: dict[str, Definition]) -> Iterator[str]:
    """A database of this test worker's own on the PostgreSQL server, migrated once."""
    with fresh_postgres(worker_id) as url:
        _prepare(make_app(url), bundled)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "survey.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_database")
    yield url
    reset_postgres(url, request.getfixturevalue("bundled"))


def reset_postgres(url: str, definitions: dict[str, Definition]) -> None:
    """Back to the freshly migrated state: only the bundled versions, no responses."""
    engine = create_engine(url)
    keep = tuple(d.content_hash for d in definitions.values())
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM job"))  # background jobs
        for table in ("results_reaction", "results_finding", "results_page"):  # restitution
            connection.execute(text(f"DELETE FROM {table}"))
        for table in ("delivery", "mailing", "invitation", "contact",  # invitations
                      "queued_mail"):
            connection.execute(text(f"DELETE FROM {table}"))
        for table in ("item_proposal", "review_rating", "reviewer", "review_round"):  # reviews
            connection.execute(text(f"DELETE FROM {table}"))
        for table in ("paper_entry", "paper_copy", "paper_setting"):  # paper copies
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("DELETE FROM response"))
        connection.execute(text("DELETE FROM questionnaire_draft"))
        connection.execute(text("DELETE FROM questionnaire_media"))
        for table in ("audit_event", "account_link", "membership", "user_account", "campaign",
                      "team_member", "team", "wave", "site", "evaluation"):
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("DELETE FROM questionnaire_version WHERE content_hash NOT IN "
                                f"({', '.join(':h' + str(n) for n in range(len(keep)))})"),
                           {f"h{n}": h for n, h in enumerate(keep)})
        connection.execute(text("DELETE FROM questionnaire WHERE id NOT IN "
                                "(SELECT questionnaire_id FROM questionnaire_version)"))
    engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The app on a clean database. Tests open ``app.app_context()`` to read the database, so
    each request of the test client gets its own context and session, as in production."""
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
