"""The overview's risk of a delivery partner: shares before counts, and a reason that says the numbers."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.partner_risk import PartnerFigures, ranked, reason, risk


@st.composite
def figures(draw):
    participants = draw(st.integers(1, 500))
    escalated = draw(st.integers(0, participants))
    extended = draw(st.integers(0, participants - escalated))
    window = draw(st.integers(0, participants - escalated - extended))
    due_soon = draw(st.integers(0, participants - escalated - extended - window))
    due = draw(st.integers(0, 4 * participants))
    return PartnerFigures(participants, escalated, extended, window, due_soon, due, draw(st.integers(0, due)))


@given(figures())
def test_one_more_escalated_participant_never_lowers_the_risk(f):
    if f.escalated + f.extended + f.window + f.due_soon < f.participants:
        worse = PartnerFigures(f.participants, f.escalated + 1, f.extended, f.window, f.due_soon, f.outputs_due,
                               f.outputs_not_met)
        assert risk(worse).key > risk(f).key


@given(figures(), st.integers(2, 10))
def test_risk_is_by_share_so_the_same_mix_at_any_size_ranks_the_same(f, times):
    bigger = PartnerFigures(*(times * n for n in (f.participants, f.escalated, f.extended, f.window, f.due_soon,
                                                    f.outputs_due, f.outputs_not_met)))
    assert risk(bigger).key[:3] == risk(f).key[:3]
    assert risk(bigger).key >= risk(f).key  # more people to chase breaks the tie


@given(figures())
def test_the_reason_says_the_numbers_that_rank_the_partner(f):
    line = reason(f)
    if f.escalated:
        assert line.startswith(f"{f.escalated} of {f.participants} (") and "escalated" in line
    elif f.window or f.extended:
        assert line.startswith(f"{f.window or f.extended} of {f.participants} ")
    else:
        assert line.startswith("No one behind")
    assert "\n" not in line and len(line) < 160


def test_ranked_puts_the_largest_share_escalated_first_whatever_the_size():
    small = PartnerFigures(10, escalated=5)  # 50%
    big = PartnerFigures(400, escalated=40, window=100)  # 10%, though 40 people
    calm = PartnerFigures(50, due_soon=3)
    assert ranked([calm, big, small], lambda f: f) == [small, big, calm]
    assert reason(small) == "5 of 10 (50%) escalated"
    assert reason(big) == "40 of 400 (10%) escalated, 100 in the window"
    assert reason(calm) == "No one behind; 3 participants due soon"
    assert reason(PartnerFigures(20, window=2, extended=1, outputs_due=40, outputs_not_met=4)) == (
        "2 of 20 in the window and 1 on an extension; 10% of outputs not met")
