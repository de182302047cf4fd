"""Invitations emailed when email is set up, "Forgotten your password?", and the codes those emails
carry: after "#" in the link, never in an address the server sees (so never in an access log),
kept hashed, working once, expiring; every step audited."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, User

from ..clock import NOW
from ..mailbox import mailbox  # noqa: F401  (fixture)
from .conftest import PASSWORD, Browser, signed_in

NEW_PASSWORD = "a-quieter-harbour-of-lanterns-8"
CODE = re.compile(r"^(http://localhost/(?:invitations|password/reset))#([A-Za-z0-9_-]{40,})$", re.M)


class Recorder(Browser):
    """A visitor whose every address asked for, and every redirect, is kept: what an access log would see."""

    def __init__(self, client):
        super().__init__(client)
        self.seen: list[str] = []
        send = client.open

        def open_and_note(*args, **kwargs):
            response = send(*args, **kwargs)
            self.seen.append(str(response.request.url))
            self.seen.append(response.headers.get("Location", ""))
            return response
        client.open = open_and_note


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def actions(email) -> list[str]:
    user_id = db.session.scalar(select(User.id).where(User.email == email))
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "user",
                                                                   AuditEvent.entity_id == str(user_id))
                                   .order_by(AuditEvent.id)))


def test_an_invitation_is_emailed_and_its_code_never_reaches_an_address(app, as_edt_admin, mailbox):
    page = text(as_edt_admin.post("/users/", {"name": "Nia North", "email": "nia@north.example",
                                              "role": "facilitator", "partner": "NORTH"}, follow_redirects=True))
    assert "Invitation emailed to nia@north.example. The link in it works once, for 7 days." in page
    assert 'id="invitation-link"' not in page  # nothing to copy: it went
    [mail] = mailbox.to("nia@north.example")
    assert mail.subject == "Your account on the NPQ engagement tracker"
    assert "Admin has invited you to the NPQ engagement tracker of Education Development Trust, as Facilitator." in mail.body
    page_url, code = CODE.search(mail.body).groups()
    assert page_url == "http://localhost/invitations" and f"enter this code:\n{code}" in mail.body
    assert db.session.scalar(select(User.invite_token_hash).where(User.email == "nia@north.example")) != code

    nia = Recorder(app.test_client())
    assert nia.get("/invitations").status_code == 200  # the link's page; the code stays in the browser
    assert nia.post("/invitations", {"code": code}).headers["Location"] == "/invitations/password"
    assert "You have been invited as nia@north.example" in text(nia.get("/invitations/password"))
    assert nia.post("/invitations/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert nia.post("/sign-in", {"email": "nia@north.example", "password": NEW_PASSWORD}).status_code == 302
    assert "http://localhost/invitations/password" in nia.seen and not [url for url in nia.seen if code in url]
    assert actions("nia@north.example") == ["invite", "send-invitation", "accept-invitation"]


def test_without_email_the_link_is_shown_once_in_a_field_to_copy(app, as_edt_admin):
    page = text(as_edt_admin.post("/users/", {"name": "Sam South", "email": "sam@south.example",
                                              "role": "partner-lead", "partner": "SOUTH"}, follow_redirects=True))
    assert "Email is not set up, so send them the link below yourself." in page
    assert re.search(r'<input class="govuk-input" id="invitation-link"[^>]* value="http://localhost/invitations#', page)
    assert "invitations#" not in page.split('id="invitation-link"')[0]  # not in the banner
    assert 'id="invitation-link"' not in text(as_edt_admin.get("/users/"))  # shown once


def test_a_forgotten_password_is_reset_with_an_emailed_link_that_works_once(app, two_partners, mailbox):
    visitor = Recorder(app.test_client())
    assert "Forgotten your password?" in text(visitor.get("/sign-in"))
    answers = [text(visitor.post("/password/forgotten", {"email": email}))
               for email in ("Lead@North.example", "nobody@north.example")]
    for email, answer in zip(("lead@north.example", "nobody@north.example"), answers):
        assert (f"If {email} is the address of an account, we have sent it a link to choose a new password. "
                "The link works once, for 1 hour.") in answer
    assert [m.recipients for m in mailbox.received] == [["lead@north.example"]]  # nobody's address gets nothing
    mail = mailbox.received[0]
    assert mail.subject == "Reset your password for the NPQ engagement tracker"
    page_url, code = CODE.search(mail.body).groups()
    assert page_url == "http://localhost/password/reset"

    assert visitor.post("/password/reset", {"code": code}).headers["Location"] == "/password/reset/new"
    assert "Choose a new password for lead@north.example" in text(visitor.get("/password/reset/new"))
    weak = visitor.post("/password/reset/new", {"password": "password1234", "confirm": "password1234"})
    assert "Password is too common" in text(weak)  # the same rules as everywhere
    done = visitor.post("/password/reset/new", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                        follow_redirects=True)
    assert "Your password is changed and you are signed out everywhere." in text(done)
    assert visitor.post("/sign-in", {"email": "lead@north.example", "password": PASSWORD}).status_code == 200
    assert visitor.post("/sign-in", {"email": "lead@north.example", "password": NEW_PASSWORD}).status_code == 302
    again = Browser(app.test_client())
    assert "This link has expired or has been used" in text(again.post("/password/reset", {"code": code}))
    assert "/password/reset/new" in visitor.seen and not [url for url in visitor.seen if code in url]
    assert actions("lead@north.example") == ["request-password-reset", "reset-password"]


def test_a_reset_link_expires_after_an_hour_and_a_reset_ends_every_session(app, two_partners, mailbox, clock):
    elsewhere = signed_in(app, "lead@north.example")
    Browser(app.test_client()).post("/password/forgotten", {"email": "lead@north.example"})
    _, code = CODE.search(mailbox.received[0].body).groups()
    clock.move_to(NOW + timedelta(minutes=61))
    late = Browser(app.test_client())
    assert "This link has expired or has been used" in text(late.post("/password/reset", {"code": code}))
    clock.move_to(NOW + timedelta(minutes=62))
    Browser(app.test_client()).post("/password/forgotten", {"email": "lead@north.example"})
    _, fresh = CODE.search(mailbox.received[-1].body).groups()
    visitor = Browser(app.test_client())
    visitor.post("/password/reset", {"code": fresh})
    assert visitor.post("/password/reset/new", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert elsewhere.get("/users/").status_code == 302  # signed out there


def test_a_second_reset_email_waits_two_minutes_so_no_one_can_flood_an_inbox(app, two_partners, mailbox):
    visitor = Browser(app.test_client())
    for _ in range(3):
        visitor.post("/password/forgotten", {"email": "lead@north.example"})
    assert len(mailbox.received) == 1


def test_without_email_set_up_the_page_says_a_link_cannot_be_sent(app, two_partners):
    page = text(Browser(app.test_client()).get("/password/forgotten"))
    assert "The tracker cannot send emails yet" in page and "Send the link" not in page
