"""Invitation and reminder emails: sent now or when due, through a real SMTP server; a contact
never gets one reminder twice nor more than the allowed number; unsubscribing is honoured."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from flask import Flask
from sqlalchemy import select, update

from survey.extensions import db
from survey.invitations import mailing, services
from survey.invitations.cli import send_due_command
from survey.invitations.contacts import parse_contacts
from survey.mail import outbox_messages as outbox
from survey.models import AuditEvent, Campaign, Delivery, Invitation, Response
from survey.models.types import utcnow

from .mailserver import Inbox, smtp_server  # noqa: F401  (fixture)
from .participant import Participant
from .test_invitations import make_campaign

HOSTILE = "<img src=x onerror=alert(1)>"
CONTACTS = ("email,name,language\n"
            f"awa@example.org,{HOSTILE},fr\n"
            "ben@example.org,Ben,en\n"
            "carl@example.org,Carl,fr\n").encode()


@pytest.fixture
def campaign_id(app: Flask, tmp_path) -> int:  # noqa: ANN001
    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    campaign_id = make_campaign(app, name=f"Clinique {HOSTILE}")
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        services.import_contacts(campaign, parse_contacts(CONTACTS, ["fr", "en"]).contacts)
    return campaign_id


def send(app: Flask, campaign_id: int, kind: str, due: dt.datetime | None = None,  # noqa: ANN201
         now: dt.datetime | None = None):
    """Schedule and run a mailing; ``now`` is the clock it runs at (days apart for messages to
    one contact, who waits MIN_DAYS_BETWEEN_MESSAGES between two)."""
    with app.app_context():
        return mailing.run(mailing.schedule(db.session.get(Campaign, campaign_id), kind, due),
                           now)


def days(n: float) -> dt.datetime:
    return utcnow() + dt.timedelta(days=n)


def test_invitations_reach_the_smtp_server_in_each_language_with_escaped_html(
        app: Flask, campaign_id: int, smtp_server: Inbox) -> None:  # noqa: F811
    app.config.update(smtp_server.config())
    report = send(app, campaign_id, "invitation")
    assert (report.sent, report.failed) == (3, 0)
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert set(by_address) == {"awa@example.org", "ben@example.org", "carl@example.org"}
    french, english = by_address["awa@example.org"], by_address["ben@example.org"]
    assert french["Subject"].startswith("Invitation\u00a0: ")
    assert english["Subject"].startswith("Invitation: ")
    html = french.get_body(("html",)).get_content()
    assert "<img" not in html and "&lt;img src=x" in html
    text = english.get_body(("plain",)).get_content()
    link = re.search(r"http://survey\.test/i/([A-Za-z0-9_-]+)", text).group(1)
    with app.app_context():
        assert services.find(link).contact.email == "ben@example.org"
        assert french["List-Unsubscribe"].startswith("<http://survey.test/u/")
        # Sending again writes to nobody: everyone is invited already.
        assert send(app, campaign_id, "invitation").sent == 0
        events = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "invitations-sent")))
        assert [e.details["sent"] for e in events] == [3, 0]


def test_reminders_skip_completed_and_unsubscribed_and_stop_at_the_limit(
        app: Flask, campaign_id: int, bundled) -> None:  # noqa: ANN001
    app.config["MAX_REMINDERS"] = 2
    send(app, campaign_id, "invitation")
    with app.app_context():
        by_email = {i.contact.email: services.token_for(i) for i in
                    db.session.scalars(select(Invitation))}
    # Awa completes; Carl unsubscribes; Ben does nothing.
    awa = Participant(app.test_client())
    awa.get(f"/i/{by_email['awa@example.org']}")
    awa.get(f"/i/{by_email['awa@example.org']}/consent")
    awa.post([("agree", "y")], nav=None)
    awa.complete(bundled["patients"])
    carl = app.test_client()
    carl.post(f"/u/{by_email['carl@example.org']}", data={"List-Unsubscribe": "One-Click"})
    assert [send(app, campaign_id, "reminder", now=days(4 * n)).sent
            for n in (1, 2, 3)] == [1, 1, 0]
    names = [e.to for e in outbox(app)]
    assert names.count("ben@example.org") == 3  # the invitation and two reminders
    assert names.count("awa@example.org") == 1 and names.count("carl@example.org") == 1
    reminder = next(e for e in outbox(app) if e.subject.startswith("Reminder"))
    assert "If you have not had time yet" in reminder.text


def test_scheduled_mailings_wait_for_send_due(app: Flask, campaign_id: int) -> None:
    runner = app.test_cli_runner()
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        mailing.schedule(campaign, "invitation", utcnow() + dt.timedelta(days=1))
    result = runner.invoke(send_due_command)
    assert result.exit_code == 0 and "nothing due" in result.output
    assert outbox(app) == []
    with app.app_context():
        assert len(mailing.send_due(utcnow() + dt.timedelta(days=2))) == 1
    assert len(outbox(app)) == 3
    assert "nothing due" in runner.invoke(send_due_command).output


def test_send_due_twice_at_once_never_sends_a_contact_the_same_reminder_twice(
        app: Flask, campaign_id: int) -> None:
    send(app, campaign_id, "invitation", now=days(-4))
    with app.app_context():
        mailing.schedule(db.session.get(Campaign, campaign_id), "reminder")
    reports: list = []

    def run() -> None:
        with app.app_context():
            reports.extend(mailing.send_due())

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports if r.kind == "reminder") == 3
    reminders = [e.to for e in outbox(app) if e.subject.startswith("Rappel")
                 or e.subject.startswith("Reminder")]
    assert sorted(reminders) == ["awa@example.org", "ben@example.org", "carl@example.org"]
    with app.app_context():
        assert [i.reminders_sent for i in db.session.scalars(select(Invitation))] == [1, 1, 1]
        assert db.session.query(Delivery).count() == 6


def test_a_refused_message_is_reported_and_may_be_sent_later(app: Flask,
                                                             campaign_id: int) -> None:
    from .mailserver import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    report = send(app, campaign_id, "invitation")
    assert (report.sent, report.failed) == (0, 3)
    with app.app_context():
        assert all(i.invited_at is None for i in db.session.scalars(select(Invitation)))
    app.config["MAIL_SERVER"] = None
    assert send(app, campaign_id, "invitation").sent == 3
    with app.app_context():
        assert db.session.scalar(select(Response)) is None


def test_two_reminders_due_together_reach_a_contact_once_and_the_second_waits(
        app: Flask, campaign_id: int, smtp_server: Inbox) -> None:  # noqa: F811
    """A double click (or two reminders due the same hour): each contact gets one message, by
    the real SMTP server; the second reminder goes out once the interval has passed."""
    app.config.update(smtp_server.config(), MIN_DAYS_BETWEEN_MESSAGES=3)
    start = utcnow()
    send(app, campaign_id, "invitation", now=start - dt.timedelta(days=4))
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        first = mailing.schedule(campaign, "reminder").id
        second = mailing.schedule(campaign, "reminder").id
    start = utcnow()
    reports: list = []

    def run() -> None:
        with app.app_context():
            reports.extend(mailing.send_due(start))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def reminders() -> list[str]:
        return sorted(m["To"] for m in smtp_server.messages
                      if m["Subject"].startswith(("Rappel", "Reminder")))

    assert reminders() == ["awa@example.org", "ben@example.org", "carl@example.org"]
    with app.app_context():
        first_m, second_m = (db.session.get(mailing.Mailing, i) for i in (first, second))
        waiting = [m for m in (first_m, second_m) if m.finished_at is None]
        assert len(waiting) == 1 and waiting[0].waiting_count == 3
        assert waiting[0].resume_at is not None
        assert abs(waiting[0].resume_at - (start + dt.timedelta(days=3))) < dt.timedelta(
            seconds=1)
        # A day later nothing is due; the contacts have one reminder each.
        assert mailing.send_due(start + dt.timedelta(days=1)) == []
        assert [i.reminders_sent for i in db.session.scalars(select(Invitation))] == [1, 1, 1]
    assert len(reminders()) == 3
    with app.app_context():
        [report] = mailing.send_due(start + dt.timedelta(days=3, minutes=1))
        assert (report.sent, report.waiting) == (3, 0)
        assert db.session.get(mailing.Mailing, waiting[0].id).finished_at is not None
    assert reminders() == ["awa@example.org", "awa@example.org", "ben@example.org",
                           "ben@example.org", "carl@example.org", "carl@example.org"]


def test_a_reminder_right_after_the_invitation_waits_and_a_refusal_frees_the_contact(
        app: Flask, campaign_id: int) -> None:
    from .mailserver import free_port

    start = utcnow()
    assert send(app, campaign_id, "invitation", now=start).sent == 3
    report = send(app, campaign_id, "reminder", now=start + dt.timedelta(hours=1))
    assert (report.sent, report.waiting) == (0, 3)
    # send-due says so, and leaves the mailing waiting until the interval has passed
    with app.app_context():
        db.session.execute(update(mailing.Mailing).values(resume_at=None))
        db.session.commit()
    output = app.test_cli_runner().invoke(send_due_command).output
    assert "0 sent, 0 failed" in output
    assert "3 contacts had a message too recently: they wait until " in output
    assert "nothing due" in app.test_cli_runner().invoke(send_due_command).output
    # A refused message does not count as one: the contact may be written to at once.
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    later = start + dt.timedelta(days=5)
    assert send(app, campaign_id, "reminder", now=later).failed == 3
    app.config["MAIL_SERVER"] = None
    assert send(app, campaign_id, "reminder", now=later + dt.timedelta(minutes=5)).sent == 3


def test_a_mailing_in_the_past_is_refused(app: Flask, campaign_id: int) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        with pytest.raises(mailing.ScheduleError):
            mailing.schedule(campaign, "reminder", utcnow() - dt.timedelta(hours=1))
        assert db.session.query(mailing.Mailing).count() == 0
