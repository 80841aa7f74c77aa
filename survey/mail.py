"""Outgoing email, behind one function: :func:`send`.

Embedded default: each message is written as an ``.eml`` file under ``instance/outbox/``, so a
fresh install works without a mail server (researchers can open them). Sending by SMTP
(``SURVEY_MAIL_SERVER``) is added by the invitations work on top of this interface.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from .secrets import new_secret


def outbox() -> Path:
    path = Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def build(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_SENDER") or "Proximité <noreply@localhost>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="proximite.local")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send(to: str, subject: str, text: str, html: str | None = None) -> Path:
    """Write one message to the outbox (the only delivery so far); returns its file."""
    message = build(to, subject, text, html)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = outbox() / f"{stamp}-{new_secret(6)}.eml"
    path.write_bytes(bytes(message))
    return path
