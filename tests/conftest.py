"""Shared fixtures: a real database built by the migrations, SQLite or PostgreSQL.

TEST_DATABASE_URL chooses the database (make test runs the suite once on each);
without it the suite uses a temporary SQLite file.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import time_machine

# the runner's queue for this run: TEST_JOBS_URL (a real Redis, which `make test-postgres` starts), else a
# queue file of its own (jobs run at once in-process unless a test starts workers)
os.environ["JOBS_URL"] = (os.environ.get("TEST_JOBS_URL")
                          or f"sqlite:///{os.environ.get('TMPDIR', '/tmp')}/tracker-test-jobs-{os.getpid()}.db")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.jobs.runner import huey  # noqa: E402
from tracker.reference.loader import load_reference  # noqa: E402

from . import clock as suite_clock  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "examples"
if not EXAMPLES.exists():
    EXAMPLES = Path(__file__).parent / "data" / "examples"

# Tables that hold reference data survive between tests; everything else is emptied.
KEEP = {"alembic_version", "course", "block", "activity", "cohort", "schedule_output"}


def _url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "tracker.db")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _url(tmp_path_factory)
    os.environ["DATABASE_URL"] = url
    # TODAY: None, so that a TRACKER_TODAY left in the shell (for `make run`) does not move the
    # suite off its own day (tests/clock.py)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True,
                      "RATELIMIT_ENABLED": True, "SECRET_KEY": "test-secret", "TODAY": None})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        load_reference()
        db.session.commit()
    huey.immediate = True  # jobs run at once in the test's own process; tests/jobs start real workers
    return app


@pytest.fixture()
def session(app):
    """An app context over a database holding only the reference data."""
    with app.app_context():
        yield db.session
        db.session.rollback()
        _empty_evidence()


def _empty_evidence():
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP]
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())


@pytest.fixture()
def cli(app, session):
    """Run a `flask` command through Flask's CLI runner (stdout and stderr apart), then read
    the database afresh."""
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=[str(a) for a in args])
        db.session.expire_all()
        return result

    return run


@pytest.fixture(autouse=True)
def clock():
    """Every test starts at the suite's NOW (tests/clock.py), whatever the machine's date; the
    clock ticks from there. `clock.move_to(...)` takes a test to another moment."""
    with time_machine.travel(suite_clock.NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture()
def today() -> date:
    return suite_clock.TODAY
