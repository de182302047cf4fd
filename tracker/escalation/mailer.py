"""Sending email over SMTP (the standard library's smtplib), one connection for a batch.

A recipient the server refuses, or a message that cannot go, raises NotSent with the reason in
words; the connection is kept (or opened again) for the next recipient.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid


TIMEOUT_SECONDS = 20


class NotSent(Exception):
    """Why one message did not go, in words."""


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    use_tls: bool
    username: str
    password: str
    sender: str

    @classmethod
    def from_config(cls, config) -> MailServer | None:
        """The configured server, or None when email is not set up (no MAIL_SERVER or no sender)."""
        if not config.get("MAIL_SERVER") or not config.get("MAIL_DEFAULT_SENDER"):
            return None
        return cls(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), bool(config.get("MAIL_USE_TLS")),
                   config.get("MAIL_USERNAME") or "", config.get("MAIL_PASSWORD") or "", config["MAIL_DEFAULT_SENDER"])


def missing_settings(config) -> list[str]:
    """The settings email still needs, in the order they are documented."""
    return [name for name in ("MAIL_SERVER", "MAIL_DEFAULT_SENDER") if not config.get(name)]


def message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(body)
    return mail


class Postbox:
    """An open connection to the mail server for one batch: `with Postbox(server) as box: box.send(...)`."""

    def __init__(self, server: MailServer):
        self.server = server
        self.smtp: smtplib.SMTP | None = None
        self.unreachable = ""  # why connecting failed: the rest of the batch cannot go either

    def __enter__(self) -> Postbox:
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def _connect(self) -> smtplib.SMTP:
        if self.unreachable:
            raise NotSent(self.unreachable)
        try:
            return self._open()
        except NotSent as failed:
            self.unreachable = str(failed)
            raise

    def _open(self) -> smtplib.SMTP:
        server = self.server
        smtp = None
        try:
            smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
            if server.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if server.username:
                smtp.login(server.username, server.password)
            return smtp
        except (smtplib.SMTPException, OSError) as error:
            if smtp is not None:
                smtp.close()
            if isinstance(error, smtplib.SMTPAuthenticationError):
                raise NotSent(f"The mail server refused the sign-in (MAIL_USERNAME, MAIL_PASSWORD): {_said(error)}") from error
            raise NotSent(f"Could not connect to the mail server {server.host}:{server.port}: {_said(error)}") from error

    def send(self, to: str, subject: str, body: str) -> None:
        mail = message(self.server.sender, to, subject, body)
        for attempt in (1, 2):
            if self.smtp is None:
                self.smtp = self._connect()
            try:
                self.smtp.send_message(mail)
                return
            except smtplib.SMTPRecipientsRefused as error:
                code, said = next(iter(error.recipients.values()))
                raise NotSent(f"The mail server refused the address: {code} {_text(said)}") from error
            except smtplib.SMTPResponseException as error:
                self._reset()
                raise NotSent(f"The mail server refused the message: {error.smtp_code} {_text(error.smtp_error)}") from error
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                self._close()
                if attempt == 2:
                    raise NotSent(f"The connection to the mail server was lost: {_said(error)}") from error

    def _reset(self) -> None:
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._close()


def _text(said) -> str:
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)


def _said(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return str(error) or type(error).__name__
