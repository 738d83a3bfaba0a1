"""A real SMTP server on loopback for the mail tests (aiosmtpd): it takes every message,
refuses the recipients the test names with 550, and logs in only `user` / `right`."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from chc_tui.steps.mail_settings import MailSettings

USER, PASSWORD = "user", "right"


def free_port() -> int:
    """A port nothing listens on (bound, read and let go): for the server, or for a
    connection that must be refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Collecting:
    refuse: set[str] = field(default_factory=set)
    envelopes: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.original_content, policy=default) for e in self.envelopes]


def _login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    right = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=right, handled=False)  # handled=False: the server answers 535 itself


@dataclass
class SmtpServer:
    port: int
    handler: Collecting

    def settings(self, **kw) -> MailSettings:
        values = dict(host="127.0.0.1", port=self.port, security="none", from_address="complaints@riverside.example")
        values.update(kw)
        return MailSettings(**values)


@pytest.fixture
def smtp_server():
    handler = Collecting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=_login,
                            auth_require_tls=False)
    controller.start()
    try:
        yield SmtpServer(controller.port, handler)
    finally:
        controller.stop()
