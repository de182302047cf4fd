"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can refuse addresses."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from .served import free_port


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content().replace("\r\n", "\n")


USERNAME, PASSWORD = "npq-sender", "smtp-password-for-tests"


@dataclass
class Mailbox:
    """The handler: RCPT of an address in `refuse` gets a 550; DATA waits `delay` seconds, then keeps the message."""

    refuse: set[str] = field(default_factory=set)
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos),
                                          message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        """One account, USERNAME with PASSWORD; signing in is allowed, not required."""
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USERNAME.encode(), PASSWORD.encode())
        return AuthResult(success=ok, handled=False)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


def serving(app, monkeypatch, handler: Mailbox, use_tls: bool = False, **options):
    """Start an aiosmtpd server for `handler` on a free loopback port and point the app's MAIL_* settings at it."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    for name, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": use_tls, "MAIL_USERNAME": "",
                        "MAIL_PASSWORD": "", "MAIL_DEFAULT_SENDER": "npq-team@north.example"}.items():
        monkeypatch.setitem(app.config, name, value)
    return controller


@pytest.fixture()
def mailbox(app, monkeypatch):
    """An SMTP server on a free loopback port, and the app configured to send through it."""
    handler = Mailbox()
    controller = serving(app, monkeypatch, handler, authenticator=handler.authenticate,
                         auth_require_tls=False)  # signing in without TLS: test_emails_tls.py has the certificate
    try:
        yield handler
    finally:
        controller.stop()
