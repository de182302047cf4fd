"""Partnership meetings against review dates: each review date wants a meeting in the 42 days before it.

A review date R is covered by a meeting on a day m with R - 42 days <= m < R (the meeting is where
the DP raises who is due soon). Only review dates on or after `today` are checked: a past one can
no longer be prepared for.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

LEAD_DAYS = 42


@dataclass(frozen=True)
class Review:
    cohort: int
    course_group: str
    output: int
    review_date: date


def covered(review_date: date, meetings: list[date]) -> bool:
    return any(review_date - timedelta(days=LEAD_DAYS) <= m < review_date for m in meetings)


def uncovered(reviews: list[Review], meetings: list[date], today: date) -> list[Review]:
    """The review dates from today on with no meeting in the 42 days before them, in date order."""
    return sorted((r for r in reviews if r.review_date >= today and not covered(r.review_date, meetings)),
                  key=lambda r: (r.review_date, r.cohort, r.course_group, r.output))
