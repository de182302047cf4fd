"""At risk, before it is late: a participant's pace against what their next output still needs."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.facts import ATTENDED, ABSENT, CONTINGENCY, FINAL, Content, Credit, Register
from tracker.rules.next_steps import CREDITS_90, NextSteps, Option, Why
from tracker.rules.pace import HORIZON_DAYS, Need, Pace, at_risk, need_of, pace_of
from tracker.words import at_risk_reason

AS_OF = date(2023, 3, 1)

paces = st.builds(Pace, credits=st.integers(0, 200), sessions=st.integers(0, 10), days=st.integers(7, 28))
needs = st.builds(
    Need,
    output=st.integers(1, 4),
    review_date=st.integers(-30, HORIZON_DAYS + 20).map(lambda n: AS_OF + timedelta(days=n)),
    counts_from=st.integers(0, 20).map(lambda n: AS_OF + timedelta(days=n)),
    credits=st.integers(-5, 250),
    sessions=st.one_of(st.none(), st.integers(1, 3)),
)


def test_a_final_output_needing_60_credits_in_3_weeks_at_4_a_week_is_at_risk():
    # Given a participant who needs 60 more credits for 90% by 21 March and earned 16 in the last 4 weeks
    need = Need(3, date(2023, 3, 21), AS_OF, 60, None)
    risk = at_risk(need, Pace(16, 0, 28), AS_OF)
    # Then they are at risk, and the reason says why in words
    assert risk is not None and risk.days_left == 21
    assert at_risk_reason(risk) == "Needs 60 credits in 3 weeks; has earned 4 credits a week"
    # And at 20 a week they are not
    assert at_risk(need, Pace(80, 0, 28), AS_OF) is None


def test_a_retention_output_is_met_by_one_new_credit_or_one_session():
    need = Need(2, date(2023, 3, 9), AS_OF, 1, 1)
    idle = at_risk(need, Pace(0, 0, 28), AS_OF)
    assert at_risk_reason(idle) == "Needs a new credit or session in 9 days; none in the last 4 weeks"
    assert at_risk(need, Pace(0, 4, 28), AS_OF) is None  # a session a week
    assert at_risk(need, Pace(8, 0, 28), AS_OF) is None  # two credits a week
    slow = at_risk(need, Pace(1, 0, 28), AS_OF)
    assert at_risk_reason(slow) == "Needs a new credit or session in 9 days; has managed 1 credit in the last 4 weeks"


def test_evidence_counts_only_from_counts_from_so_the_days_left_start_there():
    # Output 1 was met early: engagement counts only after its review date, 14 March
    need = Need(2, date(2023, 3, 20), date(2023, 3, 15), 1, 1)
    assert at_risk(need, Pace(1, 0, 28), AS_OF).days_left == 6


def test_pace_is_the_rise_in_score_and_the_sessions_attended_over_the_last_4_weeks():
    content = Content({1: 10, 2: 6, 3: 4}, {1: "self-study", 2: "self-study", 3: "training-event"}, 20)
    credits = [
        Credit(1, 10, date(2023, 1, 10)),  # before the 4 weeks
        Credit(1, 10, date(2023, 2, 20)),  # re-done: adds nothing
        Credit(2, 3, date(2023, 2, 1)),  # exactly 4 weeks before: not in them
        Credit(2, 6, date(2023, 2, 10)),  # 3 more
        Credit(3, 4, date(2023, 3, 1)),
        Credit(3, 4, date(2023, 3, 2)),  # after the day asked about
    ]
    registers = [Register(3, date(2023, 2, 15), ATTENDED), Register(3, date(2023, 2, 22), CONTINGENCY),
                 Register(3, date(2023, 2, 8), ABSENT), Register(3, date(2023, 1, 20), ATTENDED)]
    assert pace_of(content, credits, registers, AS_OF, date(2022, 10, 1)) == Pace(7, 2, 28)
    # A cohort that started two weeks ago is measured over those two weeks; under a week, not at all
    assert pace_of(content, credits, registers, AS_OF, date(2023, 2, 16)).days == 14
    assert pace_of(content, credits, registers, AS_OF, date(2023, 2, 24)) is None


def test_the_need_is_read_from_the_engines_next_steps():
    final = NextSteps(3, "Teacher Assessed", date(2023, 3, 20), AS_OF, Why(FINAL, score=80, required=140, total=155),
                      (Option(CREDITS_90, 1, 7, "Reading", 40, 60), Option(CREDITS_90, 2, 8, "More", 30, 60)), AS_OF)
    assert need_of(final) == Need(3, date(2023, 3, 20), AS_OF, 60, None)
    reached = replace(final, options=(Option("assessment"),))
    assert need_of(reached).credits == 0 and at_risk(need_of(reached), Pace(0, 0, 28), AS_OF) is None


@given(needs, paces)
def test_a_participant_who_already_has_what_the_output_needs_is_never_at_risk(need, pace):
    assert at_risk(replace(need, credits=min(need.credits, 0)), pace, AS_OF) is None


@given(needs, paces, st.integers(0, 100), st.integers(0, 10))
def test_a_faster_pace_never_puts_at_risk_someone_who_was_not(need, pace, more_credits, more_sessions):
    if at_risk(need, pace, AS_OF) is None:
        faster = replace(pace, credits=pace.credits + more_credits, sessions=pace.sessions + more_sessions)
        assert at_risk(need, faster, AS_OF) is None


@given(needs, paces, st.integers(0, 100), st.one_of(st.none(), st.integers(0, 3)))
def test_needing_more_never_removes_a_flag(need, pace, more_credits, more_sessions):
    if at_risk(need, pace, AS_OF) is not None:
        # more sessions needed, or sessions no longer enough at all (None)
        sessions = None if need.sessions is None or more_sessions is None else need.sessions + more_sessions
        assert at_risk(replace(need, credits=need.credits + more_credits, sessions=sessions), pace, AS_OF) is not None


@given(needs, paces, st.integers(1, 400))
def test_after_the_review_date_nobody_is_at_risk_they_are_late(need, pace, days_after):
    assert at_risk(need, pace, need.review_date + timedelta(days=days_after)) is None


@given(needs, paces)
def test_a_flag_names_the_output_its_review_date_and_a_reason(need, pace):
    risk = at_risk(need, pace, AS_OF)
    if risk is not None:
        assert (risk.output, risk.review_date) == (need.output, need.review_date)
        assert AS_OF <= need.review_date <= AS_OF + timedelta(days=HORIZON_DAYS)
        assert at_risk_reason(risk).startswith("Needs ")
