"""Email: messages in the participant's language, plain text plus escaped HTML, written to the
outbox by default and sent through a real SMTP server (aiosmtpd) when one is configured."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask

from survey.mail import MailError, read_outbox, render_mail
from survey.mail import deliver as send
from survey.mail import outbox_messages as outbox
from tests.conftest import make_app
from tests.mailserver import Inbox, free_port, smtp_server  # noqa: F401  (fixture)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def mail_app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(f"sqlite:///{tmp_path / 'survey.db'}", MAIL_OUTBOX=str(tmp_path / "outbox"))
    with app.app_context():
        yield app


def invitation(language: str = "fr", name: str = "Awa", **extra: object):  # noqa: ANN201
    context = {"name": name, "title": "Votre expérience des soins", "evaluation": "Clinique X",
               "minutes": 12, "link": "https://survey.test/i/abc123",
               "unsubscribe_url": "https://survey.test/u/abc123", "responsible": "Dre Lin",
               **extra}
    return render_mail("invitation", "awa@example.org", language,
                       headers={"List-Unsubscribe": "<https://survey.test/u/abc123>"}, **context)


def test_default_backend_writes_a_private_eml_file_listed_in_the_outbox(mail_app: Flask,
                                                                       tmp_path: Path) -> None:
    sent = send(invitation())
    assert sent.path is not None and sent.path.parent == tmp_path / "outbox"
    assert stat.S_IMODE(sent.path.stat().st_mode) == 0o600
    entries = outbox()
    assert [e.name for e in entries] == [sent.path.name]
    assert entries[0].to == "awa@example.org"
    assert "https://survey.test/i/abc123" in entries[0].text
    assert read_outbox(sent.path.name).subject == entries[0].subject


def test_outbox_refuses_names_outside_it(mail_app: Flask, tmp_path: Path) -> None:
    (tmp_path / "secret.eml").write_text("To: x\n\nsecret")
    assert read_outbox("../secret.eml") is None
    assert read_outbox("nothing.eml") is None
    assert outbox() == []


def test_messages_are_in_the_participants_language(mail_app: Flask) -> None:
    french, english = invitation("fr"), invitation("en")
    assert french.subject == "Invitation\u00a0: Votre expérience des soins"
    assert "Bonjour Awa," in french.text and "Votre lien personnel" in french.text
    assert english.subject == "Invitation: Votre expérience des soins"
    assert "Hello Awa," in english.text and "Your personal link" in english.text
    assert '<html lang="fr">' in french.html and '<html lang="en">' in english.html
    reminder = render_mail("reminder", "awa@example.org", "fr", name="", title="Q",
                           evaluation="E", minutes=None, link="L", unsubscribe_url="U",
                           responsible="")
    assert reminder.subject == "Rappel\u00a0: Q" and reminder.text.startswith("Bonjour,")


def test_hostile_names_are_text_in_the_html_part_and_cannot_add_headers(mail_app: Flask,
                                                                       tmp_path: Path) -> None:
    mail = invitation(name=HOSTILE, evaluation=HOSTILE, title="Q\r\nBcc: victim@example.org")
    assert "<script>" not in mail.html and "<img" not in mail.html
    assert "&lt;script&gt;" in mail.html
    assert HOSTILE in mail.text  # plain text shows the name as typed
    sent = send(mail)
    with sent.path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    assert message["Bcc"] is None and message.get_all("Bcc") is None
    assert message["Subject"].endswith("Q Bcc: victim@example.org")  # folded onto one line


def test_smtp_delivers_text_and_html_with_the_link(mail_app: Flask,
                                                   smtp_server: Inbox) -> None:  # noqa: F811
    mail_app.config.update(smtp_server.config())
    sent = send(invitation("en"))
    assert sent.path is None and outbox() == []
    [message] = smtp_server.messages
    assert smtp_server.recipients == [["awa@example.org"]]
    assert message["To"] == "awa@example.org"
    assert message["Subject"] == "Invitation: Votre expérience des soins"
    assert "evaluation@example.org" in message["From"]
    assert message["List-Unsubscribe"] == "<https://survey.test/u/abc123>"
    assert message["Content-Language"] == "en"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "https://survey.test/i/abc123" in text
    assert 'href="https://survey.test/i/abc123"' in html
    assert 'href="https://survey.test/u/abc123"' in html


def test_smtp_logs_in_with_the_configured_credentials(mail_app: Flask,
                                                      smtp_server: Inbox) -> None:  # noqa: F811
    mail_app.config.update(smtp_server.config(MAIL_USERNAME="researcher",
                                              MAIL_PASSWORD="s3cret"))
    send(invitation())
    assert smtp_server.logins == [("researcher", "s3cret")]
    assert len(smtp_server.messages) == 1
    mail_app.config["MAIL_PASSWORD"] = "wrong"
    with pytest.raises(MailError, match="Authentication"):
        send(invitation())
    assert len(smtp_server.messages) == 1


def test_an_unreachable_server_is_a_clear_error(mail_app: Flask) -> None:
    mail_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=3)
    with pytest.raises(MailError, match="127.0.0.1"):
        send(invitation())
