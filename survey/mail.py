"""Email: compose a message (plain text plus simple escaped HTML) and send it.

Two backends, chosen by configuration:

* the embedded default writes each message as an ``.eml`` file under ``instance/outbox/``
  (readable by its owner only), so a fresh install works without a mail server and researchers
  can read what would have gone out on the outbox page;
* with ``SURVEY_MAIL_SERVER`` set, messages go by SMTP (``MAIL_PORT``, ``MAIL_USE_TLS`` for
  STARTTLS, ``MAIL_USE_SSL`` for implicit TLS, ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
  ``MAIL_SENDER``);
* with ``SURVEY_MAIL_QUEUE`` on as well (several instances), each message is a row of
  ``queued_mail``, committed with the caller's transaction, and :func:`deliver_queued` hands the
  queue to the SMTP server (``survey deliver-mail``): every instance shares the queue, none needs
  the others' folders, and a request never waits for the mail server. A queued invitation or
  reminder names its ``delivery``, which stays "queued" until the server accepts the message
  (then "sent") or refuses it for good ("failed", :func:`survey.invitations.mailing.settle`).

:func:`send` sends a simple message (account links); :func:`render_mail` and :func:`deliver`
a message in the participant's language from ``mail/<name>`` templates.

The standard library's :mod:`email` and :mod:`smtplib` do all the work: no library would add
anything here but another dependency.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parseaddr, parsedate_to_datetime
from pathlib import Path

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update

from .extensions import db
from .models import Campaign, Delivery, Invitation
from .models.mail import QueuedMail
from .models.types import utcnow

OUTBOX = "outbox"
DEFAULT_SENDER = "Proximité <no-reply@localhost>"
BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f]+")  # every whitespace but non-breaking ones
EVALUATION_HEADER = "X-Proximite-Evaluation"  # which evaluation's outbox page lists a message


class MailError(Exception):
    """A message could not be handed to the mail server (the reason is in the message)."""


@dataclass(frozen=True)
class Mail:
    """One message to one recipient, before it is encoded."""

    to: str
    subject: str
    text: str
    html: str | None = None
    language: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def single_line(value: str) -> str:
    """Header text on one line: a hostile name can never add a header. Non-breaking spaces
    stay (French puts one before a colon)."""
    return " ".join(BREAKING_SPACE.split(str(value).strip()))


def render_mail(template: str, to: str, language: str, headers: Mapping[str, str] | None = None,
                **context: object) -> Mail:
    """Render ``mail/<template>.subject.txt``, ``.txt`` and ``.html`` in ``language``.

    The HTML part is autoescaped like every ``.html`` template: names and addresses from
    researchers or contact files are text, never markup.
    """
    with force_locale(language):
        subject = render_template(f"mail/{template}.subject.txt", **context)
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", language=language, **context)
    return Mail(to=to, subject=single_line(subject), text=text, html=html, language=language,
                headers=dict(headers or {}))


def sender(app: Flask | None = None) -> str:
    app = app or current_app
    return str(app.config.get("MAIL_SENDER") or DEFAULT_SENDER)


def encode(mail: Mail, from_address: str) -> EmailMessage:
    """The MIME message: ``multipart/alternative`` with the text part first."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = single_line(from_address)
    message["To"] = single_line(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in mail.headers.items():
        message[name] = single_line(value)
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    # After the parts exist: making the message multipart moves Content-* headers into them.
    if mail.language:
        message["Content-Language"] = mail.language
    return message


@dataclass(frozen=True)
class Sent:
    """Where a message went: an outbox file, or the SMTP server."""

    message_id: str
    path: Path | None = None
    queued: bool = False  # waiting in ``queued_mail``: not sent yet


def send(to: str, subject: str, text: str, html: str | None = None) -> Path | None:
    """Send a simple message (account links); returns its outbox file, if written there."""
    sent = deliver(Mail(to=to, subject=single_line(subject), text=text, html=html))
    if current_app.config.get("MAIL_QUEUE"):
        db.session.commit()  # a queued message is sent once its row is committed
    return sent.path


def deliver(mail: Mail, app: Flask | None = None, delivery_id: int | None = None) -> Sent:
    """Send one message with the configured backend (queued, it names ``delivery_id``, the
    invitation or reminder it carries). Raises :class:`MailError`."""
    app = app or current_app
    message = encode(mail, sender(app))
    if app.config.get("MAIL_QUEUE"):
        _enqueue(message, delivery_id)
        return Sent(message_id=str(message["Message-ID"]), queued=True)
    if app.config.get("MAIL_SERVER"):
        _send_smtp(message, app)
        return Sent(message_id=str(message["Message-ID"]))
    return Sent(message_id=str(message["Message-ID"]), path=_write_outbox(message, app))


def outbox_dir(app: Flask | None = None) -> Path:
    app = app or current_app
    return Path(app.config.get("MAIL_OUTBOX") or Path(app.instance_path) / OUTBOX)


def outbox(app: Flask | None = None) -> Path:
    """The outbox folder (created, private to its owner)."""
    folder = outbox_dir(app)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _write_outbox(message: EmailMessage, app: Flask) -> Path:
    folder = outbox(app)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    # O_EXCL with mode 0600: the file never exists, even briefly, readable by others.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(message.as_bytes())
    return path


def _send_smtp(message: EmailMessage, app: Flask) -> None:
    config = app.config
    host = str(config["MAIL_SERVER"])
    use_ssl = bool(config.get("MAIL_USE_SSL"))
    port = int(config.get("MAIL_PORT") or (465 if use_ssl else 587 if config.get(
        "MAIL_USE_TLS") else 25))
    timeout = float(config.get("MAIL_TIMEOUT", 30))
    context = ssl.create_default_context()
    try:
        if use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if config.get("MAIL_USE_TLS") and not use_ssl:
                smtp.starttls(context=context)
            if config.get("MAIL_USERNAME"):
                smtp.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:  # the server's answer, without the address
        answers = "; ".join(f"{code} {text.decode(errors='replace')}"
                            for code, text in error.recipients.values())
        raise MailError(f"{host}:{port}: recipient refused: {answers}") from error
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{host}:{port}: {error.__class__.__name__}: {error}") from error


# -- the queue shared by several instances ------------------------------------------------------

#: attempts before a message the server keeps refusing is given up (left in the table)
MAX_ATTEMPTS = 8
#: how long a deliverer holds the message it is sending before another may take it
CLAIM = dt.timedelta(minutes=10)


def _enqueue(message: EmailMessage, delivery_id: int | None) -> None:
    """Add the message to the queue, in the caller's transaction: a mailing marks a delivery
    queued and queues its message in one commit."""
    db.session.add(QueuedMail(message=message.as_bytes(), queued_at=utcnow(),
                              next_attempt_at=utcnow(), attempts=0, delivery_id=delivery_id))


@dataclass
class QueueReport:
    """What one :func:`deliver_queued` did."""

    sent: int = 0
    failed: int = 0  # refused this time: tried again later
    given_up: int = 0  # refused MAX_ATTEMPTS times: left in the table, not tried again


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 1, 2, 4... minutes, at most 6 hours."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 360))


def deliver_queued(app: Flask | None = None, limit: int = 500) -> QueueReport:
    """Hand the due queued messages to the SMTP server, each at most once.

    Each message is first claimed by a conditional update that moves its next attempt
    ``CLAIM`` later (one deliverer wins it: instances, workers and cron may run this at the
    same moment on either database), then sent outside any transaction and deleted. A process
    killed in between sends it again once the claim has lapsed: SMTP offers nothing better.
    Raises :class:`MailError` when no mail server is configured."""
    app = app or current_app
    if not app.config.get("MAIL_SERVER"):
        raise MailError("SURVEY_MAIL_SERVER is not set: queued messages need a mail server")
    report = QueueReport()
    for _ in range(limit):
        now = utcnow()
        due = db.session.execute(
            select(QueuedMail.id, QueuedMail.next_attempt_at)
            .where(QueuedMail.next_attempt_at <= now).order_by(QueuedMail.id).limit(1)).first()
        if due is None:
            break
        claimed = db.session.execute(
            update(QueuedMail).where(QueuedMail.id == due.id,
                                     QueuedMail.next_attempt_at == due.next_attempt_at)
            .values(next_attempt_at=now + CLAIM)).rowcount
        db.session.commit()
        if claimed:
            _deliver_one(db.session.get(QueuedMail, due.id), app, report)
    db.session.commit()  # ends the last read
    return report


def _deliver_one(row: QueuedMail, app: Flask, report: QueueReport) -> None:
    """Send one claimed message; its delivery (if any) learns the outcome in the same commit
    that deletes or reschedules the row."""
    from .invitations.mailing import settle  # the mailing's rules (which imports this module)

    message = BytesParser(policy=policy.SMTP).parsebytes(row.message)
    db.session.commit()  # no transaction stays open while the server answers
    try:
        _send_smtp(message, app)
    except MailError as error:
        row.attempts += 1
        row.last_error = str(error)[:500]
        given_up = row.attempts >= MAX_ATTEMPTS
        row.next_attempt_at = None if given_up else utcnow() + retry_delay(row.attempts)
        report.given_up += given_up
        report.failed += not given_up
        if row.delivery_id is not None:
            settle(row.delivery_id, error=row.last_error, final=given_up)
        app.logger.warning("queued message %s: %s", row.id, error)
    else:
        if row.delivery_id is not None:
            settle(row.delivery_id)
        db.session.delete(row)
        report.sent += 1
    db.session.commit()


@dataclass(frozen=True)
class QueuedEntry:
    """One message waiting in the queue, as the outbox page lists it (recipient masked)."""

    to: str
    subject: str
    queued_at: dt.datetime
    attempts: int
    last_error: str
    given_up: bool


def mask_address(address: str) -> str:
    """An address as the queue listing shows it: the first letter of the mailbox, then dots,
    and the domain (``a•••@example.org``): enough to recognise, not to copy."""
    mailbox, _, domain = parseaddr(address)[1].rpartition("@")
    return f"{mailbox[:1]}•••@{domain}" if mailbox else "•••"


def queued_messages(evaluation_id: int | None = None, limit: int = 200) -> list[QueuedEntry]:
    """The messages waiting in the queue, oldest first: only the invitations and reminders of
    this evaluation when ``evaluation_id`` is given, else every one (account links too)."""
    query = select(QueuedMail.message, QueuedMail.queued_at, QueuedMail.attempts,
                   QueuedMail.last_error, QueuedMail.next_attempt_at)
    if evaluation_id is not None:
        query = (query.join(Delivery, Delivery.id == QueuedMail.delivery_id)
                 .join(Invitation, Invitation.id == Delivery.invitation_id)
                 .join(Campaign, Campaign.id == Invitation.campaign_id)
                 .where(Campaign.evaluation_id == evaluation_id))
    entries = []
    for row in db.session.execute(query.order_by(QueuedMail.id).limit(limit)):
        headers = BytesParser(policy=policy.default).parsebytes(row.message, headersonly=True)
        entries.append(QueuedEntry(
            to=mask_address(str(headers["To"] or "")), subject=str(headers["Subject"] or ""),
            queued_at=row.queued_at, attempts=row.attempts, last_error=row.last_error or "",
            given_up=row.next_attempt_at is None))
    return entries


@dataclass(frozen=True)
class OutboxEntry:
    """One message of the outbox, as the outbox page lists it."""

    name: str
    to: str
    subject: str
    date: str
    text: str
    evaluation: str  # the evaluation that wrote it (header X-Proximite-Evaluation), or ""

    @property
    def sent_at(self) -> dt.datetime | None:
        """The ``Date`` header as an aware datetime (None when missing or unreadable); pages
        show it in the reader's language and the evaluation's time zone."""
        try:
            moment = parsedate_to_datetime(self.date)
        except (TypeError, ValueError, IndexError):
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def outbox_messages(app: Flask | None = None, limit: int = 200) -> list[OutboxEntry]:
    """The newest messages written to the outbox, newest first."""
    folder = outbox_dir(app)
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        entry = read_outbox(path.name, app)
        if entry is not None:
            entries.append(entry)
    return entries


def read_outbox(name: str, app: Flask | None = None) -> OutboxEntry | None:
    """One outbox message by file name (names outside the outbox are refused)."""
    if "/" in name or "\\" in name or not name.endswith(".eml") or name.startswith("."):
        return None
    path = outbox_dir(app) / name
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    body = message.get_body(preferencelist=("plain",))
    return OutboxEntry(name=name, to=str(message["To"] or ""), subject=str(
        message["Subject"] or ""), date=str(message["Date"] or ""),
        text=body.get_content() if body is not None else "",
        evaluation=str(message[EVALUATION_HEADER] or ""))
