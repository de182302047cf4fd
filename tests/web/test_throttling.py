"""Throttling that protects without locking people out: throttled attempts are not counted, the
account's delay ends on its own, and the client address comes from X-Forwarded-For only through
TRUSTED_PROXIES."""
from __future__ import annotations

import html
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from tracker import create_app
from tracker.accounts.signin import MAX_PER_ACCOUNT, WINDOW, claim_check, settle
from tracker.extensions import db
from tracker.models import SignInAttempt, SignInThrottle

from .conftest import PASSWORD, Browser

LEAD = "lead@north.example"
WRONG = "not-the-right-password-1"
TOO_MANY = "Too many attempts to sign in. Wait 15 minutes and try again."
T0 = datetime(2026, 11, 24, 9, 0)


def sign_in(browser, email=LEAD, password=PASSWORD, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return browser.post("/sign-in", {"email": email, "password": password}, form_url="/sign-in", headers=headers)


def failures(email=LEAD) -> int:
    return db.session.scalar(select(func.count()).select_from(SignInAttempt)
                             .where(SignInAttempt.email == email, SignInAttempt.succeeded.is_(False)))


def test_five_checks_per_account_per_window_and_the_window_ends_on_its_own(session):
    for n in range(MAX_PER_ACCOUNT):
        claim = claim_check(LEAD, f"192.0.2.{n}", T0 + timedelta(minutes=n))
        assert claim is not None
        settle(claim, LEAD, f"192.0.2.{n}", T0, succeeded=False)
    for minutes in (5, 10, 14):  # refused, and refusing does not move the window on
        assert claim_check(LEAD, "192.0.2.99", T0 + timedelta(minutes=minutes)) is None
    assert claim_check(LEAD, "192.0.2.99", T0 + WINDOW + timedelta(seconds=1)) is not None


def test_a_successful_sign_in_frees_the_account(session):
    for _ in range(MAX_PER_ACCOUNT - 1):
        settle(claim_check(LEAD, "192.0.2.1", T0), LEAD, "192.0.2.1", T0, succeeded=False)
    settle(claim_check(LEAD, "192.0.2.1", T0), LEAD, "192.0.2.1", T0, succeeded=True)
    assert all(claim_check(LEAD, "192.0.2.1", T0) is not None for _ in range(MAX_PER_ACCOUNT))


def test_throttled_attempts_are_not_recorded_as_failures_so_the_real_user_gets_back_in(app, two_partners):
    browser = Browser(app.test_client())
    for _ in range(5):
        assert sign_in(browser, password=WRONG).status_code == 200
    for _ in range(10):
        refused = sign_in(browser, password=WRONG)
        assert refused.status_code == 429 and TOO_MANY in html.unescape(refused.get_data(as_text=True))
    assert failures() == 5
    assert sign_in(browser).status_code == 429
    db.session.execute(update(SignInThrottle).values(window_start=SignInThrottle.window_start - WINDOW))
    db.session.commit()
    assert sign_in(browser).status_code == 302  # fifteen minutes on, with no one having to unlock it


def proxied_app(app, hops: int):
    return create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "SECRET_KEY": secrets.token_hex(32), "TRUSTED_PROXIES": hops})


def test_behind_a_trusted_proxy_the_client_address_is_the_one_the_proxy_saw(app, two_partners):
    behind_proxy = Browser(proxied_app(app, 1).test_client())
    for n in range(20):
        assert sign_in(behind_proxy, f"guess{n}@north.example", WRONG, forwarded_for="198.51.100.7").status_code == 200
    assert sign_in(behind_proxy, forwarded_for="198.51.100.7").status_code == 429
    assert sign_in(behind_proxy, forwarded_for="198.51.100.8").status_code == 302  # the rest of the school
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt)
                             .where(SignInAttempt.address == "198.51.100.7")) == 20


def test_without_trusted_proxies_a_forged_x_forwarded_for_is_ignored(app, two_partners):
    direct = Browser(proxied_app(app, 0).test_client())
    for n in range(20):
        assert sign_in(direct, f"guess{n}@north.example", WRONG, forwarded_for=f"203.0.113.{n}").status_code == 200
    assert sign_in(direct, forwarded_for="203.0.113.200").status_code == 429
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt)
                             .where(SignInAttempt.address.like("203.0.113.%"))) == 0
