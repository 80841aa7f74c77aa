"""Mail queued in the database (``SURVEY_MAIL_QUEUE``), for several instances: nothing waits for
the mail server in a request, every message reaches a real SMTP server once, refusals are tried
again later, and instances delivering at the same moment never send one message twice."""

from __future__ import annotations

import threading
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from survey import mail
from survey.cli import cli
from survey.extensions import db
from survey.models import QueuedMail
from tests import mailserver
from tests.mailserver import Inbox, free_port

smtp_server = mailserver.smtp_server  # the fixture


def queue_to(app: Flask, inbox: Inbox, tmp_path: Path) -> None:
    app.config.update(inbox.config(MAIL_QUEUE=True, MAIL_OUTBOX=str(tmp_path / "outbox")))


def queued() -> int:
    return db.session.scalar(select(func.count(QueuedMail.id)))


def test_queued_messages_wait_in_the_database_then_reach_the_server_once(
        app: Flask, smtp_server: Inbox, tmp_path: Path) -> None:
    queue_to(app, smtp_server, tmp_path)
    with app.test_request_context():
        mail.send("ana@example.org", "Proximité : votre compte", "Bonjour Ana")
        mail.send("bob@example.org", "Proximité: your account", "Hello Bob")
        assert queued() == 2
        assert smtp_server.messages == []  # nothing sent within the request
        assert not (tmp_path / "outbox").exists()  # no instance folder involved
        report = mail.deliver_queued()
        assert (report.sent, report.failed, report.given_up) == (2, 0, 0)
        assert queued() == 0  # a sent message (and the link it carries) is not kept
        assert mail.deliver_queued().sent == 0  # never twice
    assert sorted(m["To"] for m in smtp_server.messages) == ["ana@example.org",
                                                            "bob@example.org"]
    french = next(m for m in smtp_server.messages if m["To"] == "ana@example.org")
    assert french["Subject"] == "Proximité : votre compte"
    assert french.get_body(preferencelist=("plain",)).get_content().strip() == "Bonjour Ana"
    assert "evaluation@example.org" in french["From"]


def test_a_refused_message_stays_queued_and_is_tried_again_later(
        app: Flask, tmp_path: Path) -> None:
    app.config.update(MAIL_QUEUE=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(),
                      MAIL_TIMEOUT=2)  # nothing listens there
    with app.test_request_context():
        mail.send("ana@example.org", "Subject", "Text")
        report = mail.deliver_queued()
        assert (report.sent, report.failed) == (0, 1)
        row = db.session.scalar(select(QueuedMail))
        assert row.attempts == 1 and "ConnectionRefusedError" in (row.last_error or "")
        assert row.next_attempt_at > mail.utcnow()  # not before its delay
        assert mail.deliver_queued().failed == 0  # not due yet
        for attempt in range(2, mail.MAX_ATTEMPTS + 1):
            row.next_attempt_at = mail.utcnow()
            db.session.commit()
            report = mail.deliver_queued()
            assert (report.failed, report.given_up) == (
                (0, 1) if attempt == mail.MAX_ATTEMPTS else (1, 0))
        row = db.session.scalar(select(QueuedMail))
        assert row.attempts == mail.MAX_ATTEMPTS and row.next_attempt_at is None  # given up


def test_without_a_mail_server_the_queue_says_so(app: Flask) -> None:
    app.config.update(MAIL_QUEUE=True, MAIL_SERVER=None)
    with app.test_request_context():
        mail.send("ana@example.org", "Subject", "Text")
        try:
            mail.deliver_queued()
        except mail.MailError as error:
            assert "SURVEY_MAIL_SERVER" in str(error)
        else:
            raise AssertionError("no error without a mail server")
        assert queued() == 1  # kept for when one is set


def test_instances_delivering_at_once_send_each_message_once(
        app: Flask, smtp_server: Inbox, tmp_path: Path) -> None:
    queue_to(app, smtp_server, tmp_path)
    with app.test_request_context():
        for n in range(30):
            mail.deliver(mail.Mail(to=f"p{n}@example.org", subject=f"n{n}", text="x"))
        db.session.commit()
    reports: list[mail.QueueReport] = []

    def deliver() -> None:
        with app.app_context():
            reports.append(mail.deliver_queued())

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in reports) == 30
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"n{n}" for n in range(30))  # each once


def test_survey_deliver_mail_sends_the_queue(app: Flask, smtp_server: Inbox,
                                             tmp_path: Path) -> None:
    queue_to(app, smtp_server, tmp_path)
    with app.test_request_context():
        mail.send("ana@example.org", "Subject", "Text")
    info = ScriptInfo(create_app=lambda: app)
    result = CliRunner().invoke(cli, ["deliver-mail"], obj=info)
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 refused" in result.output
    assert [m["To"] for m in smtp_server.messages] == ["ana@example.org"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    with app.test_request_context():
        mail.send("bob@example.org", "Subject", "Text")
    result = CliRunner().invoke(cli, ["deliver-mail"], obj=info)
    assert result.exit_code == 1 and "1 refused" in result.output


def test_without_the_queue_the_outbox_folder_stays_the_default(app: Flask,
                                                               tmp_path: Path) -> None:
    app.config.update(MAIL_OUTBOX=str(tmp_path / "outbox"), MAIL_SERVER=None)
    with app.test_request_context():
        mail.send("ana@example.org", "Subject", "Text")
        assert queued() == 0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
