"""An output's status as of a date D (DOMAIN.md "Status of an output as of a date D")."""
from __future__ import annotations

import pytest

from tracker.rules.course import COACHING_OUTPUT_NAMES, build_schedule
from tracker.rules.facts import OutputMet
from tracker.rules.status import output_status

from .builders import days, specialist

SCHEDULE = specialist()
FIRST, RETENTION, FINAL = SCHEDULE
R = FIRST.review_date


def status(spec, met_on, as_of, *, payment_agreed=True, total_known=True):
    return output_status(spec, OutputMet(spec.number, met_on), as_of, payment_agreed=payment_agreed,
                         total_known=total_known)


def test_met_on_the_day_of_review_is_met():
    assert status(FIRST, R, R) == "met"


def test_met_the_day_after_review_is_met_late():
    assert status(FIRST, R + days(1), R + days(1)) == "met-late"


def test_met_early_and_looked_at_long_after_is_still_met():
    assert status(FIRST, R - days(30), R + days(400)) == "met"


def test_an_output_met_after_the_as_of_date_is_not_yet_met():
    assert status(FIRST, R - days(3), R - days(4)) == "pending"
    assert status(FIRST, R + days(10), R + days(9)) == "not-met"


@pytest.mark.parametrize(
    "contract_and_sponsorship_signed, expected", [(True, "met"), (False, "blocked")]
)
def test_a_met_output_is_blocked_until_contract_and_sponsorship_are_signed(contract_and_sponsorship_signed, expected):
    assert status(FIRST, R, R, payment_agreed=contract_and_sponsorship_signed) == expected


def test_a_late_output_is_also_blocked_when_unsigned():
    assert status(RETENTION, RETENTION.review_date + days(5), RETENTION.review_date + days(5),
                  payment_agreed=False) == "blocked"


def test_an_unmet_output_is_never_blocked():
    assert status(FIRST, None, R, payment_agreed=False) == "pending"


def test_not_met_on_the_review_date_is_pending():
    assert status(FIRST, None, R) == "pending"


def test_not_met_the_day_after_the_review_date_is_not_met():
    assert status(FIRST, None, R + days(1)) == "not-met"


def test_the_final_output_of_a_course_whose_total_is_tbc_is_total_unknown():
    assert status(FINAL, None, FINAL.review_date + days(100), total_known=False) == "total-unknown"


def test_the_earlier_outputs_of_a_course_whose_total_is_tbc_are_judged_as_usual():
    assert status(FIRST, R, R, total_known=False) == "met"
    assert status(RETENTION, None, RETENTION.review_date + days(1), total_known=False) == "not-met"


def test_ehco_outputs_are_criteria_pending():
    schedule = build_schedule("coaching", [])
    assert [(s.number, s.name) for s in schedule] == list(enumerate(COACHING_OUTPUT_NAMES, 1))
    assert schedule[0].name == "Teacher Confirmed as Eligible for Support Offer and Support Commenced"
    assert schedule[2].name == "Teacher Completed Support Offer"
    assert [status(spec, None, R) for spec in schedule] == ["criteria-pending"] * 3


def test_build_schedule_orders_outputs_and_names_their_kinds():
    rows = [(3, "Teacher Assessed, Mark Awarded and Moderated", R + days(400)),
            (1, "Teacher Validated and Training Commenced", R),
            (2, "Retention Point", R + days(200))]
    assert [(s.number, s.kind) for s in build_schedule("specialist", rows)] == [
        (1, "first"), (2, "retention"), (3, "final")]
    rows.append((4, "Teacher Assessed, Mark Awarded and Moderated", R + days(600)))
    rows[0] = (3, "Retention Point", R + days(400))
    assert [s.kind for s in build_schedule("leadership", rows)] == ["first", "retention", "retention", "final"]
