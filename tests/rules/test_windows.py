"""Behind on a block: its window closed, its total known, and under 90% of it."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.outputs import credits_needed
from tracker.rules.windows import Behind, Window, behind

CLOSES = date(2022, 3, 31)
WINDOWS = [Window(1, date(2021, 11, 1), date(2021, 12, 31)), Window(2, date(2022, 1, 1), CLOSES)]


def test_behind_on_block_2_once_its_window_has_closed():
    earned = {1: 46, 2: 20}
    totals = {1: 46, 2: 43}
    assert behind(WINDOWS, totals, earned, CLOSES) == []  # closes that day: not yet
    assert behind(WINDOWS, totals, earned, date(2022, 4, 1)) == [Behind(2, 20, 43, CLOSES)]


def test_nobody_is_behind_without_windows_or_on_a_block_whose_total_is_tbc():
    assert behind([], {1: 46}, {}, date(2030, 1, 1)) == []
    assert behind(WINDOWS, {1: 46, 2: None}, {1: 46}, date(2030, 1, 1)) == []


@given(st.integers(1, 300), st.integers(0, 300))
def test_the_90_percent_line_is_the_final_outputs_integer_rule(total, score):
    score = min(score, total)
    found = behind([Window(1, date(2022, 1, 1), date(2022, 2, 1))], {1: total}, {1: score}, date(2022, 3, 1))
    assert (found == []) == (score >= credits_needed(total))


def test_the_reports_expected_progress_is_the_share_of_credits_in_closed_windows():
    from tracker.reports.partnership import expected_by_windows

    windows = [Window(1, date(2022, 10, 1), date(2022, 12, 16)), Window(2, date(2022, 12, 17), date(2023, 3, 31))]
    assert expected_by_windows(windows, {1: 46, 2: 41}, 199, date(2022, 12, 16)) == 0
    assert expected_by_windows(windows, {1: 46, 2: 41}, 199, date(2022, 12, 17)) == 23
    assert expected_by_windows(windows, {1: 46, 2: 41}, 199, date(2023, 4, 1)) == 44
    assert expected_by_windows(windows, {1: 46, 2: None}, 199, date(2023, 4, 1)) is None
