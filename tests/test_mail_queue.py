"""Mail queued in the database (``SURVEY_MAIL_QUEUE``), for several instances: nothing waits for
the mail server in a request, every message reaches a real SMTP server once, refusals are tried
again later, and instances delivering at the same moment never send one message twice."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select, update

from survey import mail
from survey.cli import cli
from survey.extensions import db
from survey.invitations import mailing, services
from survey.invitations.contacts import parse_contacts
from survey.models import Campaign, Contact, Delivery, Invitation, Job, Mailing, QueuedMail
from tests import mailserver
from tests.mailserver import Inbox, free_port
from tests.workspace import World, build_world, csrf, sign_in

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


# -- invitations through the queue: honest sending progress ----------------------------------

CONTACTS = ("email,name,language\nawa@example.org,Awa,fr\nben@example.org,Ben,en\n"
            "cyd@example.org,Cyd,fr\n")


def research_team(app: Flask, world: World):  # noqa: ANN201  (a FlaskClient, in English)
    client = app.test_client()
    sign_in(client, app, world.users["evaluator"])
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def send_invitations_now(app: Flask, client, world: World) -> str:  # noqa: ANN001
    """Import the contacts and press "Send now"; the flash message after it."""
    with app.app_context():
        campaign = db.session.get(Campaign, world.a.campaign)
        services.import_contacts(campaign, parse_contacts(CONTACTS.encode(),
                                                          ["fr", "en"]).contacts)
    page = client.get(invitations_url(world))
    sent = client.post(f"/design/e/{world.a.evaluation}/campaigns/{world.a.campaign}/mailings",
                       data={"kind": "invitation", "when": "now", "csrf_token": csrf(page)},
                       follow_redirects=True)
    assert sent.status_code == 200
    return sent.get_data(as_text=True)


def invitations_url(world: World) -> str:
    return f"/design/e/{world.a.evaluation}/campaigns/{world.a.campaign}/invitations"


def mailing_row(html: str) -> list[str]:
    """The mailings table's counts: sent, queued, refused."""
    row = re.search(r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", html)
    assert row, "no mailing row"
    return list(row.groups())


def monitoring(client, world: World) -> str:  # noqa: ANN001
    return client.get(f"/design/e/{world.a.evaluation}/campaigns/{world.a.campaign}"
                      "/monitoring").get_data(as_text=True)


def statuses() -> list[str]:
    return sorted(db.session.scalars(select(Delivery.status)))


def test_queued_invitations_are_shown_queued_until_the_server_accepts_them(
        app: Flask, smtp_server: Inbox, tmp_path: Path) -> None:
    queue_to(app, smtp_server, tmp_path)
    world = build_world(app, passwords=False)
    client = research_team(app, world)
    flashed = send_invitations_now(app, client, world)
    assert ("0 messages sent, 3 queued for the mail server (not sent yet), "
            "0 refused by the mail server.") in flashed
    with app.app_context():  # "Send now" ran as a job: its page says the same
        job_id = db.session.scalar(select(Job.id).where(Job.kind == "mailing"))
    job_page = client.get(f"/jobs/e/{world.a.evaluation}/{job_id}").get_data(as_text=True)
    assert ("Done: 0 messages sent, 3 queued for the mail server (not sent yet), "
            "0 refused by the mail server.") in job_page
    page = client.get(invitations_url(world)).get_data(as_text=True)
    assert "0 invitation emails sent so far." in page
    assert "3 more wait in the mail queue (not sent yet)." in page
    assert mailing_row(page) == ["0", "3", "0"]  # sent, queued, refused
    assert page.count('<span class="badge queued">queued</span>') == 3
    assert ">invited<" not in page
    outbox = client.get(f"/design/e/{world.a.evaluation}/outbox").get_data(as_text=True)
    assert "Waiting in the mail queue" in outbox
    assert all(masked in outbox for masked in ("a•••@example.org", "b•••@example.org",
                                               "c•••@example.org"))
    assert "awa@example.org" not in outbox  # masked
    assert "No mail server is configured" not in outbox
    assert smtp_server.messages == []  # nothing went out yet
    assert "<dt>Invitations sent</dt>" not in monitoring(client, world)  # queued: none yet
    with client.session_transaction() as session:
        session["lang"] = "fr"
    french = client.get(invitations_url(world)).get_data(as_text=True)
    assert "3 autres attendent dans la file d’envoi (pas encore envoyés)." in french
    assert french.count('<span class="badge queued">en file</span>') == 3
    french = client.get(f"/design/e/{world.a.evaluation}/outbox").get_data(as_text=True)
    assert "En attente dans la file d’envoi" in french and "Tentatives" in french
    with client.session_transaction() as session:
        session["lang"] = "en"
    with app.app_context():
        assert statuses() == ["queued"] * 3
        assert db.session.scalar(select(Mailing.sent_count)) == 0

        report = mail.deliver_queued()
        assert (report.sent, report.failed) == (3, 0)
        assert mail.deliver_queued().sent == 0  # never twice
        assert statuses() == ["sent"] * 3
        assert all(d.sent_at is not None for d in db.session.scalars(select(Delivery)))
        assert db.session.scalar(select(Mailing.sent_count)) == 3
    page = client.get(invitations_url(world)).get_data(as_text=True)
    assert "3 invitation emails sent so far." in page and "mail queue" not in page.split(
        "sent so far.")[1].split("</p>")[0]
    assert mailing_row(page) == ["3", "0", "0"]
    assert page.count(">invited<") == 3 and 'badge queued' not in page
    outbox = client.get(f"/design/e/{world.a.evaluation}/outbox").get_data(as_text=True)
    assert "Waiting in the mail queue" not in outbox
    assert "<dt>Invitations sent</dt><dd>3</dd>" in monitoring(client, world)
    # exactly one message per contact reached the server
    assert sorted(r for rs in smtp_server.recipients for r in rs) == [
        "awa@example.org", "ben@example.org", "cyd@example.org"]


def test_a_queued_invitation_the_server_refuses_fails_with_its_reason(
        app: Flask, smtp_server: Inbox, tmp_path: Path) -> None:
    queue_to(app, smtp_server, tmp_path)
    smtp_server.refused.add("ben@example.org")
    world = build_world(app, passwords=False)
    client = research_team(app, world)
    send_invitations_now(app, client, world)
    with app.app_context():
        report = mail.deliver_queued()
        assert (report.sent, report.failed) == (2, 1)
        ben = db.session.scalar(select(Delivery).join(Invitation).join(Contact).where(
            Contact.email == "ben@example.org"))
        # tried again later: still queued, the reason kept
        assert ben.status == "queued" and "Mailbox unavailable" in ben.error
    page = client.get(invitations_url(world)).get_data(as_text=True)
    assert mailing_row(page) == ["2", "1", "0"]
    outbox = client.get(f"/design/e/{world.a.evaluation}/outbox").get_data(as_text=True)
    assert "b•••@example.org" in outbox and "550 5.1.1 Mailbox unavailable" in outbox
    assert "ben@example.org" not in outbox  # the server's refusal is shown without the address
    with app.app_context():
        for _ in range(2, mail.MAX_ATTEMPTS + 1):  # every retry refused in turn
            db.session.execute(update(QueuedMail).values(next_attempt_at=mail.utcnow()))
            db.session.commit()
            mail.deliver_queued()
        ben = db.session.scalar(select(Delivery).join(Invitation).join(Contact).where(
            Contact.email == "ben@example.org"))
        assert ben.status == "failed" and "550 5.1.1 Mailbox unavailable" in ben.error
        assert ben.sent_at is None
        invitation = db.session.get(Invitation, ben.invitation_id)
        assert invitation.invited_at is None  # a later mailing may invite Ben again
        assert statuses() == ["failed", "sent", "sent"]
    page = client.get(invitations_url(world)).get_data(as_text=True)
    assert mailing_row(page) == ["2", "0", "1"]
    assert "2 invitation emails sent so far." in page
    outbox = client.get(f"/design/e/{world.a.evaluation}/outbox").get_data(as_text=True)
    assert "given up" in outbox
    assert sorted(r for rs in smtp_server.recipients for r in rs) == [
        "awa@example.org", "cyd@example.org"]  # Ben's refused message never arrived


def test_deliverers_at_once_send_each_invitation_once_and_count_each_once(
        app: Flask, smtp_server: Inbox, tmp_path: Path) -> None:
    queue_to(app, smtp_server, tmp_path)
    world = build_world(app, passwords=False)
    many = "email\n" + "".join(f"p{n}@example.org\n" for n in range(20))
    with app.app_context():
        campaign = db.session.get(Campaign, world.a.campaign)
        services.import_contacts(campaign, parse_contacts(many.encode(), ["fr"]).contacts)
        report = mailing.run(mailing.schedule(campaign, "invitation"))
        assert (report.sent, report.queued) == (0, 20)
    reports: list[mail.QueueReport] = []

    def deliver() -> None:
        with app.app_context():
            reports.append(mail.deliver_queued())

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in reports) == 20
    assert sorted(str(m["To"]) for m in smtp_server.messages) == sorted(
        f"p{n}@example.org" for n in range(20))
    with app.app_context():
        assert statuses() == ["sent"] * 20
        assert db.session.scalar(select(Mailing.sent_count)) == 20  # no count lost


def test_the_admin_queue_lists_account_links_masked(app: Flask, smtp_server: Inbox,
                                                    tmp_path: Path) -> None:
    queue_to(app, smtp_server, tmp_path)
    world = build_world(app, passwords=False)
    with app.test_request_context():
        mail.send("dora.explorer@example.org", "Your account", "Link")
    admin = app.test_client()
    sign_in(admin, app, world.users["admin"])
    with admin.session_transaction() as session:
        session["lang"] = "en"
    page = admin.get("/design/outbox").get_data(as_text=True)
    assert "d•••@example.org" in page and "dora.explorer" not in page
    assert "Your account" in page
    evaluation = research_team(app, world).get(f"/design/e/{world.a.evaluation}/outbox")
    assert "d•••@example.org" not in evaluation.get_data(as_text=True)  # not an evaluation's


def test_mask_address() -> None:
    assert mail.mask_address("Ana <ana.lopez@example.org>") == "a•••@example.org"
    assert mail.mask_address("not an address") == "•••"


def test_a_queued_reminder_counts_once_sent_and_is_given_back_when_refused_for_good(
        app: Flask, smtp_server: Inbox, tmp_path: Path) -> None:
    app.config.update(MAIL_OUTBOX=str(tmp_path / "outbox"), MIN_DAYS_BETWEEN_MESSAGES=0)
    world = build_world(app, passwords=False)
    with app.app_context():
        campaign = db.session.get(Campaign, world.a.campaign)
        services.import_contacts(campaign, parse_contacts(CONTACTS.encode(),
                                                          ["fr", "en"]).contacts)
        assert mailing.run(mailing.schedule(campaign, "invitation")).sent == 3  # outbox files
    queue_to(app, smtp_server, tmp_path)
    smtp_server.refused.add("ben@example.org")
    with app.app_context():
        campaign = db.session.get(Campaign, world.a.campaign)
        report = mailing.run(mailing.schedule(campaign, "reminder"))
        assert (report.sent, report.queued) == (0, 3)
        for _ in range(mail.MAX_ATTEMPTS):
            db.session.execute(update(QueuedMail).values(next_attempt_at=mail.utcnow()))
            db.session.commit()
            mail.deliver_queued()
        reminders = dict(db.session.execute(select(Contact.email, Invitation.reminders_sent)
                                            .join(Invitation.contact)).all())
        assert reminders == {"awa@example.org": 1, "ben@example.org": 0,
                             "cyd@example.org": 1}  # Ben may have a reminder later
        reminder = db.session.scalar(select(Mailing).where(Mailing.kind == "reminder"))
        assert (reminder.sent_count, reminder.failed_count) == (2, 1)
    assert sorted(r for rs in smtp_server.recipients for r in rs) == [
        "awa@example.org", "cyd@example.org"]
