"""Which DfE declaration states EDT may record after which (rules/declaration_states.py)."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from tracker.rules.declaration_states import STATES, TRANSITIONS, reachable, transition_problem


@pytest.mark.parametrize("current, new", [
    ("submitted", "eligible"), ("submitted", "ineligible"), ("submitted", "voided"),
    ("eligible", "payable"), ("eligible", "voided"),
    ("payable", "paid"), ("payable", "voided"),
    ("paid", "awaiting-clawback"),
    ("awaiting-clawback", "clawed-back"),
    ("ineligible", "voided"),
])
def test_each_step_dfe_describes_is_allowed(current, new):
    assert new in TRANSITIONS[current]
    assert transition_problem(current, new) is None


def test_a_first_recorded_state_may_be_any_state_dfe_reports():
    assert all(transition_problem(None, state) is None for state in STATES)


def test_a_step_dfe_does_not_take_is_refused_naming_the_next_states():
    assert transition_problem("submitted", "paid") == (
        "a declaration cannot go from submitted to paid: DfE's next state after submitted is eligible or ineligible or voided")
    assert transition_problem("eligible", "awaiting-clawback") is not None


@given(current=st.sampled_from(STATES), new=st.sampled_from(STATES))
def test_a_change_is_allowed_exactly_when_it_is_one_of_dfes_steps(current, new):
    assert (transition_problem(current, new) is None) == (new == current or new in TRANSITIONS[current])


def test_recording_the_same_state_again_is_not_a_problem():
    assert transition_problem("payable", "payable") is None


def test_a_voided_declaration_is_never_restored():
    for state in STATES:
        if state != "voided":
            assert transition_problem("voided", state) == "a voided declaration is never restored"


def test_voiding_a_paid_declaration_makes_it_awaiting_clawback_not_voided():
    assert "awaiting-clawback" in transition_problem("paid", "voided")


def test_clawed_back_is_final():
    assert reachable("clawed-back") == ()
    assert transition_problem("clawed-back", "paid") == "a clawed-back declaration is final"


def test_an_ineligible_declaration_can_only_be_voided():
    assert reachable("ineligible") == ("voided",)
    assert transition_problem("ineligible", "eligible").startswith("a declaration cannot go from ineligible to eligible")


def test_states_never_go_backwards():
    assert transition_problem("paid", "payable").startswith("a declaration cannot go from paid to payable")
    assert transition_problem("eligible", "submitted") is not None


def test_an_unknown_state_is_named():
    assert transition_problem("submitted", "approved") == (
        "'approved' is not one of submitted, eligible, ineligible, payable, paid, voided, "
        "awaiting-clawback, clawed-back")
