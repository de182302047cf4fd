"""Throttling that an attacker cannot turn against a real user: wrong passwords count per account
AND address, with delays that grow (1, 2, 4 ... minutes, at most 15), not a lockout; a far higher
count per address across accounts slows credential stuffing; a right password from an address with
no recent failures for that account always works. The client address comes from X-Forwarded-For
only through TRUSTED_PROXIES."""
from __future__ import annotations

import html
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from tracker import create_app
from tracker.accounts.signin import (
    ADDRESS_FREE_CHECKS, FIRST_DELAY, FORGET_AFTER, FREE_CHECKS, MOST_DELAY, Claim, Refused, claim_check,
    delay_after, settle,
)
from tracker.extensions import db
from tracker.models import SignInAttempt

from ..clock import NOW
from .conftest import PASSWORD, Browser

LEAD = "lead@north.example"
WRONG = "not-the-right-password-1"
T0 = datetime(2026, 11, 24, 9, 0)
ATTACKER, REAL_USER = "198.51.100.66", "192.0.2.10"


def sign_in(browser, email=LEAD, password=PASSWORD, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return browser.post("/sign-in", {"email": email, "password": password}, form_url="/sign-in", headers=headers)


def visitor(app, address) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def fail(email, address, at):
    claim = claim_check(email, address, at)
    assert isinstance(claim, Claim), (email, address, at, claim)
    settle(claim, email, address, at, succeeded=False)
    db.session.commit()


def test_the_delays_double_from_one_minute_and_stop_at_fifteen():
    assert [delay_after(n, FREE_CHECKS) for n in range(FREE_CHECKS)] == [timedelta(0)] * FREE_CHECKS
    assert [delay_after(FREE_CHECKS + n, FREE_CHECKS) // FIRST_DELAY for n in range(6)] == [1, 2, 4, 8, 15, 15]
    assert delay_after(10_000, FREE_CHECKS) == MOST_DELAY


def test_after_the_free_failures_each_check_waits_longer_and_the_count_is_forgotten_after_an_hour(session):
    for _ in range(FREE_CHECKS - 1):
        fail(LEAD, ATTACKER, T0)
    fail(LEAD, ATTACKER, T0)  # the fifth: the next waits a minute
    refused = claim_check(LEAD, ATTACKER, T0 + timedelta(seconds=30))
    assert refused == Refused(T0 + timedelta(minutes=1))
    fail(LEAD, ATTACKER, T0 + timedelta(minutes=1))  # a refused attempt did not push the wait on
    assert claim_check(LEAD, ATTACKER, T0 + timedelta(minutes=2, seconds=59)) == Refused(T0 + timedelta(minutes=3))
    fail(LEAD, ATTACKER, T0 + timedelta(minutes=3))
    assert isinstance(claim_check(LEAD, ATTACKER, T0 + timedelta(minutes=6)), Refused)
    later = T0 + timedelta(minutes=3) + FORGET_AFTER + timedelta(seconds=1)
    for n in range(FREE_CHECKS):  # an hour after the last failure, the count starts again
        fail(LEAD, ATTACKER, later + timedelta(seconds=n))


def test_failures_from_one_address_never_hold_up_the_account_from_another(session):
    for _ in range(FREE_CHECKS):
        fail(LEAD, ATTACKER, T0)
    assert isinstance(claim_check(LEAD, ATTACKER, T0 + timedelta(seconds=30)), Refused)
    assert isinstance(claim_check(LEAD, REAL_USER, T0 + timedelta(seconds=30)), Claim)


def test_a_right_password_clears_the_count_for_that_account_and_address(session):
    for _ in range(FREE_CHECKS - 1):
        fail(LEAD, REAL_USER, T0)
    settle(claim_check(LEAD, REAL_USER, T0), LEAD, REAL_USER, T0, succeeded=True)
    db.session.commit()
    for _ in range(FREE_CHECKS):
        fail(LEAD, REAL_USER, T0)


def test_an_attackers_guesses_are_slowed_and_the_real_user_signs_in_from_their_own_address(app, two_partners):
    attacker, real_user = visitor(app, ATTACKER), visitor(app, REAL_USER)
    for _ in range(FREE_CHECKS):
        assert sign_in(attacker, password=WRONG).status_code == 200
    refused = sign_in(attacker, password=WRONG)
    assert refused.status_code == 429
    assert "Too many attempts to sign in to this account from here. Wait 1 minute and try again." in text(refused)
    assert sign_in(attacker).status_code == 429  # even the right password waits, from the attacker's address
    assert sign_in(real_user).status_code == 302  # the real user is not locked out
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt)
                             .where(SignInAttempt.email == LEAD, SignInAttempt.succeeded.is_(False))) == FREE_CHECKS


def test_a_real_user_who_mistypes_waits_a_minute_then_gets_in(app, two_partners, clock):
    real_user = visitor(app, REAL_USER)
    for _ in range(FREE_CHECKS):
        sign_in(real_user, password=WRONG)
    assert sign_in(real_user).status_code == 429
    clock.move_to(NOW + timedelta(minutes=2))  # a minute after the fifth mistake (the clock ticks)
    assert sign_in(real_user).status_code == 302


def test_stuffing_from_one_address_is_slowed_but_not_for_people_who_sign_in_from_it(app, two_partners):
    db.session.add(SignInAttempt(email="staff@edt.example", address=ATTACKER, at=NOW.replace(tzinfo=None)
                                 - timedelta(days=3), succeeded=True))  # signs in from here most days
    db.session.commit()
    at = NOW.replace(tzinfo=None)
    for n in range(ADDRESS_FREE_CHECKS):
        fail(f"guess{n}@north.example", ATTACKER, at)
    stuffer = visitor(app, ATTACKER)
    assert sign_in(stuffer, "guess-next@north.example", WRONG).status_code == 429
    assert sign_in(stuffer, "staff@edt.example").status_code == 302  # known here: not held up
    assert sign_in(visitor(app, REAL_USER)).status_code == 302  # and nobody elsewhere is


def proxied_app(app, hops: int):
    return create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "SECRET_KEY": secrets.token_hex(32), "TRUSTED_PROXIES": hops})


def test_behind_a_trusted_proxy_the_client_address_is_the_one_the_proxy_saw(app, two_partners):
    behind_proxy = Browser(proxied_app(app, 1).test_client())
    for _ in range(FREE_CHECKS):
        assert sign_in(behind_proxy, password=WRONG, forwarded_for=ATTACKER).status_code == 200
    assert sign_in(behind_proxy, forwarded_for=ATTACKER).status_code == 429
    assert sign_in(behind_proxy, forwarded_for=REAL_USER).status_code == 302  # the rest of the world
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt)
                             .where(SignInAttempt.address == ATTACKER)) == FREE_CHECKS


def test_without_trusted_proxies_a_forged_x_forwarded_for_is_ignored(app, two_partners):
    direct = Browser(proxied_app(app, 0).test_client())
    for n in range(FREE_CHECKS):
        assert sign_in(direct, password=WRONG, forwarded_for=f"203.0.113.{n}").status_code == 200
    assert sign_in(direct, forwarded_for="203.0.113.200").status_code == 429  # one address: the direct client's
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt)
                             .where(SignInAttempt.address.like("203.0.113.%"))) == 0
