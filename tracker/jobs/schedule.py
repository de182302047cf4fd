"""When Huey's scheduler next runs each of its periodic tasks (runner.SCHEDULE), for the jobs page.

Huey's crontab is a test of a minute, not a list of times: the next run is the first minute from
now that passes it, looked for up to LOOK_AHEAD ahead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .runner import SCHEDULE, huey

LOOK_AHEAD = timedelta(days=35)


@dataclass(frozen=True)
class Next:
    label: str
    at: datetime | None  # UTC; None when not within LOOK_AHEAD


def next_runs(now: datetime) -> list[Next]:
    """Each scheduled task and its next run after `now` (UTC), soonest first."""
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    found = []
    for task in huey._registry.periodic_tasks:
        if task.name in SCHEDULE:
            found.append(Next(SCHEDULE[task.name], _first(task, start)))
    return sorted(found, key=lambda n: (n.at is None, n.at or start, n.label))


def _first(task, start: datetime) -> datetime | None:
    minute, last = start, start + LOOK_AHEAD
    while minute <= last:
        if task.validate_datetime(minute):
            return minute
        minute += timedelta(minutes=1)
    return None
