"""Checks on reference data (rules/reference.py): content totals and schedule dates."""
from __future__ import annotations

from datetime import date

from tracker.rules.reference import BlockFacts, ScheduleFacts, cohort_problems, content_problems, schedule_problems

D = date.fromisoformat


def blocks(course="NPQXX", *totals_and_credits):
    return [BlockFacts(course, n, total, tuple(credits)) for n, (total, credits) in enumerate(totals_and_credits, 1)]


def test_consistent_content_has_no_problems():
    found = blocks("NPQXX", (10, (4, 6)), (5, (5,)))
    assert content_problems(found, {"NPQXX": 15}) == []


def test_a_block_whose_activities_do_not_add_up_to_its_printed_total_is_named():
    found = blocks("NPQXX", (10, (4, 7)), (5, (5,)))
    problems = content_problems(found, {"NPQXX": 15})
    assert problems[0] == "NPQXX block 1: activities add up to 11, printed total is 10"


def test_blocks_that_do_not_add_up_to_the_printed_course_total_are_named():
    found = blocks("NPQXX", (10, (4, 6)), (5, (5,)))
    assert content_problems(found, {"NPQXX": 16}) == ["NPQXX: blocks add up to 15, printed course total is 16"]


def test_a_printed_block_total_over_tbc_credits_is_refused():
    found = blocks("NPQXX", (10, (4, None)))
    problems = content_problems(found, {"NPQXX": None})
    assert problems == ["NPQXX block 1: printed total 10 but some credits are TBC"]


def test_a_printed_course_total_over_tbc_blocks_is_refused():
    found = blocks("NPQXX", (10, (4, 6)), (None, (None,)))
    assert content_problems(found, {"NPQXX": 10}) == ["NPQXX: printed course total 10 but some blocks are TBC"]


def test_a_tbc_course_with_tbc_blocks_is_accepted():
    found = blocks("NPQXX", (10, (4, 6)), (None, (3, None)), (None, (None,)))
    assert content_problems(found, {"NPQXX": None}) == []


def row(cohort=1, group="specialist", number=1, review="2022-01-10", invoice="2022-02-10", payment="2022-03-10"):
    return ScheduleFacts(cohort, group, number, D(review), D(invoice), D(payment))


def test_an_ordered_schedule_has_no_problems():
    rows = [row(number=1), row(number=2, review="2022-06-01", invoice="2022-07-01", payment="2022-08-01")]
    assert schedule_problems(rows) == []


def test_an_invoice_on_or_before_the_review_date_is_refused_naming_cohort_group_output_and_dates():
    problems = schedule_problems([row(cohort=2, group="leadership", number=3, review="2022-02-10",
                                      invoice="2022-02-10", payment="2022-03-10")])
    assert problems == [
        "cohort 2 leadership output 3: review 2022-02-10, invoice sent 2022-02-10, payment 2022-03-10 are not in order"
    ]


def test_a_payment_on_or_before_the_invoice_is_refused():
    # the seed's own cohort 4 specialist output 3 typo: payment in 2023, before review and invoice in 2024
    problems = schedule_problems([row(cohort=4, number=3, review="2024-05-23", invoice="2024-06-23",
                                      payment="2023-07-23")])
    assert len(problems) == 1
    assert problems[0].startswith("cohort 4 specialist output 3:")
    assert "payment 2023-07-23" in problems[0]


def test_review_dates_that_do_not_increase_are_refused():
    rows = [row(number=1, review="2022-06-01", invoice="2022-07-01", payment="2022-08-01"),
            row(number=2, review="2022-06-01", invoice="2022-07-02", payment="2022-08-02")]
    assert schedule_problems(rows) == [
        "cohort 1 specialist output 2: review date 2022-06-01 is not after output 1's 2022-06-01"]


def test_review_dates_are_compared_within_one_cohort_and_group_only():
    rows = [row(cohort=1, number=1, review="2022-06-01", invoice="2022-07-01", payment="2022-08-01"),
            row(cohort=2, number=1, review="2022-01-01", invoice="2022-02-01", payment="2022-03-01"),
            row(cohort=1, group="leadership", number=1, review="2022-01-01", invoice="2022-02-01",
                payment="2022-03-01")]
    assert schedule_problems(rows) == []


def test_a_course_in_a_cohort_it_is_not_offered_in_is_named():
    assert cohort_problems("NPQLL", [3, 4], [1, 3]) == ["NPQLL: not offered in cohort 1 (offered in 3 4)"]


def test_a_course_offered_in_a_cohort_without_its_schedule_is_refused():
    from tracker.rules.reference import offering_problems

    offered = {"NPQSL": ("leadership", 4, [1, 2]), "NPQLL": ("specialist", 3, [3, 5]), "EHCO": ("coaching", 3, [3])}
    schedules = {(1, "leadership"): 4, (2, "leadership"): 3, (3, "specialist"): 3}
    assert offering_problems(offered, [1, 2, 3, 4], schedules) == [
        "NPQLL: offered in cohort 5, which is not a cohort",
        "NPQSL: offered in cohort 2, whose leadership schedule has 3 outputs, not 4",
    ]


def test_the_shipped_offering_is_consistent():
    from tracker.reference.folder import read_folder
    from tracker.reference.loader import DATA

    assert read_folder(DATA)[1] == []
