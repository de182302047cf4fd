"""The two date limits on evidence: not after today, not before the cohort started."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.facts import before_start, dated_before_start, dated_in_future, start_moved_past_evidence


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(-400, 400))
def test_evidence_counts_from_the_start_day_itself(start, offset):
    day = start + timedelta(days=offset)
    assert dated_before_start(day, start) == (offset < 0)
    assert not dated_before_start(start, start)


def test_the_words_name_the_day_the_cohort_and_its_start():
    assert before_start(date(2022, 9, 30), 3, date(2022, 10, 1)) == "2022-09-30 is before cohort 3 started (2022-10-01)"


def test_a_start_moves_only_past_no_evidence():
    assert start_moved_past_evidence(3, date(2022, 10, 15), 0) is None
    assert start_moved_past_evidence(3, date(2022, 10, 15), 1) == "1 participant has evidence for cohort 3 dated before 2022-10-15"
    assert start_moved_past_evidence(3, date(2022, 10, 15), 7) == "7 participants have evidence for cohort 3 dated before 2022-10-15"


def test_the_future_rule_is_unchanged():
    assert dated_in_future(date(2026, 11, 25), date(2026, 11, 24))
    assert not dated_in_future(date(2026, 11, 24), date(2026, 11, 24))
