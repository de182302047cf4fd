"""DfE's checks of a declaration that the tracker applies before sending (rules/dfe_checks.py;
shared/dfe/README.md, section 3): each in DfE's words, with what to do, and nothing refused that
every check passes."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, strategies as st

from tracker.rules.dfe_checks import (APPLIED, BEFORE_SCHEDULE, CONTRACT_CLOSED, HAS_PASSED, IN_THE_FUTURE, NO_DFE_ID,
                                      NO_SCHEDULE, NOT_IN_SCHEDULE, PARTNER_MISSING, PARTNER_NOT_CONFIRMED, Proposed, failing,
                                      refusal)
from tracker.rules.dfe_schedules import SCHEDULES, allowed_types, cohort_of_start, schedules_of, starts

START, TODAY = date(2022, 10, 1), date(2024, 6, 1)
DFE_ID = "7e5bcd9e-2a4f-4b8e-9f1c-0d3b6a2e8c41"
PARTNER = "0f6c3a52-9b1d-4e7a-8c2f-5d4b3a2e1f90"


def proposed(kind="started", on=date(2023, 1, 10), group="specialist", has_passed=None, withdrawn_on=None, **dfe):
    default = {"specialist": "npq-specialist-autumn", "leadership": "npq-leadership-autumn"}.get(group)
    return Proposed(kind, on, group, 3, START, has_passed, withdrawn_on, dfe.pop("dfe_participant_id", DFE_ID),
                    default_schedule=default, **dfe)


def rule(declaration: Proposed) -> int | None:
    found = failing(declaration, TODAY)
    return found.rule if found else None


def test_a_participant_with_no_dfe_id_has_nothing_to_send_and_says_so_in_the_contracts_words():
    assert refusal(proposed(dfe_participant_id=None), TODAY) == NO_DFE_ID == "no DfE participant id"


def test_a_date_before_the_participants_dfe_schedule_starts_quotes_dfe_and_says_what_to_do():
    # accepted in December: DfE's spring schedule, whose start is later than the cohort's
    late = proposed(on=date(2022, 12, 15), schedule="npq-specialist-spring", dfe_cohort=2022)
    assert refusal(late, TODAY) == (
        "the declaration date 2022-12-15 is before 2023-01-01, when DfE's schedule npq-specialist-spring of the 2022 "
        f"cohort starts; DfE would answer \"{BEFORE_SCHEDULE}\" Check the participant's schedule at DfE (a "
        "participant accepted in December or later is on a spring schedule), or the dates of their evidence.")
    assert refusal(replace(late, declaration_date=date(2023, 1, 1)), TODAY) is None


def test_a_date_before_the_cohort_started_is_refused():
    assert rule(proposed(on=date(2022, 9, 30))) == 7  # the schedule's start, the same day
    found = failing(replace(proposed(on=date(2022, 9, 30)), default_schedule=None), TODAY)
    assert found.rule == 7 and found.found == "the declaration date 2022-09-30 is before cohort 3 started (2022-10-01)"


def test_a_date_after_today_is_refused_in_dfes_words():
    found = failing(proposed(on=date(2024, 6, 2)), TODAY)
    assert (found.rule, found.dfe_says) == (17, IN_THE_FUTURE)
    assert found.found == "the declaration date 2024-06-02 is after today (2024-06-01)"
    assert rule(proposed(on=TODAY)) is None


def test_a_date_after_a_withdrawal_is_refused_but_not_one_on_its_day():
    found = failing(proposed(withdrawn_on=date(2023, 1, 9)), TODAY)
    assert found.rule == 4 and found.found == "the declaration date 2023-01-10 is after the withdrawal on 2023-01-09"
    assert "This participant withdrew from this course on 2023-01-09." in found.reason
    assert rule(proposed(withdrawn_on=date(2023, 1, 10))) is None
    assert rule(proposed(dfe_withdrawn_on=date(2023, 1, 9))) == 4


def test_a_type_the_schedule_does_not_allow_is_refused():
    found = failing(proposed("retained-2"), TODAY)
    assert (found.rule, found.dfe_says) == (11, NOT_IN_SCHEDULE)
    assert found.found == "retained-2 is not a declaration of DfE's schedule npq-specialist-autumn"
    assert rule(proposed("retained-2", group="leadership")) is None


def test_an_enrolment_dfe_lists_without_a_schedule_is_refused():
    found = failing(proposed(from_dfe=True), TODAY)
    assert (found.rule, found.dfe_says) == (10, NO_SCHEDULE)
    assert rule(proposed()) is None  # not read from DfE: the cohort's schedule stands


def test_a_completed_declaration_needs_has_passed():
    assert failing(proposed("completed"), TODAY).dfe_says == HAS_PASSED
    assert rule(proposed("completed", has_passed=False)) is None


def test_from_the_2024_cohort_the_partners_dfe_id_is_required_and_confirmed_for_the_cohort():
    later = proposed(on=date(2024, 11, 4), schedule="npq-specialist-autumn", dfe_cohort=2024)
    assert failing(later, TODAY.replace(year=2025)).dfe_says == PARTNER_MISSING
    with_partner = replace(later, partner_dfe_id=PARTNER)
    assert failing(with_partner, TODAY.replace(year=2025)) is None
    assert failing(replace(with_partner, partner_cohorts=frozenset({2023})), TODAY.replace(year=2025)).dfe_says == \
        PARTNER_NOT_CONFIRMED
    assert failing(replace(with_partner, partner_cohorts=frozenset({2024})), TODAY.replace(year=2025)) is None
    assert rule(proposed()) is None  # 2022: no partner needed


def test_the_checks_applied_are_dfes_numbers():
    assert set(APPLIED) <= set(range(1, 23))


@given(group=st.sampled_from(["specialist", "leadership"]), data=st.data(),
       days=st.integers(0, (TODAY - START).days), passed=st.booleans(),
       withdrawal=st.one_of(st.none(), st.integers(0, 800)))
def test_a_declaration_inside_every_limit_is_never_refused(group, data, days, passed, withdrawal):
    kind = data.draw(st.sampled_from(allowed_types(f"npq-{group}-autumn")))
    on = START + timedelta(days=days)
    withdrawn_on = None if withdrawal is None else on + timedelta(days=withdrawal)
    assert refusal(proposed(kind, on, group, passed if kind == "completed" else None, withdrawn_on), TODAY) is None


@given(days=st.integers(-400, 400))
def test_the_date_is_refused_exactly_outside_cohort_start_and_today(days):
    on = TODAY + timedelta(days=days) if days > 0 else START + timedelta(days=days)
    assert (refusal(proposed(on=on), TODAY) is not None) == (on < START or on > TODAY)


@given(cohort=st.integers(2021, 2027), data=st.data(), offset=st.integers(-60, 400), passed=st.booleans())
def test_against_any_dfe_schedule_a_date_is_refused_exactly_before_its_start_or_after_today(cohort, data, offset,
                                                                                            passed):
    plan = data.draw(st.sampled_from([s for s in schedules_of(cohort) if SCHEDULES[s][0] in ("leadership",
                                                                                                "specialist")]))
    kind = data.draw(st.sampled_from(allowed_types(plan)))
    begins = starts(plan, cohort)
    on, today = begins + timedelta(days=offset), begins + timedelta(days=200)
    group = SCHEDULES[plan][0]
    d = Proposed(kind, on, group, 1, begins - timedelta(days=90), passed if kind == "completed" else None,
                 dfe_participant_id=DFE_ID, schedule=plan, dfe_cohort=cohort, partner_dfe_id=PARTNER)
    found = failing(d, today)
    assert (found is not None) == (on < begins or on > today)
    if found is not None:
        assert found.dfe_says in (BEFORE_SCHEDULE, IN_THE_FUTURE) and found.dfe_says in found.reason


def test_dfes_cohort_of_a_start_is_the_autumn_before_for_a_spring_start():
    assert [cohort_of_start(date(y, m, 1)) for y, m in ((2021, 11), (2022, 2), (2022, 10), (2023, 2))] == \
        [2021, 2021, 2022, 2022]


def test_a_billable_declaration_of_a_cohort_whose_funding_contract_has_ended_is_held_in_dfes_words():
    # DfE's statements were read: only the 2023 cohort has one with a cut-off today or later
    closed = proposed(open_cohorts=frozenset({2023}), dfe_cohort=2022, schedule="npq-specialist-autumn")
    found = failing(closed, TODAY)
    assert (found.rule, found.dfe_says) == (13, CONTRACT_CLOSED.format(cohort=2022))
    assert "You cannot submit or void declarations for the 2022 cohort" in found.reason
    assert rule(replace(closed, open_cohorts=frozenset({2022, 2023}))) is None  # a statement still open
    assert rule(replace(closed, open_cohorts=None)) is None  # DfE's statements not read: left to DfE
    assert rule(replace(closed, funded_place=False)) is None  # never billable: DfE does not check it
