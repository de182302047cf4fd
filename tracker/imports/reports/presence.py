"""Minutes present: the union of join-leave intervals (FORMATS.md section 9.2).

A person's presence is the union of their intervals, never a sum: two devices at once, or a
Teams identity and a guest identity of the same person, count once. Zoom's rounded-up
`Duration (minutes)` and Teams' section 2 totals are never added up; the times are.
Intervals are clipped to the meeting's span as the report gives it, so nobody is present
longer than the meeting lasted. Intervals that touch (a leave at 10:00:00 and a rejoin at
10:00:00) merge into one.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, order=True)
class Interval:
    """From a join to a leave, both local wall-clock times as the report writes them."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> int:
        return max(0, int((self.end - self.start).total_seconds()))


def merged(intervals: Iterable[Interval], within: Interval | None = None) -> tuple[Interval, ...]:
    """The union of the intervals, clipped to `within` when given, as disjoint intervals in order;
    empty intervals (and those wholly outside `within`) are left out."""
    clipped = []
    for interval in intervals:
        start, end = interval.start, interval.end
        if within is not None:
            start, end = max(start, within.start), min(end, within.end)
        if end > start:
            clipped.append(Interval(start, end))
    union: list[Interval] = []
    for interval in sorted(clipped):
        if union and interval.start <= union[-1].end:
            if interval.end > union[-1].end:
                union[-1] = Interval(union[-1].start, interval.end)
        else:
            union.append(interval)
    return tuple(union)


def seconds_present(intervals: Iterable[Interval], within: Interval | None = None) -> int:
    """Seconds covered by the union of the intervals (clipped to `within` when given)."""
    return sum(interval.seconds for interval in merged(intervals, within))


def whole_minutes(seconds: int) -> int:
    """Minutes present are counted down: 29 min 59 s is 29 minutes, never rounded up to pass a
    minimum (Zoom rounds each row up; the tracker does the opposite)."""
    return seconds // 60
