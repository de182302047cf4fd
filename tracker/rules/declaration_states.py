"""The states DfE reports for a declaration, and which changes EDT may record.

From DfE's "Understanding declarations" (seeds/004) and DOMAIN.md "DfE declarations":

- submitted: the participant's funding eligibility is not yet confirmed. It moves to
  eligible once confirmed, or ineligible when DfE will not fund it; it may be voided.
- eligible -> payable -> paid, each of which may be voided.
- Voiding makes a declaration voided if it was submitted, ineligible, eligible or payable, and
  awaiting-clawback if it was paid (never voided: the money has to come back first).
- awaiting-clawback -> clawed-back once DfE deducts the value from a payment.
- voided and clawed-back are final: "providers can only view" them, and DOMAIN.md says a
  voided declaration is never restored.
- ineligible: the doc names it only among the states a void turns into voided, and gives no
  way back to eligible, so its one way out is voided. A participant later found eligible
  needs a new declaration, not a restored one.

Once a state is recorded, the next one EDT records must be one DfE's transitions allow from it,
one step at a time (submitted -> paid is refused: DfE makes it eligible and payable first). What
DfE's API reports is stored as it is (declarations refresh), so the steps EDT did not see are
DfE's to report. The first state recorded for a declaration may be any: EDT may have sent it
before the tracker kept states.
"""
from __future__ import annotations

SUBMITTED = "submitted"
ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
PAYABLE = "payable"
PAID = "paid"
VOIDED = "voided"
AWAITING_CLAWBACK = "awaiting-clawback"
CLAWED_BACK = "clawed-back"
STATES = (SUBMITTED, ELIGIBLE, INELIGIBLE, PAYABLE, PAID, VOIDED, AWAITING_CLAWBACK, CLAWED_BACK)

# DfE's transitions, one step at a time.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    SUBMITTED: (ELIGIBLE, INELIGIBLE, VOIDED),
    ELIGIBLE: (PAYABLE, VOIDED),
    INELIGIBLE: (VOIDED,),
    PAYABLE: (PAID, VOIDED),
    PAID: (AWAITING_CLAWBACK,),
    AWAITING_CLAWBACK: (CLAWED_BACK,),
    VOIDED: (),
    CLAWED_BACK: (),
}
FINAL = tuple(state for state, onward in TRANSITIONS.items() if not onward)


def reachable(state: str | None) -> tuple[str, ...]:
    """States that may follow `state` (None: no state recorded yet), in STATES order."""
    if state is None:
        return STATES
    return tuple(s for s in STATES if s in TRANSITIONS[state])


def transition_problem(current: str | None, new: str) -> str | None:
    """Why `current` cannot become `new`, or None when it can (or nothing changes)."""
    if new not in STATES:
        return f"'{new}' is not one of {', '.join(STATES)}"
    if current == new or new in reachable(current):
        return None
    if current == VOIDED:
        return "a voided declaration is never restored"
    if current == CLAWED_BACK:
        return "a clawed-back declaration is final"
    if current == PAID and new == VOIDED:
        return "a paid declaration that is voided becomes awaiting-clawback, not voided"
    return (f"a declaration cannot go from {current} to {new}: DfE's next state after {current} is "
            + " or ".join(TRANSITIONS[current]))
