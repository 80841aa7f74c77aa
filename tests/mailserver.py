"""A real SMTP server for tests (aiosmtpd), listening on a free local port.

Import the ``smtp_server`` fixture into a test module; it yields a :class:`Inbox` whose
``messages`` are what the server received, parsed, and ``logins`` the credentials it accepted;
addresses put in ``refused`` are refused at RCPT (550), as a real server refuses a mailbox.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.logins: list[tuple[str, str]] = []
        self.refused: set[str] = set()
        self.host = "127.0.0.1"
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # noqa: ANN001
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.messages.append(message)  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN201
        if isinstance(auth_data, LoginPassword):
            login = (auth_data.login.decode(), auth_data.password.decode())
            if login == ("researcher", "s3cret"):
                self.logins.append(login)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def config(self, **extra: object) -> dict[str, object]:
        """App configuration that sends mail to this server."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port,
                "MAIL_SENDER": "Équipe Proximité <evaluation@example.org>", **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port,
                            authenticator=inbox.authenticate, auth_require_tls=False)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
