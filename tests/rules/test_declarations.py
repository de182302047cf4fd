"""DfE declaration types and has_passed (DOMAIN.md "DfE declarations")."""
from __future__ import annotations

from tracker.rules.course import build_schedule
from tracker.rules.declarations import declaration_type
from tracker.rules.outputs import assessment_result

from .builders import assessment, d, leadership, specialist


def test_specialist_declaration_types():
    schedule = specialist()
    assert [declaration_type(schedule, n) for n in (1, 2, 3)] == ["started", "retained-1", "completed"]


def test_leadership_declaration_types():
    schedule = leadership()
    assert [declaration_type(schedule, n) for n in (1, 2, 3, 4)] == [
        "started", "retained-1", "retained-2", "completed"]


def test_ehco_outputs_have_no_declaration_type_while_criteria_are_pending():
    schedule = build_schedule("coaching", [])
    assert [declaration_type(schedule, n) for n in (1, 2, 3)] == ["", "", ""]


def test_has_passed_is_true_for_a_moderated_pass():
    assert assessment_result([assessment(d("2023-10-01"), "moderated", "pass")], d("2023-10-01")) is True


def test_has_passed_is_false_for_a_moderated_fail():
    assert assessment_result([assessment(d("2023-10-01"), "moderated", "fail")], d("2023-10-05")) is False


def test_has_passed_uses_the_latest_moderated_result_on_or_before_the_date():
    records = [
        assessment(d("2023-10-01"), "moderated", "fail"),
        assessment(d("2023-12-01"), "moderated", "pass"),
        assessment(d("2024-02-01"), "moderated", "fail"),
    ]
    assert assessment_result(records, d("2023-11-30")) is False
    assert assessment_result(records, d("2023-12-01")) is True
    assert assessment_result(list(reversed(records)), d("2024-01-15")) is True


def test_has_passed_ignores_marked_results_and_moderated_records_without_a_result():
    records = [assessment(d("2023-10-01"), "marked", "pass"), assessment(d("2023-10-02"), "moderated", None)]
    assert assessment_result(records, d("2024-01-01")) is None


def test_has_passed_is_unknown_without_any_assessment():
    assert assessment_result([], d("2024-01-01")) is None


# DfE's own checks (DOMAIN.md "DfE declarations")

from datetime import date, timedelta  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402

from tracker.rules.declarations import TYPES_OF_GROUP, Proposed, dfe_refusal  # noqa: E402

START, TODAY = date(2022, 10, 1), date(2024, 6, 1)


def proposed(kind="started", on=date(2023, 1, 10), group="specialist", has_passed=None, withdrawn_on=None):
    return Proposed(kind, on, group, 3, START, has_passed, withdrawn_on)


def test_a_declaration_dated_before_its_cohort_started_is_refused():
    assert dfe_refusal(proposed(on=date(2022, 9, 30)), TODAY) == (
        "declaration date 2022-09-30 is before cohort 3 started (2022-10-01)")


def test_a_declaration_dated_after_today_is_refused():
    assert dfe_refusal(proposed(on=date(2024, 6, 2)), TODAY) == "declaration date 2024-06-02 is after today (2024-06-01)"


def test_a_declaration_dated_after_a_withdrawal_is_refused_but_not_one_on_its_day():
    assert dfe_refusal(proposed(withdrawn_on=date(2023, 1, 9)), TODAY) == (
        "declaration date 2023-01-10 is after the withdrawal on 2023-01-09")
    assert dfe_refusal(proposed(withdrawn_on=date(2023, 1, 10)), TODAY) is None


def test_retained_2_is_refused_for_a_specialist_course():
    assert dfe_refusal(proposed("retained-2"), TODAY) == "retained-2 is not a declaration type of a specialist course"
    assert dfe_refusal(proposed("retained-2", group="leadership"), TODAY) is None


def test_a_completed_declaration_needs_has_passed():
    assert "needs has_passed" in dfe_refusal(proposed("completed"), TODAY)
    assert dfe_refusal(proposed("completed", has_passed=False), TODAY) is None


@given(group=st.sampled_from(["specialist", "leadership"]), data=st.data(),
       days=st.integers(0, (TODAY - START).days), passed=st.booleans(),
       withdrawal=st.one_of(st.none(), st.integers(0, 800)))
def test_a_declaration_inside_every_limit_is_never_refused(group, data, days, passed, withdrawal):
    kind = data.draw(st.sampled_from(TYPES_OF_GROUP[group]))
    on = START + timedelta(days=days)
    withdrawn_on = None if withdrawal is None else on + timedelta(days=withdrawal)
    assert dfe_refusal(proposed(kind, on, group, passed if kind == "completed" else None, withdrawn_on), TODAY) is None


@given(days=st.integers(-400, 400))
def test_the_date_is_refused_exactly_outside_cohort_start_and_today(days):
    on = TODAY + timedelta(days=days) if days > 0 else START + timedelta(days=days)
    refused = dfe_refusal(proposed(on=on), TODAY) is not None
    assert refused == (on < START or on > TODAY)
