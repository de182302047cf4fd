"""A review date wants a partnership meeting in the 42 days before it."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.meetings import Review, covered, uncovered

REVIEW = date(2023, 6, 22)


def test_a_meeting_42_days_before_covers_the_review_and_43_days_does_not():
    assert covered(REVIEW, [REVIEW - timedelta(days=42)])
    assert not covered(REVIEW, [REVIEW - timedelta(days=43)])
    assert not covered(REVIEW, [REVIEW])  # on the day is too late to prepare
    assert covered(REVIEW, [REVIEW - timedelta(days=1)])


def test_only_review_dates_from_today_on_are_warned_about():
    reviews = [Review(3, "specialist", 1, date(2022, 11, 24)), Review(3, "specialist", 2, REVIEW)]
    assert uncovered(reviews, [], date(2023, 1, 1)) == [reviews[1]]
    assert uncovered(reviews, [date(2023, 6, 1)], date(2023, 1, 1)) == []


@given(st.integers(-100, 100))
def test_covered_means_within_the_42_days_before(offset):
    assert covered(REVIEW, [REVIEW + timedelta(days=offset)]) == (-42 <= offset < 0)
