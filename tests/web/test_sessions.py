"""Sessions that end: a cookie copied to another browser stops working when its session ends,
whether by signing out, a password change, deactivation or an EDT admin signing the user out everywhere."""
from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from tracker.extensions import db
from tracker.models import User, UserSession

from .conftest import PASSWORD, Browser, signed_in

LEAD = "lead@north.example"
EXPIRED = "You were signed out to keep your data safe. Sign in again to continue."


def copy_of(app, browser: Browser) -> Browser:
    """Another browser given a copy of this one's session cookie (same address and user agent)."""
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    thief = Browser(app.test_client())
    thief.client.set_cookie("session", cookie.value)
    return thief


def can_open_users_page(browser: Browser) -> bool:
    response = browser.get("/users/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in")
        return False
    assert response.status_code == 200
    return True


def sessions_of(email) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).join(User).where(User.email == email))


def test_a_copied_cookie_works_until_sign_out_and_never_after(app, two_partners):
    browser = signed_in(app, LEAD)
    thief = copy_of(app, browser)
    assert can_open_users_page(thief)
    token = browser.csrf("/users/")
    assert browser.client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert not can_open_users_page(thief)
    assert not can_open_users_page(thief)  # replaying it again is no better
    assert sessions_of(LEAD) == 0


def test_signing_out_on_one_device_leaves_the_users_other_sessions_alone(app, two_partners):
    laptop, phone = signed_in(app, LEAD), signed_in(app, LEAD)
    laptop.client.post("/sign-out", data={"csrf_token": laptop.csrf("/users/")})
    assert can_open_users_page(phone) and not can_open_users_page(laptop)


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, two_partners):
    browser = signed_in(app, LEAD)
    other_device = signed_in(app, LEAD)
    thief = copy_of(app, browser)
    response = browser.post("/account/password", {"current": PASSWORD, "password": "a-brand-new-pass-phrase-81",
                                                  "confirm": "a-brand-new-pass-phrase-81"})
    assert response.status_code == 302
    assert can_open_users_page(browser)
    assert not can_open_users_page(thief)  # the copy was of the old session, which has ended
    assert not can_open_users_page(other_device)
    assert sessions_of(LEAD) == 1


def test_a_password_change_needs_the_current_password_and_a_strong_new_one(app, two_partners):
    browser = signed_in(app, LEAD)
    wrong = browser.post("/account/password", {"current": "not-my-password-99", "password": "a-brand-new-pass-phrase-81",
                                               "confirm": "a-brand-new-pass-phrase-81"})
    page = html.unescape(wrong.get_data(as_text=True))
    assert wrong.status_code == 200 and "Your current password is not right" in page and 'href="#current"' in page
    weak = browser.post("/account/password", {"current": PASSWORD, "password": "password1234",
                                              "confirm": "password1234"})
    assert "Password is too common" in html.unescape(weak.get_data(as_text=True))
    assert signed_in(app, LEAD)  # the old password still works


def test_deactivating_a_user_ends_their_sessions_at_once(app, as_edt_admin):
    lead = signed_in(app, LEAD)
    thief = copy_of(app, lead)
    user_id = db.session.scalar(select(User.id).where(User.email == LEAD))
    response = as_edt_admin.post(f"/users/{user_id}/deactivate", {}, form_url=f"/users/{user_id}")
    assert response.status_code == 302
    assert not can_open_users_page(lead) and not can_open_users_page(thief)
    refused = lead.post("/sign-in", {"email": LEAD, "password": PASSWORD})
    assert refused.status_code == 200 and "Email address or password is not right" in html.unescape(
        refused.get_data(as_text=True))


def test_an_edt_admin_signs_a_user_out_everywhere(app, as_edt_admin):
    laptop, phone = signed_in(app, LEAD), signed_in(app, LEAD)
    user_id = db.session.scalar(select(User.id).where(User.email == LEAD))
    page = html.unescape(as_edt_admin.get(f"/users/{user_id}").get_data(as_text=True))
    assert "Sign out everywhere" in page
    response = as_edt_admin.post(f"/users/{user_id}/sign-out", {}, form_url=f"/users/{user_id}", follow_redirects=True)
    assert "is signed out everywhere. Sessions ended: 2." in html.unescape(response.get_data(as_text=True))
    assert not can_open_users_page(laptop) and not can_open_users_page(phone)
    assert signed_in(app, LEAD)  # they may sign in again


def test_only_edt_admins_sign_people_out_everywhere(app, as_north_lead):
    user_id = db.session.scalar(select(User.id).where(User.email == "facilitator@north.example"))
    assert "Sign out everywhere" not in as_north_lead.get(f"/users/{user_id}").get_data(as_text=True)
    token = as_north_lead.csrf(f"/users/{user_id}")
    assert as_north_lead.client.post(f"/users/{user_id}/sign-out", data={"csrf_token": token}).status_code == 403


def test_a_copied_cookie_from_another_address_or_browser_is_refused_and_ends_the_session(app, two_partners):
    """Session protection holds for permanent sessions (Flask-Login's "strong" mode does not)."""
    browser = signed_in(app, LEAD)
    elsewhere = copy_of(app, browser)
    elsewhere.client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert not can_open_users_page(elsewhere)
    assert not can_open_users_page(browser)  # the stolen session is over for both
    other_browser = copy_of(app, signed_in(app, LEAD))
    other_browser.client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Elsewhere)"
    assert not can_open_users_page(other_browser)


def test_the_cookie_is_permanent_and_renewing_it_does_not_extend_the_twelve_hours(app, two_partners):
    browser = signed_in(app, LEAD)
    cookie = browser.client.get_cookie("session")
    assert cookie.expires is not None  # a permanent session
    started = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(hours=12, minutes=1)
    db.session.execute(update(UserSession).values(started_at=started))
    db.session.commit()
    thief = copy_of(app, browser)
    response = thief.get("/users/", follow_redirects=True)
    assert EXPIRED in html.unescape(response.get_data(as_text=True))
    assert not can_open_users_page(browser)
