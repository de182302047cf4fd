"""The one clock: today's date and the current time, for the pages, the command line and the audit.

The TODAY setting (TRACKER_TODAY in the environment, read by config.py) fixes the date the tracker
takes for today; without it, today is the real date. Nothing else reads the wall clock.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import current_app, has_app_context


def today() -> date:
    """The date statuses, escalation and "nothing in the future" are worked out for."""
    fixed = current_app.config.get("TODAY") if has_app_context() else None
    if isinstance(fixed, str):
        return date.fromisoformat(fixed)
    return fixed or date.today()


def now() -> datetime:
    """The current time in UTC, without a time zone, as the database stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def seconds() -> float:
    """The current time as seconds since the epoch, for the session's idle and absolute limits."""
    return now().replace(tzinfo=timezone.utc).timestamp()
