"""Background jobs: large downloads and mailings run in a worker, with progress; a job runs
once whatever the queue delivers; a worker killed in the middle of a job leaves no half file
and sends no email twice, and the job completes once when a worker runs again.

Most tests run the queue in immediate mode (the job runs inside the request that starts it,
in an app context of its own, as in a worker); the last ones start real ``survey worker``
processes and SIGKILL them.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pyreadstat
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, insert, select, update

from survey.extensions import db
from survey.invitations import services
from survey.invitations.contacts import parse_contacts
from survey.jobs import runner
from survey.jobs.kinds import start_due_mailings
from survey.jobs.queue import huey, redis_url
from survey.mail import outbox_messages
from survey.models import AuditEvent, Campaign, Delivery, Job, Mailing, Response
from survey.models.job import DONE, EXPIRED, QUEUED, RUNNING
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.secrets import digest, new_secret

from .conftest import make_app, missing
from .mailserver import Inbox, free_port
from .test_results import SCALE
from .workspace import World, build_world, csrf, sign_in


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app, passwords=False)


def fill(app: Flask, campaign_id: int, n: int) -> None:
    """``n`` completed responses to the campaign, inserted in one statement."""
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        now = utcnow()
        db.session.execute(insert(Response), [
            {"version_id": campaign.version_id, "campaign_id": campaign.id, "status": COMPLETED,
             "language": "fr", "resume_hash": digest(new_secret()),
             "start_hash": digest(new_secret()), "started_at": now, "completed_at": now,
             "answers": {**{code: 1 + (k + i) % 5 for i, code in enumerate(SCALE)},
                         "comment": "=SUM(A1)" if k == 0 else f"réponse {k}"}}
            for k in range(n)])
        db.session.commit()


def evaluator(app: Flask, world: World):  # noqa: ANN201  (a FlaskClient)
    client = app.test_client()
    sign_in(client, app, world.users["evaluator"])
    return client


# -- large downloads ------------------------------------------------------------------------


def test_a_large_download_is_prepared_by_a_job_and_equals_the_streamed_one(
        app: Flask, world: World) -> None:
    fill(app, world.a.campaign, 30)
    client = evaluator(app, world)
    url = f"/results/e/{world.a.evaluation}/download/csv"
    streamed = client.get(url)
    assert streamed.status_code == 200 and streamed.is_streamed  # small: streamed at once
    streamed_bytes = streamed.get_data()
    app.config["EXPORT_JOB_CELLS"] = 100  # now it is "large"
    started = client.get(url)
    assert started.status_code == 303
    page = client.get(started.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<progress" in html and "jobs.js" in html
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "export")
                                 .order_by(Job.id.desc())).first()
        assert job.state == DONE and job.total == 30 and job.attempts == 1
        assert job.owner_id == world.users["evaluator"]
        assert job.expires_at is not None
    status = client.get(f"/jobs/e/{world.a.evaluation}/{job.id}/status").get_json()
    assert status["finished"] and status["percent"] == 100
    assert status["download"] == f"/jobs/e/{world.a.evaluation}/{job.id}/file"
    assert status["download"] in html
    file = client.get(status["download"])
    assert file.status_code == 200 and "attachment" in file.headers["Content-Disposition"]
    assert file.data == streamed_bytes  # the same bytes: formula cells neutralised too
    rows = list(csv.DictReader(io.StringIO(file.get_data(as_text=True))))
    assert len(rows) == 30 and rows[0]["comment"] == "'=SUM(A1)"
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.action.like("export-%")).order_by(AuditEvent.id))]
    assert actions == ["export-downloaded", "export-prepared", "export-downloaded"]


@pytest.mark.parametrize("fmt", ["xlsx", "sav"])
def test_large_xlsx_and_spss_are_jobs_and_open(app: Flask, world: World, tmp_path: Path,
                                               fmt: str) -> None:
    fill(app, world.a.campaign, 12)
    app.config["EXPORT_JOB_CELLS"] = 100
    client = evaluator(app, world)
    started = client.get(f"/results/e/{world.a.evaluation}/download/{fmt}")
    assert started.status_code == 303
    job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    file = client.get(f"/jobs/e/{world.a.evaluation}/{job_id}/file")
    assert file.status_code == 200
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(file.data)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True)["data"]
        assert sum(1 for _ in sheet.iter_rows()) == 13  # header + 12
    else:
        frame, _meta = pyreadstat.read_sav(str(path))
        assert len(frame) == 12
    with app.app_context():
        folder = runner.jobs_folder() / str(job_id)
    assert not list(folder.rglob("*.part"))  # written under another name, then renamed


def test_files_are_removed_after_the_time_they_are_kept(app: Flask, world: World) -> None:
    fill(app, world.a.campaign, 5)
    app.config["EXPORT_JOB_CELLS"] = 10
    client = evaluator(app, world)
    job_id = int(client.get(f"/results/e/{world.a.evaluation}/download/long")
                 .headers["Location"].split("/")[-1])
    assert client.get(f"/jobs/e/{world.a.evaluation}/{job_id}/file").status_code == 200
    with app.app_context():
        assert runner.clean_up(utcnow() + dt.timedelta(hours=23)) == 0
        assert runner.clean_up(utcnow() + dt.timedelta(hours=25)) == 1
        assert db.session.get(Job, job_id).state == EXPIRED
        assert not (runner.jobs_folder() / str(job_id)).exists()
    assert client.get(f"/jobs/e/{world.a.evaluation}/{job_id}/file").status_code == 410
    with client.session_transaction() as session:
        session["lang"] = "en"
    status = client.get(f"/jobs/e/{world.a.evaluation}/{job_id}/status").get_json()
    assert status["state"] == EXPIRED and "removed" in status["message"]


def test_a_job_is_found_only_through_its_own_evaluation(app: Flask, world: World) -> None:
    """Evaluation B's job is not found under A, even by A's evaluator; partners are refused."""
    client = evaluator(app, world)
    assert client.get(f"/jobs/e/{world.a.evaluation}/{world.a.job}").status_code == 200
    assert client.get(f"/jobs/e/{world.a.evaluation}/{world.b.job}").status_code == 404
    assert client.get(f"/jobs/e/{world.a.evaluation}/{world.b.job}/file").status_code == 404
    partner = app.test_client()
    sign_in(partner, app, world.users["partner"])
    assert partner.get(f"/jobs/e/{world.a.evaluation}/{world.a.job}/status").status_code == 403


def test_the_progress_page_works_without_javascript(app: Flask, world: World) -> None:
    """A job still running: the page shows where it is, and a link to reload it."""
    with app.app_context():
        job = Job(kind="export", evaluation_id=world.a.evaluation, state=RUNNING, attempts=1,
                  done=250, total=1000, params={"filename": "patients-1.csv"}, result={},
                  result_file="", error="", heartbeat_at=utcnow())
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    client = evaluator(app, world)
    html = client.get(f"/jobs/e/{world.a.evaluation}/{job_id}").get_data(as_text=True)
    assert 'value="25"' in html and "250" in html and "1000" in html
    assert f'href="/jobs/e/{world.a.evaluation}/{job_id}"' in html  # reload
    assert "data-job-download hidden" in html  # no file yet


# -- running once ----------------------------------------------------------------------------


def make_job(app: Flask, world: World, **values: object) -> int:
    with app.app_context():
        job = Job(kind="export", evaluation_id=world.a.evaluation, owner_id=None,
                  result={}, result_file="", error="", done=0, total=0,
                  **{"state": QUEUED, "attempts": 0,
                     "params": {"questionnaire": "professionals", "fmt": "csv", "lang": "fr",
                                "filename": "professionals.csv"}, **values})
        db.session.add(job)
        db.session.commit()
        return job.id


def test_a_job_delivered_twice_runs_once(app: Flask, world: World) -> None:
    fill(app, world.a.campaign, 3)
    job_id = make_job(app, world)
    with app.app_context():
        runner.execute(job_id)
        runner.execute(job_id)  # the queue delivers it again: nothing happens
        job = db.session.get(Job, job_id)
        assert job.state == DONE and job.attempts == 1


def test_a_running_job_is_taken_again_only_when_its_heartbeat_stops(
        app: Flask, world: World) -> None:
    fill(app, world.a.campaign, 3)
    alive = make_job(app, world, state=RUNNING, attempts=1, heartbeat_at=utcnow())
    dead = make_job(app, world, state=RUNNING, attempts=1,
                    heartbeat_at=utcnow() - dt.timedelta(minutes=5))
    with app.app_context():
        runner.execute(alive)  # its worker is alive: left alone
        assert db.session.get(Job, alive).state == RUNNING
        assert runner.recover() == [dead]  # run again (immediate queue: at once)
        job = db.session.get(Job, dead)
        assert job.state == DONE and job.attempts == 2


def test_an_attempt_taken_for_dead_records_nothing(app: Flask, world: World) -> None:
    """Two attempts of one job: the older one may not record its end or keep its file."""
    job_id = make_job(app, world, state=RUNNING, attempts=2, heartbeat_at=utcnow())
    with app.app_context():
        old = runner.Progress(job_id, attempt=1)
        with pytest.raises(runner.Superseded):
            old(5, 10, force=True)
        assert not runner._end(job_id, 1, state=DONE)
        assert db.session.get(Job, job_id).state == RUNNING


def test_a_job_interrupted_too_often_fails(app: Flask, world: World) -> None:
    job_id = make_job(app, world, state=RUNNING, attempts=3,
                      heartbeat_at=utcnow() - dt.timedelta(minutes=5))
    with app.app_context():
        runner.execute(job_id)
        job = db.session.get(Job, job_id)
        assert job.state == "failed" and job.error


def test_a_failing_job_says_so_without_details(app: Flask, world: World) -> None:
    job_id = make_job(app, world, params={"questionnaire": "nope", "fmt": "csv",
                                          "filename": "x.csv"})
    with app.app_context():
        runner.execute(job_id)
        assert db.session.get(Job, job_id).state == "failed"
    status = evaluator(app, world).get(f"/jobs/e/{world.a.evaluation}/{job_id}/status"
                                       ).get_json()
    assert status["finished"] and status["download"] is None
    assert "Traceback" not in status["message"]


# -- mailings --------------------------------------------------------------------------------


CONTACTS = "email,name,language\n" + "".join(
    f"person{n}@example.org,Person {n},fr\n" for n in range(6))


def contacts(app: Flask, campaign_id: int, text: str = CONTACTS) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        services.import_contacts(campaign, parse_contacts(text.encode(), ["fr", "en"]).contacts)


def test_send_now_runs_as_a_job_with_its_progress(app: Flask, world: World,
                                                 tmp_path: Path) -> None:
    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    contacts(app, world.a.campaign)
    client = evaluator(app, world)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get(f"/design/e/{world.a.evaluation}/campaigns/{world.a.campaign}/invitations")
    sent = client.post(f"/design/e/{world.a.evaluation}/campaigns/{world.a.campaign}/mailings",
                       data={"kind": "invitation", "when": "now", "csrf_token": csrf(page)},
                       headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "6 messages sent, 0 refused" in sent.get_data(as_text=True)
    assert len(outbox_messages(app)) == 6
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "mailing")).one()
        assert job.state == DONE and job.result["sent"] == 6
        assert job.owner_id == world.users["evaluator"]
    status = client.get(f"/jobs/e/{world.a.evaluation}/{job.id}/status").get_json()
    assert status["message"] == "Done: 6 messages sent, 0 refused by the mail server."


def test_due_mailings_are_started_by_the_worker_once(app: Flask, world: World,
                                                     tmp_path: Path) -> None:
    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    contacts(app, world.a.campaign)
    with app.app_context():
        mailing = Mailing(campaign_id=world.a.campaign, kind="invitation",
                          due_at=utcnow() - dt.timedelta(minutes=1))
        db.session.add(mailing)
        db.session.commit()
        assert len(start_due_mailings()) == 1
        assert start_due_mailings() == []  # finished: nothing more to do
        assert db.session.get(Mailing, mailing.id).sent_count == 6
    assert len(outbox_messages(app)) == 6


# -- settings --------------------------------------------------------------------------------


def test_one_redis_setting_for_jobs_and_rate_limits(tmp_path: Path) -> None:
    assert redis_url({}) == ""
    assert redis_url({"RATELIMIT_STORAGE_URI": "memory://"}) == ""
    assert redis_url({"RATELIMIT_STORAGE_URI": "redis://h:6379/1"}) == "redis://h:6379/1"
    assert redis_url({"REDIS_URL": "redis://a/0", "RATELIMIT_STORAGE_URI": "redis://b/0"}) \
        == "redis://a/0"
    app = make_app(f"sqlite:///{tmp_path / 's.db'}", REDIS_URL="redis://127.0.0.1:6379/3",
                   JOBS_IMMEDIATE=False)
    try:
        assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
        assert huey.storage.__class__.__name__ == "RedisStorage"
    finally:
        make_app("sqlite://")  # the process's queue back to immediate
    assert huey.immediate


# -- real workers, killed --------------------------------------------------------------------


@pytest.fixture
def real_queue(world: World, app: Flask, database_url: str, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Flask, dict[str, str]]]:
    """An app whose queue is the instance folder's SQLite file, and the environment a
    ``survey worker`` needs to serve it."""
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(instance))
    queued = make_app(database_url, JOBS_IMMEDIATE=False, JOBS_STALE_SECONDS=2,
                      MAIL_OUTBOX=str(tmp_path / "outbox"))
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": "test-secret",
           "SURVEY_INSTANCE_PATH": str(instance), "SURVEY_JOBS_STALE_SECONDS": "2",
           "SURVEY_JOBS_HEARTBEAT_SECONDS": "0.3", "SURVEY_MAIL_OUTBOX": str(tmp_path / "outbox"),
           "SURVEY_SERVER_NAME": "survey.test"}
    yield queued, env
    with queued.app_context():
        db.engine.dispose()
    make_app("sqlite://")  # the process's queue back to immediate


def worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "survey", "worker", "--threads", "1"],
                            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_for(condition, seconds: float, log: Path) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out; worker log:\n{log.read_text(errors='replace')[-3000:]}")


def halted_half_done(process: subprocess.Popen[bytes], app: Flask, job_id: int,
                     seconds: float, log: Path) -> None:
    """Run the worker ``process`` in 5-ms slices, stopped (SIGSTOP) while the job is read
    between them, until the job has written progress; leave it stopped, so what was seen
    cannot move before it is killed. Once the job runs, the worker stays stopped 30 ms more
    between slices: even a fast export then spans several of the half-second windows between
    its progress writes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        os.killpg(process.pid, signal.SIGSTOP)
        job = job_row(app, job_id)
        if job.done > 0:
            return
        if job.state == RUNNING:
            time.sleep(0.03)
        os.killpg(process.pid, signal.SIGCONT)
        time.sleep(0.005)
    pytest.fail(f"timed out; worker log:\n{log.read_text(errors='replace')[-3000:]}")


def kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def job_row(app: Flask, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def test_a_worker_killed_in_the_middle_of_an_export_leaves_no_half_file_and_the_job_completes_once(  # noqa: E501
        real_queue: tuple[Flask, dict[str, str]], world: World, tmp_path: Path) -> None:
    app, env = real_queue
    rows = 15_000
    fill(app, world.a.campaign, rows)
    with app.test_request_context(), app.app_context():
        from survey.jobs.kinds import start_export
        from survey.models import Evaluation

        job_id = start_export(db.session.get(Evaluation, world.a.evaluation),
                              world.users["evaluator"], {
                                  "questionnaire": "professionals", "fmt": "xlsx", "lang": "fr",
                                  "filename": "professionals.xlsx"}).id
    log = tmp_path / "worker.log"
    first = worker(env, log)
    try:
        halted_half_done(first, app, job_id, 120, log)  # however fast the export
    finally:
        kill(first)
    interrupted = job_row(app, job_id)
    assert interrupted.state == RUNNING and 0 < interrupted.done < rows
    with app.app_context():
        folder = runner.jobs_folder() / str(job_id)
    assert not list(folder.rglob("*.xlsx"))  # nothing offered yet
    time.sleep(2.5)  # its heartbeat is now older than JOBS_STALE_SECONDS
    second = worker(env, log)
    try:
        wait_for(lambda: not job_row(app, job_id).active, 300, log)
    finally:
        kill(second)
    job = job_row(app, job_id)
    assert job.state == DONE and job.attempts == 2 and job.total == rows
    files = list(folder.rglob("*"))
    assert [p.name for p in files if p.is_file()] == ["professionals.xlsx"]  # no half file
    sheet = openpyxl.load_workbook(folder / job.result_file.split("/", 1)[1],
                                   read_only=True)["data"]
    assert sum(1 for _ in sheet.iter_rows()) == rows + 1


class SlowInbox(Inbox):
    """An SMTP server that takes its time over each message."""

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        await asyncio.sleep(0.25)
        return await super().handle_DATA(server, session, envelope)


def test_a_worker_killed_while_sending_never_sends_an_email_twice(
        real_queue: tuple[Flask, dict[str, str]], world: World, tmp_path: Path) -> None:
    app, env = real_queue
    count = 24
    contacts(app, world.a.campaign, "email,name,language\n" + "".join(
        f"p{n}@example.org,P {n},fr\n" for n in range(count)))
    inbox = SlowInbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    env = {**env, "SURVEY_MAIL_SERVER": inbox.host, "SURVEY_MAIL_PORT": str(inbox.port)}
    log = tmp_path / "worker.log"
    try:
        with app.app_context():
            from survey.invitations.mailing import schedule
            from survey.jobs.kinds import start_mailing

            mailing = schedule(db.session.get(Campaign, world.a.campaign), "invitation")
            job_id = start_mailing(mailing, world.users["evaluator"]).id
        first = worker(env, log)
        try:
            wait_for(lambda: len(inbox.messages) >= 5, 120, log)
        finally:
            kill(first)
        assert job_row(app, job_id).state == RUNNING
        time.sleep(2.5)
        second = worker(env, log)
        try:
            wait_for(lambda: not job_row(app, job_id).active, 120, log)
        finally:
            kill(second)
    finally:
        controller.stop()
    job = job_row(app, job_id)
    assert job.state == DONE and job.attempts == 2
    received = [r for rs in inbox.recipients for r in rs]
    assert len(received) == len(set(received))  # nobody twice
    # at most the one message in flight at the kill is unaccounted for (claimed, never
    # confirmed: it is not sent again, rather than risk a second copy)
    assert len(set(received)) >= count - 1
    with app.app_context():
        sent = db.session.scalar(select(func.count(Delivery.id)).where(
            Delivery.status == "sent"))
        assert sent >= count - 1
        db.session.execute(update(Job).values(state=DONE))  # nothing left for other tests
        db.session.commit()
    shutil.rmtree(tmp_path / "outbox", ignore_errors=True)


# -- results: stale-while-revalidate -------------------------------------------------------------


def results_page(client, world: World) -> str:  # noqa: ANN001
    response = client.get(f"/results/e/{world.a.evaluation}?q=professionals")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_results_show_the_last_figures_while_newer_answers_are_counted(
        app: Flask, world: World, database_url: str) -> None:
    from survey.jobs.kinds import refresh_stale_results

    with app.app_context():  # no snapshot left by an earlier test of the same instance folder
        shutil.rmtree(runner.jobs_folder() / "results", ignore_errors=True)
    fill(app, world.a.campaign, 6)
    client = evaluator(app, world)
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = results_page(client, world)
    assert "6 completed responses" in html and "Figures computed on" in html
    assert "Updating" not in html
    fill(app, world.a.campaign, 4)  # new answers arrive
    make_app(database_url, JOBS_IMMEDIATE=False)  # a queue whose worker is not running yet
    try:
        html = results_page(client, world)
        assert "6 completed responses" in html  # at once: the last figures...
        assert "Updating: newer answers are being counted" in html  # ...said to be updating
        results_page(client, world)  # asked again meanwhile: still one job
        with app.app_context():
            job = db.session.scalars(select(Job).where(Job.kind == "results",
                                                       Job.state == QUEUED)).one()
            runner.execute(job.id)  # the worker's turn
    finally:
        make_app("sqlite://")  # the process's queue back to immediate
    html = results_page(client, world)
    assert "10 completed responses" in html and "Updating" not in html
    fill(app, world.a.campaign, 2)
    with app.app_context():
        # New answers whose delayed refresh is queued are left to it by the minute's round.
        from survey.jobs.kinds import NEW_ANSWERS, new_answers_key

        waiting = Job(kind=NEW_ANSWERS, evaluation_id=world.a.evaluation, state=QUEUED,
                      key=new_answers_key(world.a.evaluation, "professionals"))
        db.session.add(waiting)
        db.session.commit()
        assert refresh_stale_results() == []
        waiting.state = DONE
        db.session.commit()
        assert len(refresh_stale_results()) == 1  # the minute's round sees the new answers
        assert refresh_stale_results() == []  # and then nothing more to do
    html = results_page(client, world)
    assert "12 completed responses" in html and "Updating" not in html


def test_a_first_view_is_not_computed_in_the_request_the_page_says_so_and_then_shows_them(
        app: Flask, world: World, database_url: str) -> None:
    with app.app_context():  # no snapshot left by an earlier test of the same instance folder
        shutil.rmtree(runner.jobs_folder() / "results", ignore_errors=True)
    fill(app, world.a.campaign, 6)
    client = evaluator(app, world)
    partner = app.test_client()
    sign_in(partner, app, world.users["partner"])
    for reader in (client, partner):
        with reader.session_transaction() as session:
            session["lang"] = "en"
    make_app(database_url, JOBS_IMMEDIATE=False)  # a queue whose worker is not running yet
    try:
        html = results_page(client, world)
        assert "The indicators are being computed" in html
        assert "Completed responses by audience, site and wave" in html  # counts meanwhile
        assert "Responses, CSV" in html  # and the downloads
        assert "Reliability" not in html and "Figures computed on" not in html
        assert "Show the figures when they are ready: reload this page" in html  # without JS
        assert "jobs.js" in html and "data-job-status" in html
        assert "Background jobs" in html
        partner_html = results_page(partner, world)  # the same job, polled by a partner too
        assert "The indicators are being computed" in partner_html
        assert "Responses, CSV" not in partner_html
        with app.app_context():
            job = db.session.scalars(select(Job).where(Job.kind == "results",
                                                       Job.state == QUEUED)).one()
            job_id = job.id
        status = partner.get(f"/results/e/{world.a.evaluation}/computing/{job_id}").get_json()
        assert status["finished"] is False and status["percent"] == 0
        assert "being computed" in status["message"]
        assert client.get(f"/results/e/{world.b.evaluation}/computing/{job_id}").status_code \
            in (403, 404)  # another evaluation's: not found there
        jobs_list = client.get(f"/jobs/e/{world.a.evaluation}").get_data(as_text=True)
        assert "Indicators of Working together in a proximity-care team" in jobs_list
        assert "Waiting for a worker" in jobs_list
        assert partner.get(f"/jobs/e/{world.a.evaluation}").status_code == 403
        with app.app_context():
            runner.execute(job_id)  # the worker's turn
    finally:
        make_app("sqlite://")  # the process's queue back to immediate
    status = client.get(f"/results/e/{world.a.evaluation}/computing/{job_id}").get_json()
    assert status == {"finished": True, "failed": False, "percent": 100,
                      "message": "The indicators are ready."}
    html = results_page(client, world)
    assert "6 completed responses" in html and "Figures computed on" in html
    assert "being computed" not in html
    partner_html = results_page(partner, world)
    assert "being computed" not in partner_html
    assert "Groups under 5 responses are suppressed" in partner_html


def test_the_jobs_page_lists_downloads_mailings_and_results_of_its_evaluation_only(
        app: Flask, world: World) -> None:
    fill(app, world.a.campaign, 6)
    client = evaluator(app, world)
    with client.session_transaction() as session:
        session["lang"] = "en"
    results_page(client, world)  # a results computation (immediate queue: done)
    with app.app_context():
        from survey.jobs.kinds import start_export
        from survey.models import Evaluation

        export = start_export(db.session.get(Evaluation, world.a.evaluation),
                              world.users["evaluator"], {
                                  "questionnaire": "professionals", "fmt": "csv", "lang": "en",
                                  "filename": "professionals.csv"})
        assert export.state == DONE
    html = client.get(f"/jobs/e/{world.a.evaluation}").get_data(as_text=True)
    assert "Download being prepared: professionals.csv" in html
    assert f"/jobs/e/{world.a.evaluation}/{export.id}/file" in html  # kept: downloadable
    assert "Indicators of Working together in a proximity-care team" in html and "Ready." in html
    assert "Indicators of professionals" not in html  # the title, not the code
    other = client.get(f"/jobs/e/{world.b.evaluation}")
    assert other.status_code == 403  # not a member of B
    with client.session_transaction() as session:
        session["lang"] = "fr"
    french = client.get(f"/jobs/e/{world.a.evaluation}").get_data(as_text=True)
    assert "Travaux en arrière-plan" in french
    assert "Indicateurs de Travailler ensemble dans une équipe de proximité" in french
    evaluation_page = client.get(f"/design/e/{world.a.evaluation}")
    assert f"/jobs/e/{world.a.evaluation}" in evaluation_page.get_data(as_text=True)


def started_response(app: Flask, campaign_id: int) -> int:
    """A response in progress to the campaign, its scales answered (the last page to post)."""
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        now = utcnow()
        row = db.session.execute(insert(Response).returning(Response.id), [{
            "version_id": campaign.version_id, "campaign_id": campaign.id, "status": "started",
            "language": "fr", "resume_hash": digest(new_secret()),
            "start_hash": digest(new_secret()), "started_at": now,
            "answers": {code: 3 for code in SCALE}}]).scalar_one()
        db.session.commit()
        return row


def test_a_completed_response_starts_the_job_that_refreshes_the_viewed_results(
        app: Flask, world: World, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from survey.jobs.kinds import NEW_ANSWERS
    from survey.participate import services as participate
    from survey.results import services as results

    with app.app_context():  # no snapshot left by an earlier test of the same instance folder
        shutil.rmtree(runner.jobs_folder() / "results", ignore_errors=True)
    fill(app, world.a.campaign, 6)
    client = evaluator(app, world)
    with client.session_transaction() as session:
        session["lang"] = "en"
    assert "6 completed responses" in results_page(client, world)  # viewed: watched from now
    responses = [started_response(app, world.a.campaign) for _ in range(3)]
    unwatched = started_response(app, world.b.campaign)  # nobody views B's results
    make_app(database_url, JOBS_IMMEDIATE=False)  # a queue whose worker is not running yet
    try:
        with app.app_context():
            for ident in [*responses, unwatched]:  # a burst of completions...
                participate.complete(ident, {})
            jobs = db.session.scalars(select(Job).where(Job.kind == NEW_ANSWERS)).all()
            assert [(j.state, j.evaluation_id) for j in jobs] == [(QUEUED, world.a.evaluation)]
        html = results_page(client, world)  # ...before the worker's turn: the last figures
        assert "6 completed responses" in html and "Updating" in html
        with app.app_context():  # the view follows that job rather than starting its own
            assert db.session.scalar(select(func.count()).select_from(Job).where(
                Job.kind == "results", Job.state == QUEUED)) == 0
            runner.execute(jobs[0].id)  # the worker's turn
            assert db.session.get(Job, jobs[0].id).result == {"refreshed": 1}
    finally:
        make_app("sqlite://")  # the process's queue back to immediate

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the view computed the indicators")

    monkeypatch.setattr(results, "compute", never)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Job))
    html = results_page(client, world)  # the evaluator's next view: the refreshed snapshot
    assert "9 completed responses" in html and "Updating" not in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == before  # no job
    # the automatic refresh, done, is counted above the jobs list rather than filling it
    listed = client.get(f"/jobs/e/{world.a.evaluation}").get_data(as_text=True)
    assert "with the new answers" not in listed
    assert "Results brought up to date after new answers: 1 time in the last 24 hours" in listed


def test_a_failed_first_view_is_not_started_again_at_every_view_and_may_be_retried(
        app: Flask, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from survey.models.job import FAILED
    from survey.results import services as results

    with app.app_context():  # no snapshot left by an earlier test of the same instance folder
        shutil.rmtree(runner.jobs_folder() / "results", ignore_errors=True)
    fill(app, world.a.campaign, 6)
    client = evaluator(app, world)
    with client.session_transaction() as session:
        session["lang"] = "en"
    compute = results.compute

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the analysis broke")

    monkeypatch.setattr(results, "compute", broken)

    def states() -> list[str]:
        with app.app_context():
            return list(db.session.scalars(select(Job.state).where(Job.kind == "results")
                                           .order_by(Job.id)))

    page = client.get(f"/results/e/{world.a.evaluation}?q=professionals&wave=")
    html = page.get_data(as_text=True)
    assert "The indicators could not be computed" in html and "the analysis broke" not in html
    assert "you may try again now" in html and "Compute the indicators again" in html
    assert "Completed responses by audience, site and wave" in html  # the counts still shown
    for _ in range(3):
        assert "could not be computed" in results_page(client, world)
    assert states() == [FAILED]  # views within the next minutes do not start it again
    with app.app_context():
        db.session.execute(update(Job).values(finished_at=utcnow() - dt.timedelta(minutes=6)))
        db.session.commit()
    assert "could not be computed" in results_page(client, world)
    assert states() == [FAILED, FAILED]  # after RESULTS_RETRY_MINUTES, a view tries again
    monkeypatch.setattr(results, "compute", compute)  # the cause is mended
    retry = f"/results/e/{world.a.evaluation}/retry?q=professionals"
    assert client.post(retry).status_code == 400  # without its CSRF token: refused
    assert states() == [FAILED, FAILED]
    done = client.post(retry, data={"csrf_token": csrf(page)})
    assert done.status_code == 303 and done.headers["Location"].endswith(
        f"/results/e/{world.a.evaluation}?q=professionals")
    assert states() == [FAILED, FAILED, DONE]
    html = results_page(client, world)
    assert "6 completed responses" in html and "could not be computed" not in html


def test_instances_sharing_the_jobs_folder_serve_each_others_files_and_figures(
        app: Flask, world: World, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Several machines: each instance has its own instance folder, and ``SURVEY_JOBS_FOLDER``
    is a folder every machine sees; a file one instance's worker prepared downloads from
    another, and the figures one computed are shown by the other without a job of its own.
    Without the shared folder, the other instance cannot find the file."""
    from survey.results import services as results_services

    shared = tmp_path / "shared-jobs"
    instances = {}
    for name, jobs in (("one", shared), ("two", shared), ("alone", None)):
        monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path / name))
        config = {"EXPORT_JOB_CELLS": 100, **({"JOBS_FOLDER": str(jobs)} if jobs else {})}
        instances[name] = make_app(database_url, **config)
    fill(app, world.a.campaign, 30)
    one, two, alone = (evaluator(instances[n], world) for n in ("one", "two", "alone"))
    for reader in (one, two):
        with reader.session_transaction() as session:
            session["lang"] = "en"
    started = one.get(f"/results/e/{world.a.evaluation}/download/csv")
    assert started.status_code == 303  # prepared by a job of instance one
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "export")
                                 .order_by(Job.id.desc())).first()
    assert job.state == DONE and (shared / job.result_file).is_file()
    file = two.get(f"/jobs/e/{world.a.evaluation}/{job.id}/file")
    assert file.status_code == 200 and len(list(csv.DictReader(io.StringIO(
        file.get_data(as_text=True))))) == 30
    assert alone.get(f"/jobs/e/{world.a.evaluation}/{job.id}/file").status_code == 404

    assert "30 completed responses" in results_page(one, world)  # its job ran (immediate)
    results_services._cache.clear()  # another machine's process: nothing in its memory
    with app.app_context():
        jobs_before = db.session.scalar(select(func.count()).select_from(Job))
    html = results_page(two, world)
    assert "30 completed responses" in html and "Figures computed on" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == jobs_before
    for instance in instances.values():
        with instance.app_context():
            db.engine.dispose()


def test_the_results_job_computes_the_indicators_on_one_blas_thread(
        app: Flask, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenBLAS's threads only wait on each other over the indicators' small matrices (a
    small evaluation's bootstrap was 20 times slower on a busy server): the job limits them."""
    from threadpoolctl import threadpool_info

    import analysis.indicators

    real = analysis.indicators.compute_indicators
    seen: list[int] = []

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.extend(pool["num_threads"] for pool in threadpool_info()
                    if pool["user_api"] == "blas")
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis.indicators, "compute_indicators", counting)
    fill(app, world.a.campaign, 6)
    client = evaluator(app, world)
    with client.session_transaction() as session:
        session["lang"] = "en"
    assert "6 completed responses" in results_page(client, world)
    assert seen and set(seen) == {1}


def test_a_real_worker_runs_the_refresh_after_new_answers_once_their_delay_has_passed(
        real_queue: tuple[Flask, dict[str, str]], world: World, tmp_path: Path) -> None:
    """A completed response queues the refresh of the viewed results with a delay (so that a
    burst of answers costs one job); a real ``survey worker`` holds it back that long, then
    runs it, and the evaluator's next view shows the new count without computing anything."""
    from survey.jobs.kinds import NEW_ANSWERS
    from survey.participate import services as participate

    app, env = real_queue
    app.config["RESULTS_REFRESH_SECONDS"] = 4.0
    fill(app, world.a.campaign, 6)
    client = evaluator(app, world)
    with client.session_transaction() as session:
        session["lang"] = "en"
    log = tmp_path / "worker.log"
    process = worker(env, log)
    try:
        results_page(client, world)  # the first view: its job, run by the worker
        wait_for(lambda: "6 completed responses" in results_page(client, world), 120, log)
        response = started_response(app, world.a.campaign)
        with app.app_context():
            participate.complete(response, {})
            job_id = db.session.scalar(select(Job.id).where(Job.kind == NEW_ANSWERS))
        assert job_id is not None
        queued_at = time.monotonic()
        time.sleep(2)
        assert job_row(app, job_id).state == QUEUED  # held back for its delay
        wait_for(lambda: job_row(app, job_id).state == DONE, 60, log)
        assert time.monotonic() - queued_at >= 3.5
        assert job_row(app, job_id).result == {"refreshed": 1}
        html = results_page(client, world)
        assert "7 completed responses" in html and "Updating" not in html
    finally:
        kill(process)


def test_the_embedded_worker_runs_below_the_web_servers_priority(app: Flask) -> None:
    """``survey run``'s own worker is niced: the web workers answer first (a restart's first
    page, participants' pages while a large export runs)."""
    from survey.jobs.cli import JOBS_NICENESS, start_embedded, stop_embedded

    app.config["EMBEDDED_WORKER"] = True
    with app.app_context():
        process = start_embedded("http://127.0.0.1:9")
    assert process is not None
    try:
        stat = Path(f"/proc/{process.pid}/stat")
        if not stat.exists():
            missing("no /proc: the priority cannot be read here")
        nice = int(stat.read_text().rsplit(")", 1)[1].split()[16])
        assert nice == min(19, os.nice(0) + JOBS_NICENESS)
    finally:
        stop_embedded(process)
    assert process.poll() is not None
