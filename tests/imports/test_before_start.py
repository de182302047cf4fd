"""Evidence dated before the participant's cohort started is refused by every importer (INTERCHANGE.md)."""
from __future__ import annotations

import pytest

from .helpers import ASSESSMENTS, ATTENDANCE, CREDITS, VIDEO_VIEWS, lines, run_bytes, snapshot

pytestmark = pytest.mark.usefixtures("people")

CASES = [
    ("credits", CREDITS, "{ref},1,Diagnostic Assessment for Block 1,,{day},platform", "completed_on"),
    ("attendance", ATTENDANCE, "{ref},1,NPQLT F2F Training Session,{day},attended,", "session_date"),
    ("video-views", VIDEO_VIEWS, "{ref},1,95,{day}", "viewed_on"),
    ("assessments", ASSESSMENTS, "{ref},submitted,,{day}", "recorded_on"),
]


@pytest.mark.parametrize("kind, header, row, column", CASES)
def test_a_day_before_cohort_3_started_is_a_bad_row(kind, header, row, column):
    before = snapshot()
    result = run_bytes(kind, lines(header, row.format(ref="P3", day="2022-09-30"), row.format(ref="P1", day="2022-09-30")))
    assert result.errors == [f"row 2: {column}: 2022-09-30 is before cohort 3 started (2022-10-01)"]
    assert snapshot() == before


@pytest.mark.parametrize("kind, header, row, column", CASES)
def test_the_day_a_cohort_starts_is_accepted(kind, header, row, column):
    result = run_bytes(kind, lines(header, row.format(ref="P3", day="2022-10-01"), row.format(ref="P1", day="2021-11-01")))
    assert result.ok, result.errors


def test_a_cohort_1_credit_of_june_2021_is_refused():
    result = run_bytes("credits", lines(CREDITS, "P1,1,Diagnostic Assessment for Block 1,,01/06/2021,self-report"))
    assert result.errors == ["row 2: completed_on: 2021-06-01 is before cohort 1 started (2021-11-01)"]
