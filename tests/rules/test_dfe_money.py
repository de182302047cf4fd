"""Money as DfE sees it: the declarations the tracker expects against those DfE holds, per partner and type."""
from hypothesis import given, strategies as st

from tracker.rules.declaration_states import STATES
from tracker.rules.dfe_money import (
    ENDED_AT_DFE, LIVE, NOT_EXPECTED, NOT_SENT, REFUSED, SENDING, Expected, Held, compare,
)
from tracker.rules.declarations import DECLARATION_TYPES


def expected(pk, kind="started", partner="NORTH", blocked=False):
    return Expected(pk, f"N{pk:03}", partner, kind, blocked)


def held(pk, state, kind="started", partner="NORTH"):
    return Held(pk, f"N{pk:03}", partner, kind, state)


def test_each_expected_declaration_is_held_not_sent_being_sent_or_ended_and_said_in_plain_english():
    mine = [expected(n) for n in range(1, 15)]
    at_dfe = [held(n, state) for n, state in zip(range(1, 13), ["paid"] * 8 + ["payable"] * 2 + ["eligible"] * 2)]
    found = compare(mine, at_dfe)
    [line] = found.lines
    assert (line.expected, line.matched, line.not_sent) == (14, 12, 2)
    assert line.held == {"paid": 8, "payable": 2, "eligible": 2}
    assert line.sentence() == ("DfE holds 12 of the 14 started declarations NORTH's participants have met; "
                               "2 are not yet sent")
    assert [(d.kind, d.participant_id) for d in found.differences] == [(NOT_SENT, "N013"), (NOT_SENT, "N014")]


def test_voided_at_dfe_refused_and_being_sent_are_told_apart():
    found = compare([expected(1), expected(2), expected(3), expected(4)],
                    [held(1, "voided"), held(2, REFUSED), held(3, SENDING), held(4, "awaiting-clawback")])
    [line] = found.lines
    assert (line.matched, line.not_sent, line.being_sent, line.ended) == (0, 1, 1, 2)
    assert line.held == {"voided": 1, "awaiting-clawback": 1}
    assert [(d.kind, d.participant_id, d.state) for d in found.differences] == [
        (ENDED_AT_DFE, "N001", "voided"), (NOT_SENT, "N002", None), (ENDED_AT_DFE, "N004", "awaiting-clawback")]
    assert "1 is not yet sent; 1 is being sent; 2 are voided or not funded at DfE although met" in line.sentence()


def test_dfe_holds_what_the_tracker_no_longer_expects_after_evidence_changed_or_agreements_unsigned():
    found = compare([expected(1, blocked=True)],
                    [held(1, "paid"), held(2, "eligible", "retained-1"), held(3, "voided", "retained-1"),
                     held(4, REFUSED)])
    assert [(d.kind, d.participant_id, d.declaration_type, d.state, d.blocked) for d in found.differences] == [
        (NOT_EXPECTED, "N001", "started", "paid", True), (NOT_EXPECTED, "N002", "retained-1", "eligible", False)]
    started, retained = found.lines
    assert (started.expected, started.not_expected, retained.not_expected) == (0, 1, 1)
    assert retained.held == {"eligible": 1, "voided": 1}  # a voided one nobody expects is no difference
    assert started.sentence() == ("NORTH's participants have met no started declaration the tracker expects; "
                                  "DfE holds 1 more to pay that the tracker no longer expects")


def test_lines_are_by_partner_then_dfes_order_of_types():
    found = compare([expected(1, "completed", "SOUTH"), expected(2, "started", "SOUTH"), expected(3, "retained-2")],
                    [])
    assert [(line.partner, line.declaration_type) for line in found.lines] == [
        ("NORTH", "retained-2"), ("SOUTH", "started"), ("SOUTH", "completed")]
    assert found.partners == ["NORTH", "SOUTH"]
    assert [line.declaration_type for line in found.of("SOUTH")] == ["started", "completed"]


keys = st.tuples(st.integers(1, 12), st.sampled_from(DECLARATION_TYPES))


@given(st.dictionaries(keys, st.tuples(st.sampled_from(["NORTH", "SOUTH"]), st.booleans()), max_size=40),
       st.dictionaries(keys, st.sampled_from(STATES + (SENDING, REFUSED)), max_size=40))
def test_every_declaration_is_placed_exactly_once(mine, theirs):
    partner_of = {pk: partner for (pk, _), (partner, _) in mine.items()}
    tracker = [Expected(pk, f"P{pk}", partner_of[pk], kind, blocked) for (pk, kind), (_, blocked) in mine.items()]
    at_dfe = [Held(pk, f"P{pk}", partner_of.get(pk, "NORTH"), kind, state) for (pk, kind), state in theirs.items()]
    found = compare(tracker, at_dfe)
    wanted = {key for key, (_, blocked) in mine.items() if not blocked}
    listed = [(int(d.participant_id[1:]), d.declaration_type, d.kind) for d in found.differences]
    assert len(listed) == len(set(listed)), "a declaration is listed twice"
    for line in found.lines:  # each expected one is matched, being sent, not sent or ended: exactly one
        assert line.expected == line.matched + line.being_sent + line.not_sent + line.ended
    assert sum(line.expected for line in found.lines) == len(wanted)
    assert sum(line.matched for line in found.lines) == sum(1 for k in wanted if theirs.get(k) in LIVE)
    missing = {(pk, kind) for pk, kind, what in listed if what in (NOT_SENT, ENDED_AT_DFE)}
    assert missing == {k for k in wanted if theirs.get(k) not in LIVE and theirs.get(k) != SENDING}
    unexpected = {(pk, kind) for pk, kind, what in listed if what == NOT_EXPECTED}
    assert unexpected == {k for k, state in theirs.items() if state in LIVE and k not in wanted}
    assert sum(sum(line.held.values()) for line in found.lines) == sum(1 for s in theirs.values() if s in STATES)


def test_each_difference_is_said_in_plain_english():
    found = compare([expected(1), expected(2), expected(3, blocked=True)],
                    [held(2, "awaiting-clawback"), held(3, "payable"), held(4, "paid")])
    assert [d.said() for d in found.differences] == [
        "Met, not yet sent to DfE", "Met, but DfE holds it awaiting clawback: DfE will not pay it",
        "DfE holds it payable, but its output is blocked: the agreements are not signed",
        "DfE holds it paid, but no met output makes it now"]
    assert found.lines[0].ended_at_dfe == 1 and found.lines[0].at_dfe("paid") == 1
