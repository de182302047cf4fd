"""MAIL_USE_TLS: the tracker asks for STARTTLS, checks the mail server's certificate, and sends
nothing in the clear when the certificate cannot be trusted. A real aiosmtpd server on loopback
with a certificate made for the test."""
from __future__ import annotations

import ssl
import subprocess

import pytest

from ..mailbox import Mailbox, serving
from .test_emails import contacts, send_form, text_of, tree_of
from .test_participants import examples, north_lead  # noqa: F401  (fixtures)


class TlsMailbox(Mailbox):
    """Keeps, with each message, whether it came over TLS."""

    over_tls: list[bool]

    async def handle_DATA(self, server, session, envelope):
        self.over_tls.append(session.ssl is not None)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture()
def certificate(tmp_path):
    cert, key = tmp_path / "mail.pem", tmp_path / "mail.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture()
def tls_mailbox(app, monkeypatch, certificate):
    """A server that offers STARTTLS and requires it before MAIL FROM."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = TlsMailbox()
    handler.over_tls = []
    controller = serving(app, monkeypatch, handler, use_tls=True, tls_context=context, require_starttls=True)
    try:
        yield handler
    finally:
        controller.stop()


def test_with_tls_the_messages_go_over_starttls_to_a_server_whose_certificate_is_trusted(
        north_lead, tls_mailbox, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the machine trusts the server's certificate
    response = north_lead.post("/emails/send", send_form(north_lead), form_url="/dashboard")
    result = tree_of(north_lead.get(response.headers["Location"]))
    assert text_of(result.find(".//p[@id='sent-count']")) == "2 of 2 sent."
    assert sorted(r.recipients[0] for r in tls_mailbox.received) == ["ex004@example.org", "ex006@example.org"]
    assert tls_mailbox.over_tls == [True, True]


def test_with_tls_a_certificate_that_cannot_be_trusted_sends_nothing(north_lead, tls_mailbox, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # the system's authorities never signed the test's certificate
    response = north_lead.post("/emails/send", send_form(north_lead), form_url="/dashboard")
    result = tree_of(north_lead.get(response.headers["Location"]))
    assert text_of(result.find(".//p[@id='sent-count']")) == "0 of 2 sent, 2 not sent."
    assert text_of(result.find(".//table[@id='not-sent']")).count("certificate verify failed") == 2
    assert not tls_mailbox.received and contacts("EX006") == []
