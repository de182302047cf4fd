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
