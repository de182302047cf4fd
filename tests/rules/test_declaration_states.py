"""Which DfE declaration states EDT may record after which (rules/declaration_states.py)."""
from __future__ import annotations

import pytest

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


def test_states_dfe_moved_through_since_the_last_look_may_be_skipped():
    assert transition_problem("submitted", "paid") is None
    assert transition_problem("eligible", "awaiting-clawback") is None


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
    assert transition_problem("ineligible", "eligible") == "a declaration cannot go from ineligible to eligible"


def test_states_never_go_backwards():
    assert transition_problem("paid", "payable") == "a declaration cannot go from paid to payable"
    assert transition_problem("eligible", "submitted") is not None


def test_an_unknown_state_is_named():
    assert transition_problem("submitted", "approved") == (
        "'approved' is not one of submitted, eligible, ineligible, payable, paid, voided, "
        "awaiting-clawback, clawed-back")
