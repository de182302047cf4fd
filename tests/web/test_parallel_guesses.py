"""Forty password guesses sent at once to a real gunicorn with four workers: no more than the
limit are ever checked, on SQLite and on PostgreSQL (whichever the suite runs on)."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from tracker.accounts.signin import MAX_PER_ACCOUNT
from tracker.extensions import db
from tracker.models import SignInAttempt

from ..served import serve_env, served
from .conftest import PASSWORD

LEAD = "lead@north.example"
GUESSES = 40


def prepared_client(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/sign-in").text
    return client, re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_parallel_guesses_check_no_more_passwords_than_the_limit(app, two_partners):
    with served(serve_env(app.config["SQLALCHEMY_DATABASE_URI"], WEB_CONCURRENCY="4")) as (base, _):
        clients = [prepared_client(base) for _ in range(GUESSES)]
        start = threading.Barrier(GUESSES)

        def guess(n):
            client, token = clients[n]
            start.wait()
            return client.post("/sign-in", data={"csrf_token": token, "email": LEAD,
                                                 "password": f"wrong-guess-number-{n}"}).status_code

        with ThreadPoolExecutor(GUESSES) as pool:
            codes = list(pool.map(guess, range(GUESSES)))
        client, token = prepared_client(base)
        right = client.post("/sign-in", data={"csrf_token": token, "email": LEAD, "password": PASSWORD}).status_code
        for c, _ in clients:
            c.close()
    assert sorted(set(codes)) == [200, 429], codes
    assert codes.count(200) == MAX_PER_ACCOUNT
    checked = db.session.scalar(select(func.count()).select_from(SignInAttempt).where(SignInAttempt.email == LEAD))
    assert checked == MAX_PER_ACCOUNT
    assert right == 429  # until the window ends (tests/web/test_throttling.py shows that it does)
