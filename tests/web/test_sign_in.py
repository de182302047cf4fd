"""Signing in safely: passwords, throttling, invitations, session expiry, cookies and CSRF."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from tracker.extensions import db
from tracker.models import User, UserSession

from .conftest import PASSWORD, Browser, signed_in

LEAD = "lead@north.example"
WRONG = "not-the-right-password-1"
NOT_RIGHT = "Email address or password is not right"
EXPIRED = "You were signed out to keep your data safe. Sign in again to continue."


def visitor(app, address="127.0.0.1") -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


def sign_in(browser: Browser, email=LEAD, password=PASSWORD, url="/sign-in"):
    return browser.post(url, {"email": email, "password": password}, form_url="/sign-in")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# Passwords and the generic message


def test_the_right_password_signs_the_user_in(app, two_partners):
    browser = visitor(app)
    response = sign_in(browser)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Signed in as Lead (NORTH)" in text(browser.get("/", follow_redirects=True))


@pytest.mark.parametrize("email, password", [
    (LEAD, WRONG), ("nobody@north.example", PASSWORD), ("LEAD@north.example", WRONG)])
def test_a_wrong_password_or_unknown_account_gets_the_same_message(app, two_partners, email, password):
    response = sign_in(visitor(app), email, password)
    assert response.status_code == 200
    page = text(response)
    assert NOT_RIGHT in page and "<title>Error: Sign in" in page
    assert "no account" not in page.lower() and "unknown" not in page.lower()


def test_the_email_address_is_matched_whatever_its_case(app, two_partners):
    assert sign_in(visitor(app), "Lead@North.Example").status_code == 302


def test_after_sign_in_the_user_returns_to_the_page_they_asked_for_but_never_to_another_site(app, two_partners):
    assert sign_in(visitor(app), url="/sign-in?next=/users/").headers["Location"] == "/users/"
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "/\t/evil.example/"):
        location = sign_in(visitor(app), url=f"/sign-in?next={elsewhere}").headers["Location"]
        assert location.startswith("/") and not location.startswith("//") and "\\" not in location, location
        assert not urlsplit(location).netloc and "\t" not in location, location


# Throttling: tests/web/test_throttling.py and test_parallel_guesses.py


# Invitations and the password policy


def invite(browser, email, role, partner=""):
    response = browser.post("/users/", {"name": "New Person", "email": email, "role": role, "partner": partner},
                            follow_redirects=True)
    assert response.status_code == 200
    return text(response)


def invitation_code(page: str) -> str:
    match = re.search(r'value="http://localhost/invitations#([A-Za-z0-9_-]+)"', page)
    assert match, "the page shows no invitation link to copy"
    return match.group(1)


def open_invitation(browser, code):
    """What the link's page does with the code after "#": posts it, then goes on to a page without it."""
    return browser.post("/invitations", {"code": code})


def test_an_edt_admin_invites_a_partner_user_who_sets_a_good_password_and_signs_in(app, as_edt_admin):
    page = invite(as_edt_admin, "newlead@south.example", "partner-lead", "SOUTH")
    assert "Invitation created for newlead@south.example" in page
    code = invitation_code(page)
    invitee = visitor(app, "10.0.0.2")
    assert open_invitation(invitee, code).headers["Location"] == "/invitations/password"
    link = "/invitations/password"
    assert "You have been invited as newlead@south.example" in text(invitee.get(link))

    for weak, problem in [("short-pw-1", "Password must be at least 12 characters"),
                          ("password1234", "Password is too common"),
                          ("newlead-password-9", "Password must not contain your email address")]:
        refused = invitee.post(link, {"password": weak, "confirm": weak})
        assert refused.status_code == 200 and problem in text(refused), weak
    mismatch = invitee.post(link, {"password": "a-long-pass-phrase-77", "confirm": "a-long-pass-phrase-78"})
    assert "Passwords must match" in text(mismatch)
    assert sign_in(invitee, "newlead@south.example", "short-pw-1").status_code == 200

    accepted = invitee.post(link, {"password": "a-long-pass-phrase-77", "confirm": "a-long-pass-phrase-77"})
    assert accepted.status_code == 302
    assert sign_in(invitee, "newlead@south.example", "a-long-pass-phrase-77").status_code == 302
    user = db.session.scalar(select(User).where(User.email == "newlead@south.example"))
    assert user.partner.code == "SOUTH" and user.role == "partner-lead"
    used = text(open_invitation(visitor(app), code))  # the link works once
    assert "This invitation has expired or has been used" in used


def test_a_partner_lead_invites_only_for_their_own_partner(app, as_north_lead):
    invite(as_north_lead, "helper@north.example", "facilitator", "SOUTH")
    helper = db.session.scalar(select(User).where(User.email == "helper@north.example"))
    assert helper.partner.code == "NORTH" and helper.role == "facilitator"

    page = invite(as_north_lead, "boss@north.example", "edt-admin")
    assert "Not a valid choice" in page
    assert db.session.scalar(select(User).where(User.email == "boss@north.example")) is None
    users = text(as_north_lead.get("/users/"))
    assert "lead@south.example" not in users and "staff@edt.example" not in users


def test_facilitators_and_edt_staff_cannot_invite(as_facilitator, as_edt_staff):
    assert as_facilitator.get("/users/").status_code == 403
    assert as_edt_staff.get("/users/").status_code == 403


# Sessions


def age_session(browser, **seconds_ago):
    """Moves the server-side session's clock back (the cookie holds no times any more)."""
    now = utc_now()
    columns = {"signed_in_at": "started_at", "last_seen": "last_seen_at"}
    db.session.execute(update(UserSession).values(
        **{columns[key]: now - timedelta(seconds=ago) for key, ago in seconds_ago.items()}))
    db.session.commit()


def test_a_session_idle_for_more_than_thirty_minutes_ends_with_a_message(app, two_partners):
    browser = signed_in(app, LEAD)
    age_session(browser, last_seen=29 * 60)
    assert browser.get("/users/").status_code == 200
    age_session(browser, last_seen=31 * 60)
    response = browser.get("/users/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=/users/")
    assert EXPIRED in text(browser.get(response.headers["Location"]))
    assert browser.get("/users/").status_code == 302  # still signed out


def test_a_session_ends_after_twelve_hours_even_when_active(app, two_partners):
    browser = signed_in(app, LEAD)
    age_session(browser, signed_in_at=12 * 3600 - 60, last_seen=60)
    assert browser.get("/users/").status_code == 200
    age_session(browser, signed_in_at=12 * 3600 + 60, last_seen=60)
    response = browser.get("/users/", follow_redirects=True)
    assert EXPIRED in text(response) and "<h1 class=\"govuk-heading-l\">Sign in</h1>" in text(response)


def test_the_session_cookie_is_http_only_and_same_site(app, two_partners):
    response = sign_in(visitor(app))
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Cache-Control"] == "no-store"


def test_a_post_without_a_csrf_token_is_rejected(app, two_partners):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": LEAD, "password": PASSWORD}).status_code == 400
    browser = signed_in(app, LEAD)
    assert browser.client.post("/sign-out").status_code == 400
    assert browser.client.post("/users/", data={"name": "X", "email": "x@north.example",
                                                "role": "facilitator"}).status_code == 400
    assert db.session.scalar(select(User).where(User.email == "x@north.example")) is None


def test_sign_out_is_a_post_and_ends_the_session(app, two_partners):
    browser = signed_in(app, LEAD)
    assert browser.client.get("/sign-out").status_code == 405
    assert browser.get("/users/").status_code == 200
    token = browser.csrf("/users/")
    response = browser.client.post("/sign-out", data={"csrf_token": token}, follow_redirects=True)
    assert "You have signed out." in text(response)
    assert browser.get("/users/").status_code == 302


# The command line


def test_create_user_on_the_command_line_makes_an_admin_who_can_sign_in(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "First.Admin@edt.example", "--name", "First Admin",
                                 "--role", "edt-admin", "--password", "a-long-admin-phrase-1"])
    assert result.exit_code == 0, result.output
    assert "created edt-admin first.admin@edt.example" in result.output
    browser = visitor(app)
    assert sign_in(browser, "first.admin@edt.example", "a-long-admin-phrase-1").status_code == 302
    assert "Users" in text(browser.get("/users/"))


def test_create_user_on_the_command_line_is_audited(app, session):
    from tracker.models import AuditEvent

    result = app.test_cli_runner().invoke(args=["create-user", "--email", "audited@edt.example", "--name", "A",
                                                "--role", "edt-staff", "--password", "a-long-admin-phrase-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "audited@edt.example"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "user",
                                                       AuditEvent.entity_id == str(user.id)))
    assert (event.actor, event.action) == ("command line", "create")
    assert '"role": "edt-staff"' in event.after


def test_create_user_refuses_a_short_password(app, session):
    result = app.test_cli_runner().invoke(args=["create-user", "--email", "a@edt.example", "--name", "A",
                                                "--role", "edt-admin", "--password", "short"])
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert db.session.scalar(select(User).where(User.email == "a@edt.example")) is None
