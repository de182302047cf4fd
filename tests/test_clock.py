"""One clock: tracker/clock.py gives today and now to the pages, the command line and the audit."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from tracker import create_app
from tracker.clock import now, today
from tracker.extensions import db
from tracker.imports.kinds import sample_kinds

from . import clock as suite_clock
from .clock import suite_env
from .conftest import EXAMPLES

TRACKER = Path(__file__).resolve().parents[1] / "tracker"
WALL_CLOCK = re.compile(r"date\.today\(|datetime\.now\(|datetime\.utcnow\(|utcnow\(|time\.time\(|TRACKER_TODAY")


def test_only_the_clock_and_config_read_the_wall_clock_or_the_today_setting():
    readers = {str(path.relative_to(TRACKER)) for path in TRACKER.rglob("*.py")
               if WALL_CLOCK.search(re.sub(r'""".*?"""', "", path.read_text(), flags=re.S))}
    assert readers == {"clock.py", "config.py"}


def test_tracker_today_is_read_into_the_today_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_TODAY", "2023-03-01")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "t.db")})
    with app.app_context():
        assert today() == date(2023, 3, 1)
    monkeypatch.delenv("TRACKER_TODAY")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "t.db")})
    with app.app_context():
        assert today() == date.today()


def test_today_is_the_real_date_outside_an_app_and_now_is_utc_without_a_zone():
    assert today() == date.today()
    assert now().tzinfo is None
    assert abs(now() - datetime.utcnow()) < timedelta(seconds=5)  # noqa: DTZ003


def test_the_command_line_takes_today_from_the_same_setting_as_the_pages(app, session, monkeypatch):
    runner = app.test_cli_runner()
    for kind in sample_kinds():
        assert runner.invoke(args=["import", kind.name, str(EXAMPLES / f"{kind.name}.csv")]).exit_code == 0
    monkeypatch.setitem(app.config, "TODAY", "2023-11-20")
    result = runner.invoke(args=["engagement"])
    db.session.expire_all()
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (EXAMPLES / "engagement-2023-11-20.csv").read_bytes()


def test_every_test_runs_on_the_suites_day_whatever_the_machine_says(app):
    # tests/clock.py: time-machine holds this process at the suite's NOW (the clock ticking), so the
    # pages, the command line and the audit work on 24 November 2026 on any day the suite is run
    with app.app_context():
        assert today() == suite_clock.TODAY
        assert abs(now() - suite_clock.NOW.replace(tzinfo=None)) < timedelta(minutes=5)


def test_a_test_that_needs_another_day_says_which(app, clock):
    clock.move_to(datetime(2031, 2, 3, 12, 0, tzinfo=timezone.utc))
    with app.app_context():
        assert today() == date(2031, 2, 3)
    assert suite_env({})["TRACKER_TODAY"] == "2026-11-24"  # the processes the suite starts work on its day
    assert suite_env({"TRACKER_TODAY": "2023-03-01"})["TRACKER_TODAY"] == "2023-03-01"
