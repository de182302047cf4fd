"""Forty password guesses for one account sent at once, from one address, to a real gunicorn with four
workers (behind one trusted proxy, as in production): no more than the free checks are ever made, on
SQLite and on PostgreSQL (whichever the suite runs on); the guesser then waits, and the real user,
signing in from their own address at the same time, gets in."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from tracker.accounts.signin import FREE_CHECKS
from tracker.extensions import db
from tracker.models import SignInAttempt

from ..served import serve_env, served
from .conftest import PASSWORD

LEAD = "lead@north.example"
GUESSES = 40
ATTACKER, REAL_USER = "198.51.100.66", "192.0.2.10"


def prepared_client(base: str, address: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60, headers={"X-Forwarded-For": address})
    page = client.get("/sign-in").text
    return client, re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_parallel_guesses_are_held_to_the_free_checks_while_the_real_user_signs_in(app, two_partners):
    env = serve_env(app.config["SQLALCHEMY_DATABASE_URI"], WEB_CONCURRENCY="4", TRUSTED_PROXIES="1")
    with served(env) as (base, _):
        clients = [prepared_client(base, ATTACKER) for _ in range(GUESSES)]
        real_user, real_token = prepared_client(base, REAL_USER)
        start = threading.Barrier(GUESSES + 1)

        def guess(n):
            client, token = clients[n]
            start.wait()
            return client.post("/sign-in", data={"csrf_token": token, "email": LEAD,
                                                 "password": f"wrong-guess-number-{n}"}).status_code

        def sign_in_for_real():
            start.wait()
            return real_user.post("/sign-in", data={"csrf_token": real_token, "email": LEAD,
                                                    "password": PASSWORD}).status_code

        with ThreadPoolExecutor(GUESSES + 1) as pool:
            real = pool.submit(sign_in_for_real)
            codes = list(pool.map(guess, range(GUESSES)))
            real_code = real.result()
        client, token = prepared_client(base, ATTACKER)
        right_from_attacker = client.post("/sign-in", data={"csrf_token": token, "email": LEAD,
                                                            "password": PASSWORD}).status_code
        client, token = prepared_client(base, REAL_USER)
        right_again = client.post("/sign-in", data={"csrf_token": token, "email": LEAD,
                                                    "password": PASSWORD}).status_code
        for c, _ in clients:
            c.close()
    assert sorted(set(codes)) == [200, 429], codes
    assert codes.count(200) == FREE_CHECKS
    checked = db.session.scalar(select(func.count()).select_from(SignInAttempt)
                                .where(SignInAttempt.email == LEAD, SignInAttempt.address == ATTACKER))
    assert checked == FREE_CHECKS
    assert real_code == 302 and right_again == 302  # the real user, from their own address, is never held up
    assert right_from_attacker == 429  # from the guesser's address even the right password waits its turn
