"""Money as DfE sees it: the declarations the tracker expects (met outputs that are not blocked)
against the declarations DfE holds, per delivery partner and declaration type (DOMAIN.md "Money",
"DfE declarations"; shared/dfe/README.md section 5).

A declaration is one participant's declaration of one type. Each one the tracker expects is, exactly
once: held by DfE in a state that is or will be paid (submitted, eligible, payable, paid); being
sent; not sent (no record, or DfE refused it); or ended at DfE (ineligible, voided, awaiting or
after a clawback), which means DfE will not pay it although its output is met. Each DfE holds in a
state that is or will be paid and the tracker does not expect (no met output makes it now, or its
output is blocked) is a difference too. What DfE holds is what the tracker last heard from DfE
(sent, refreshed or recorded by EDT).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .declaration_states import (
    AWAITING_CLAWBACK, CLAWED_BACK, ELIGIBLE, INELIGIBLE, PAID, PAYABLE, STATES, SUBMITTED, VOIDED,
)
from .declarations import DECLARATION_TYPES

LIVE = (SUBMITTED, ELIGIBLE, PAYABLE, PAID)  # DfE pays, or will once eligibility is confirmed
ENDED = (INELIGIBLE, VOIDED, AWAITING_CLAWBACK, CLAWED_BACK)
SENDING = "sending"  # the tracker's own states of a record (declarations/listing.py)
REFUSED = "refused"

# What differs, for one declaration
NOT_SENT = "not-sent"  # the tracker expects it; DfE holds nothing
ENDED_AT_DFE = "ended"  # the tracker expects it; DfE holds it ineligible, voided or clawed back
NOT_EXPECTED = "not-expected"  # DfE holds it to pay; no met output makes it now, or its output is blocked


@dataclass(frozen=True, slots=True)
class Expected:
    """A declaration met outputs make (declarations/produce.py)."""

    participant: int  # the participant's key
    participant_id: str  # the tracker's participant ID, for words
    partner: str
    declaration_type: str
    blocked: bool  # agreements not signed: the output earns nothing yet


@dataclass(frozen=True, slots=True)
class Held:
    """A current declaration record: DfE's state as the tracker knows it, or sending / refused."""

    participant: int
    participant_id: str
    partner: str
    declaration_type: str
    state: str


@dataclass(frozen=True, slots=True)
class Difference:
    kind: str  # NOT_SENT, ENDED_AT_DFE, NOT_EXPECTED
    partner: str
    participant_id: str
    declaration_type: str
    state: str | None  # DfE's state, None when DfE holds nothing
    blocked: bool = False  # NOT_EXPECTED: the output is met but blocked (else: no met output makes it)

    def said(self) -> str:
        state = (self.state or "").replace("-", " ")
        if self.kind == NOT_SENT:
            return "Met, not yet sent to DfE"
        if self.kind == ENDED_AT_DFE:
            return f"Met, but DfE holds it {state}: DfE will not pay it"
        return f"DfE holds it {state}, but " + (
            "its output is blocked: the agreements are not signed" if self.blocked else "no met output makes it now")


@dataclass
class Line:
    """One partner's declarations of one type."""

    partner: str
    declaration_type: str
    expected: int = 0  # met outputs that are not blocked
    matched: int = 0  # of those, held by DfE in a state it pays
    being_sent: int = 0
    not_sent: int = 0
    ended: int = 0
    not_expected: int = 0
    held: Counter = field(default_factory=Counter)  # DfE's state -> every declaration DfE holds, expected or not

    def at_dfe(self, state: str) -> int:
        return self.held[state]

    @property
    def ended_at_dfe(self) -> int:
        """Declarations DfE holds ineligible, voided or clawed back (expected or not)."""
        return sum(self.held[state] for state in ENDED)

    @property
    def differences(self) -> int:
        return self.not_sent + self.ended + self.not_expected

    def sentence(self) -> str:
        """The line in plain English: "DfE holds 12 of the 14 started declarations NORTH's participants
        have met; 2 are not yet sent"."""
        kind = self.declaration_type
        said = [f"DfE holds {self.matched} of the {self.expected} {kind} declaration{_s(self.expected)} "
                f"{self.partner}'s participants have met" if self.expected else
                f"{self.partner}'s participants have met no {kind} declaration the tracker expects"]
        if self.not_sent:
            said.append(f"{self.not_sent} {_are(self.not_sent)} not yet sent")
        if self.being_sent:
            said.append(f"{self.being_sent} {_are(self.being_sent)} being sent")
        if self.ended:
            said.append(f"{self.ended} {_are(self.ended)} voided or not funded at DfE although met")
        if self.not_expected:
            said.append(f"DfE holds {self.not_expected} more to pay that the tracker no longer expects")
        return "; ".join(said)


@dataclass
class Comparison:
    lines: list[Line]  # by partner, then declaration type in DfE's order
    differences: list[Difference]  # by partner, participant ID, declaration type

    def of(self, partner: str) -> list[Line]:
        return [line for line in self.lines if line.partner == partner]

    def differences_of(self, partner: str) -> list[Difference]:
        return [d for d in self.differences if d.partner == partner]

    @property
    def partners(self) -> list[str]:
        return list(dict.fromkeys(line.partner for line in self.lines))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def compare(expected: Iterable[Expected], held: Iterable[Held]) -> Comparison:
    """Each declaration of `expected` and `held` (one per participant and type on each side) put in
    its place. Expected ones that are blocked count as not expected: they earn nothing yet."""
    lines: dict[tuple[str, str], Line] = {}
    differences: list[Difference] = []

    def line(partner: str, kind: str) -> Line:
        found = lines.get((partner, kind))
        if found is None:
            found = lines[(partner, kind)] = Line(partner, kind)
        return found

    at_dfe = {(h.participant, h.declaration_type): h for h in held}
    blocked = set()
    for e in expected:
        key = (e.participant, e.declaration_type)
        if e.blocked:
            blocked.add(key)
            continue
        the = line(e.partner, e.declaration_type)
        the.expected += 1
        h = at_dfe.pop(key, None)
        state = h.state if h else None
        if state in LIVE:
            the.matched += 1
        elif state == SENDING:
            the.being_sent += 1
        elif state in ENDED:
            the.ended += 1
            differences.append(Difference(ENDED_AT_DFE, e.partner, e.participant_id, e.declaration_type, state))
        else:  # no record, or DfE refused it
            the.not_sent += 1
            differences.append(Difference(NOT_SENT, e.partner, e.participant_id, e.declaration_type, None))
        if state in STATES:
            the.held[state] += 1
    for h in at_dfe.values():
        if h.state not in STATES:
            continue  # the tracker's own states of something it no longer expects: nothing at DfE to compare
        the = line(h.partner, h.declaration_type)
        the.held[h.state] += 1
        if h.state in LIVE:
            the.not_expected += 1
            differences.append(Difference(NOT_EXPECTED, h.partner, h.participant_id, h.declaration_type, h.state,
                                          (h.participant, h.declaration_type) in blocked))
    order = {kind: i for i, kind in enumerate(DECLARATION_TYPES)}
    return Comparison(
        sorted(lines.values(), key=lambda the: (the.partner, order.get(the.declaration_type, 9), the.declaration_type)),
        sorted(differences, key=lambda d: (d.partner, d.participant_id, order.get(d.declaration_type, 9))),
    )
