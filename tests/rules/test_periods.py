"""Deferral and withdrawal dates in the engine (DOMAIN.md "Deferral and withdrawal dates")."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.facts import ACTIVE
from tracker.rules.outputs import compute_outputs
from tracker.rules.periods import (NO_PERIODS, DeferralPeriod, Periods, counting, escalation_schedule,
                                   outputs_with_periods, review_for_escalation)
from tracker.rules.status import DUE_SOON, ESCALATED, WINDOW, escalation

from .builders import R1, R2, attended, credit, d, days, evidence, specialist, toy_content

COHORT_3 = specialist()
COHORT_4 = specialist(d("2023-03-16"), d("2023-12-14"), d("2024-05-23"))


def with_periods(periods, *records, schedules=None, cohort=3):
    return outputs_with_periods(schedules or {3: COHORT_3}, cohort, toy_content(), evidence(*records), periods)


def test_evidence_inside_a_deferral_does_not_count_and_the_day_of_return_does():
    deferral = Periods((DeferralPeriod(d("2023-01-10"), d("2023-03-01")),))
    assert deferral.counts(d("2023-01-09"))
    assert not deferral.counts(d("2023-01-10"))
    assert not deferral.counts(d("2023-02-28"))
    assert deferral.counts(d("2023-03-01"))


def test_a_register_during_a_deferral_does_not_meet_the_retention_output():
    records = (attended(d("2022-11-01")), attended(d("2023-07-01")))
    deferral = Periods((DeferralPeriod(d("2023-06-25"), d("2023-09-01")),))
    assert with_periods(NO_PERIODS, *records)[1].met_on == d("2023-07-01")
    assert with_periods(deferral, *records)[1].met_on is None
    assert with_periods(deferral, *records, attended(d("2023-09-01")))[1].met_on == d("2023-09-01")


def test_a_deferral_not_returned_from_excludes_everything_from_its_start():
    deferral = Periods((DeferralPeriod(d("2023-01-10"), None),))
    assert not deferral.counts(d("2030-01-01"))
    assert with_periods(deferral, attended(d("2022-11-01")), attended(d("2023-07-01")))[1].met_on is None


def test_evidence_after_a_confirmed_withdrawal_does_not_count_and_the_day_itself_does():
    withdrawn = Periods(withdrawn_on=d("2023-07-01"))
    assert with_periods(withdrawn, attended(d("2022-11-01")), attended(d("2023-07-01")))[1].met_on == d("2023-07-01")
    assert with_periods(withdrawn, attended(d("2022-11-01")), attended(d("2023-07-02")))[1].met_on is None
    assert with_periods(withdrawn, attended(d("2023-07-02")))[0].met_on is None


def test_a_move_to_a_later_cohort_keeps_what_was_met_before_the_deferral_and_follows_the_new_schedule_after():
    """Output 1 met on 1 November 2022 in cohort 3; deferred from 1 December 2022 to 1 March 2023, moved to cohort 4.

    Output 2 follows cohort 4: its anchor is max(R1 of cohort 4, met_on(1)) = 16 March 2023, so a register
    on 10 March 2023 (after the return, before the new anchor) does not count and one on 20 March does.
    """
    moved = Periods((DeferralPeriod(d("2022-12-01"), d("2023-03-01"), 3, 4),))
    schedules = {3: COHORT_3, 4: COHORT_4}
    results = with_periods(moved, attended(d("2022-11-01")), attended(d("2023-03-10")), schedules=schedules, cohort=4)
    assert results[0].met_on == d("2022-11-01")
    assert results[1].met_on is None
    results = with_periods(moved, attended(d("2022-11-01")), attended(d("2023-03-10")), attended(d("2023-03-20")),
                           schedules=schedules, cohort=4)
    assert [r.met_on for r in results[:2]] == [d("2022-11-01"), d("2023-03-20")]


def test_an_output_met_after_the_deferral_began_is_not_kept_on_a_move():
    """Output 1 would be met only on the return day in the old cohort; in the new one it is recomputed."""
    moved = Periods((DeferralPeriod(d("2022-10-15"), d("2023-03-01"), 3, 4),))
    results = with_periods(moved, attended(d("2023-03-02")), schedules={3: COHORT_3, 4: COHORT_4}, cohort=4)
    assert results[0].met_on == d("2023-03-02")


def test_without_a_move_the_schedule_is_the_participants_own():
    deferral = Periods((DeferralPeriod(d("2022-12-01"), d("2023-03-01")),))
    records = (attended(d("2022-11-01")), credit(d("2023-06-30")))
    assert with_periods(deferral, *records) == compute_outputs(COHORT_3, toy_content(), evidence(*records))


@given(st.lists(st.dates(date(2022, 9, 1), date(2024, 9, 1)), max_size=12),
       st.dates(date(2022, 9, 1), date(2024, 9, 1)), st.integers(0, 300))
def test_counting_keeps_exactly_the_evidence_outside_the_deferral(days_, starts, length):
    periods = Periods((DeferralPeriod(starts, starts + days(length)),))
    records = evidence(*(attended(day) for day in days_))
    kept = [r.session_date for r in counting(records, periods).registers]
    assert kept == [day for day in days_ if not starts <= day < starts + days(length)]


def chase(as_of, periods, *records):
    schedule = COHORT_3
    results = compute_outputs(schedule, toy_content(), counting(evidence(*records), periods))
    return escalation(ACTIVE, escalation_schedule(schedule, periods), results, as_of, total_known=True)


def test_a_participant_returning_after_their_review_date_is_not_escalated_on_the_day_of_return():
    """Output 2's review (R2, 22 June 2023) passed during a deferral from 1 May to 1 September 2023."""
    deferral = Periods((DeferralPeriod(d("2023-05-01"), d("2023-09-01")),))
    met_one = attended(d("2022-11-01"))
    assert chase(d("2023-09-01"), NO_PERIODS, met_one).state == ESCALATED
    on_return = chase(d("2023-09-01"), deferral, met_one)
    assert (on_return.state, on_return.output) == (DUE_SOON, 2)
    after = chase(d("2023-09-22"), deferral, met_one)
    assert (after.state, after.window_ends) == (WINDOW, d("2023-09-22"))
    assert chase(d("2023-09-23"), deferral, met_one).state == ESCALATED


def test_a_review_date_before_the_deferral_began_is_not_moved():
    deferral = Periods((DeferralPeriod(R1 + days(1), d("2023-03-01")),))
    assert review_for_escalation(R1, deferral) == R1
    assert review_for_escalation(R2, deferral) == R2
    assert review_for_escalation(R1 + days(1), deferral) == d("2023-03-01")
