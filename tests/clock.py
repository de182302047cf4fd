"""The suite's clock: every test runs on the same day, whatever day the machine says it is.

The autouse fixture `clock` (tests/conftest.py) moves this process to NOW at the start of each
test with time-machine, the clock ticking from there. The app's pages, the command line run
in-process and the live server of the browser journeys (a thread of this process) all read it, so
they and the test agree on the date and the time. A test that needs another moment says which:
`clock.move_to(...)`, or the app's own as-of parameter (`app.config["TODAY"]`, TRACKER_TODAY) for
the date statuses are worked out for.

A process the suite starts (gunicorn, the command line) cannot see time-machine: `suite_env` gives
it the suite's date through the app's own parameter, TRACKER_TODAY (tracker/clock.py). Its time of
day stays the machine's, which only it compares with itself (sessions, cookies, tokens). Chromium
needs nothing: it reads a cookie's expiry against the Date header of the response that set it.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)  # a Tuesday morning, far from midnight
TODAY = NOW.date()


def on_the_real_clock(env: dict[str, str]) -> dict[str, str]:
    """`env` without libfaketime, for a process whose waits must run out (a job runner's worker
    waits for work with timeouts): under `faketime ... make test` such waits never return."""
    return {k: v for k, v in env.items() if not (k.startswith("FAKETIME") or (k == "LD_PRELOAD" and "faketime" in v))}


def suite_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment (this process's by default) of a process that works on the suite's date,
    unless it names a date of its own in TRACKER_TODAY."""
    env = dict(os.environ if env is None else env)
    env.setdefault("TRACKER_TODAY", TODAY.isoformat())
    return env
