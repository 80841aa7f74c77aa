"""Several instances on one PostgreSQL database: they start together, share the secret key,
print one first-administrator link, and a database connection cut mid-request costs no
participant an error."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import create_engine, text

from survey.auth import accounts
from survey.cli import cli, first_run
from survey.extensions import db
from survey.questionnaire import Definition
from survey.secrets import digest

from .conftest import fresh_postgres, make_app
from .http_participant import HttpClient, HttpParticipant, Unacknowledged
from .test_kill import expected_answers
from .test_run_command import free_port

SECRET = "instances-shared-secret"


@pytest.fixture
def postgres_url(worker_id: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (``survey run`` sets it up)."""
    with fresh_postgres(f"instances_{worker_id}") as url:
        yield url


class Instance:
    """One ``survey run`` with its own instance folder, on the shared database."""

    def __init__(self, folder: Path, database: str, **settings: str) -> None:
        folder.mkdir()
        self.port = free_port()
        self.log = folder / "server.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
        self.env.update(SURVEY_INSTANCE_PATH=str(folder), SURVEY_DATABASE_URL=database,
                        SURVEY_SECRET_KEY=SECRET, **settings)
        self.process: subprocess.Popen[bytes] | None = None

    def launch(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "survey", "run", "--port", str(self.port),
                 "--workers", "2"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def wait(self, seconds: float = 90) -> str:
        """The home page once it answers (fails if the process exits first)."""
        deadline = time.monotonic() + seconds
        client = HttpClient("127.0.0.1", self.port, timeout=5)
        while True:
            try:
                reply = client.request("GET", "/")
                if reply.status == 200:
                    client.close()
                    return reply.html
            except Unacknowledged:
                pass
            assert self.process is not None and self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def test_two_instances_started_together_on_a_fresh_postgresql_database_both_serve(
        tmp_path: Path, postgres_url: str, bundled: dict[str, Definition]) -> None:
    first = Instance(tmp_path / "a", postgres_url)
    second = Instance(tmp_path / "b", postgres_url)
    try:
        first.launch()
        second.launch()  # the same moment: both find an empty database
        homes = [first.wait(), second.wait()]
        # one participant, started on the first instance, goes on on the second: both sign
        # with the shared key
        participant = HttpParticipant(HttpClient("127.0.0.1", first.port), bundled["patients"])
        participant.start()
        participant.client.close()
        participant.client.port = second.port
        while not participant.done:
            participant.answer_page()
    finally:
        first.stop()
        second.stop()
    outputs = first.output() + second.output()
    for home in homes:
        assert home.count('href="/c/') == 3, outputs  # one demonstration evaluation, seen by both
    assert participant.resume_code, outputs
    # set up once: the bundled questionnaires stored by one, found unchanged by the other
    assert outputs.count("questionnaire patients: new version") == 1, outputs
    assert outputs.count("questionnaire patients: unchanged") == 1, outputs
    # one first-administrator link, not one per instance
    assert outputs.count("/welcome/") == 1, outputs
    assert "survey users first-admin-link" in outputs
    assert "Traceback" not in outputs
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM evaluation")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM response")).scalar() == 1
    engine.dispose()


def test_postgresql_without_a_shared_secret_key_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env.update(SURVEY_INSTANCE_PATH=str(tmp_path),
               SURVEY_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/never_opened")
    result = subprocess.run([sys.executable, "-m", "survey", "run"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "SURVEY_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no per-instance key made up


def test_the_first_administrator_link_is_not_reissued_while_one_is_outstanding(
        app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    with app.app_context():
        app.config["BASE_URL"] = "http://127.0.0.1:8000"
        first_run()
        printed = capsys.readouterr().out
        assert "/welcome/" in printed
        secret = printed.split("/welcome/")[1].split()[0]
        first_run()  # a restart, or a second instance
        again = capsys.readouterr().out
        assert "/welcome/" not in again
        assert "survey users first-admin-link" in again
        assert accounts.peek_link(secret, (accounts.FIRST_ADMIN,)) is not None  # still works
    result = CliRunner().invoke(cli, ["users", "first-admin-link"], obj=_script_info(app))
    assert result.exit_code == 0, result.output
    assert "/welcome/" in result.output
    with app.app_context():
        assert accounts.peek_link(secret, (accounts.FIRST_ADMIN,)) is None  # replaced


def _script_info(app: Flask):  # noqa: ANN202
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


# -- a connection cut in the middle of a request ------------------------------------------------

def _terminate_own_connection(server_url: str) -> None:
    """Cut the connection the current request uses, as a server restart would."""
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_a_request_whose_connection_died_before_it_committed_runs_again(
        postgres_url: str) -> None:
    app = make_app(postgres_url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    calls: list[str] = []

    @app.get("/test-cut-before-commit")
    def cut_before_commit() -> str:
        calls.append("before")
        if len(calls) == 1:
            _terminate_own_connection(postgres_url)
        db.session.execute(text("SELECT 1"))  # dies on the first call
        return "done"

    @app.get("/test-cut-after-commit")
    def cut_after_commit() -> str:
        calls.append("after")
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        _terminate_own_connection(postgres_url)
        db.session.execute(text("SELECT 1"))  # dies after a commit: not run again
        return "done"

    client = app.test_client()
    reply = client.get("/test-cut-before-commit")
    assert reply.status_code == 200 and reply.text == "done"
    assert calls == ["before", "before"]
    calls.clear()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    reply = client.get("/test-cut-after-commit")
    assert reply.status_code == 500
    assert calls == ["after"]
    with app.app_context():
        db.engine.dispose()


CUTS = 2
PER_QUESTIONNAIRE = 5


def test_every_connection_cut_under_load_costs_no_participant_an_error(
        tmp_path: Path, postgres_url: str, bundled: dict[str, Definition]) -> None:
    """Participants answer through a real server while every connection of its database is
    terminated again and again (pg_terminate_backend, as a restart or failover does): no
    participant sees an error, nothing acknowledged is lost, nothing is stored twice."""
    server = Instance(tmp_path / "a", postgres_url, SURVEY_RATELIMIT_CONSENT="10000 per minute")
    server.launch()
    server.wait()
    participants = [HttpParticipant(HttpClient("127.0.0.1", server.port), definition)
                    for definition in bundled.values() for _ in range(PER_QUESTIONNAIRE)]
    errors: list[BaseException] = []

    def run(participant: HttpParticipant, seed: int) -> None:
        rng = random.Random(seed)
        try:
            participant.start()
            while not participant.done:
                time.sleep(rng.random() * 0.2)
                participant.answer_page()
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(p, n), daemon=True)
               for n, p in enumerate(participants)]
    admin = create_engine(postgres_url.rsplit("/", 1)[0] + "/postgres",
                          isolation_level="AUTOCOMMIT")
    name = postgres_url.rsplit("/", 1)[1]
    cut = 0
    try:
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            time.sleep(1.5 if cut else 0.3)  # then time for the requests cut to run again
            with admin.connect() as connection:
                cut += connection.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"),
                    {"name": name}).scalar() > 0
        for thread in threads:
            thread.join(timeout=60)
    finally:
        admin.dispose()
        server.stop()
    output = server.output()
    assert not errors, (errors, output[-5000:])
    assert cut >= CUTS, "the load ended before the connections were cut"
    assert "runs again on a new connection" in output, "no request was cut mid-way"

    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, status, answers, resume_hash FROM response")).all()
    engine.dispose()
    assert len(rows) == len(participants), "a response was duplicated or lost"
    by_hash = {row.resume_hash: row for row in rows}
    for participant in participants:
        row = by_hash[digest(participant.resume_code or "")]
        assert row.status == "completed"
        final = row.answers if isinstance(row.answers, dict) else json.loads(row.answers)
        for section in participant.acknowledged:
            for key, value in expected_answers(participant.definition, section, final).items():
                assert final.get(key) == value, (participant.definition.code, section, key)
