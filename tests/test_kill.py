"""A real server killed mid-load loses no acknowledged page and duplicates nothing.

Participants answer the bundled questionnaires at once through ``survey run`` (gunicorn), some
tapping buttons twice; the server's whole process group gets SIGKILL while they do, and is
started again on the same database. A participant whose request got no answer sends it again
(as a browser's "resend" does). Then every page a participant saw acknowledged (a redirect
received) is stored, each participant has exactly one response, completed once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from survey.questionnaire import Definition, navigation
from survey.secrets import digest

from .conftest import fresh_postgres
from .http_participant import HttpClient, HttpParticipant, Unacknowledged, typical_pairs
from .test_run_command import free_port

PER_QUESTIONNAIRE = 4
KILL_AFTER = 12  # acknowledged pages before the kill
DOUBLE_TAP = 0.3  # share of posts sent twice


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path, worker_id: str) -> Iterator[str]:
    """A fresh, empty database for the server to set up (``survey run`` migrates it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'survey.db'}"
        return
    with fresh_postgres(f"kill_{worker_id}") as url:
        yield url


class Server:
    """``survey run`` in its own process group, so the whole group can be killed at once."""

    def __init__(self, instance: Path, database: str) -> None:
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
        self.env.update(SURVEY_INSTANCE_PATH=str(instance), SURVEY_DATABASE_URL=database,
                        SURVEY_SECRET_KEY="test-kill")  # needed on PostgreSQL
        self.log = instance / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "survey", "run", "--port", str(self.port),
                 "--workers", "2"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 60
        client = HttpClient("127.0.0.1", self.port, timeout=5)
        while True:
            try:
                if client.request("GET", "/").status == 200:
                    client.close()
                    return
            except Unacknowledged:
                pass
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]


def answer(participant: HttpParticipant, rng: random.Random, deadline: float) -> None:
    """Start and answer every page; a request without answer is sent again until it gets one."""
    def again(step: Any) -> None:
        while True:
            try:
                step()
                return
            except Unacknowledged:
                if time.monotonic() > deadline:
                    raise
                participant.retries += 1
                time.sleep(0.05)

    again(lambda: participant.start(twice=rng.random() < DOUBLE_TAP))
    for _ in range(50):
        if participant.done:
            return
        twice = rng.random() < DOUBLE_TAP
        again(lambda twice=twice: participant.answer_page(twice=twice))
    raise AssertionError(f"{participant.definition.code}: never reached the end")


def expected_answers(definition: Definition, section_code: str,
                     final: dict[str, Any]) -> dict[str, Any]:
    """What a typical post of one page stores, for the items still relevant at the end."""
    section = definition.section(section_code)
    assert section is not None
    if not navigation.relevant(section.relevant, final):
        return {}
    raw: dict[str, list[str]] = {}
    for name, value in typical_pairs(definition, section_code):
        raw.setdefault(name, []).append(value)
    expected: dict[str, Any] = {}
    for item in section.items:
        if not item.answerable or not navigation.relevant(item.relevant, final):
            continue
        value, issue = item.itemtype.parse(item, raw, definition.roster(item))
        assert issue is None, (item.code, issue)
        stored = item.itemtype.store(item, value)
        expected.update({k: v for k, v in stored.items() if v is not None})
    return expected


def test_a_server_killed_mid_load_keeps_every_acknowledged_page_once(
        tmp_path: Path, database: str, bundled: dict[str, Definition]) -> None:
    server = Server(tmp_path, database)
    server.start()
    participants = [HttpParticipant(HttpClient("127.0.0.1", server.port), definition)
                    for definition in bundled.values() for _ in range(PER_QUESTIONNAIRE)]
    errors: list[BaseException] = []
    deadline = time.monotonic() + 90

    def run(participant: HttpParticipant, seed: int) -> None:
        try:
            answer(participant, random.Random(seed), deadline)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(p, n), daemon=True)
               for n, p in enumerate(participants)]
    try:
        for thread in threads:
            thread.start()
        while sum(len(p.acknowledged) for p in participants) < KILL_AFTER:
            assert time.monotonic() < deadline and not errors, errors or server.output()
            time.sleep(0.01)
        server.kill()
        acknowledged_before = sum(len(p.acknowledged) for p in participants)
        time.sleep(0.5)
        server.start()
        for thread in threads:
            thread.join(timeout=max(1, deadline - time.monotonic()))
    finally:
        server.stop()
    assert not errors, (errors, server.output())
    assert all(p.done for p in participants)
    total = sum(len(p.acknowledged) for p in participants)
    assert acknowledged_before < total, "the kill came after the load"
    assert sum(p.retries for p in participants) > 0, "no request was cut by the kill"
    assert sum(p.double_taps for p in participants) > 0

    engine = create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, status, answers, resume_hash, completed_at FROM response")).all()
    engine.dispose()
    assert len(rows) == len(participants), "a response was duplicated or lost"
    by_hash = {row.resume_hash: row for row in rows}
    for participant in participants:
        assert participant.resume_code, participant.html[:2000]
        row = by_hash[digest(participant.resume_code)]
        assert row.status == "completed" and row.completed_at is not None
        final = row.answers if isinstance(row.answers, dict) else json.loads(row.answers)
        for section in participant.acknowledged:
            for key, value in expected_answers(participant.definition, section, final).items():
                assert final.get(key) == value, (participant.definition.code, section, key)
    assert len({row.id for row in rows}) == len(participants)
