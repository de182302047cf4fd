"""An output's status as of a date, and a participant's escalation (DOMAIN.md tables)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .facts import COACHING, DEFERRED, FINAL, WITHDRAWN, OutputMet, OutputSpec

MET = "met"
MET_LATE = "met-late"
BLOCKED = "blocked"
PENDING = "pending"
NOT_MET = "not-met"
TOTAL_UNKNOWN = "total-unknown"
CRITERIA_PENDING = "criteria-pending"
OUTPUT_STATUSES = (MET, MET_LATE, BLOCKED, PENDING, NOT_MET, TOTAL_UNKNOWN, CRITERIA_PENDING)

NONE = "none"
DUE_SOON = "due-soon"
WINDOW = "window"
EXTENDED = "extended"
ESCALATED = "escalated"
ESCALATIONS = (NONE, DUE_SOON, WINDOW, EXTENDED, ESCALATED, DEFERRED, WITHDRAWN)
# Most urgent first, for action lists.
URGENCY = {ESCALATED: 0, WINDOW: 1, EXTENDED: 2, DUE_SOON: 3}

DUE_SOON_DAYS = 14
WINDOW_DAYS = 21


def signed_by(signed: bool, signed_on: date | None, as_of: date) -> bool:
    """An agreement is signed on D when it is signed and its date is D or earlier (no date: from the start)."""
    return bool(signed) and (signed_on is None or signed_on <= as_of)


def met_by(met: OutputMet, as_of: date) -> bool:
    return met.met_on is not None and met.met_on <= as_of


def output_status(
    spec: OutputSpec, met: OutputMet, as_of: date, *, payment_agreed: bool, total_known: bool
) -> str:
    """payment_agreed: the school contract and the sponsorship agreement are both signed."""
    if spec.kind == COACHING or spec.review_date is None:
        return CRITERIA_PENDING
    if spec.kind == FINAL and not total_known:
        return TOTAL_UNKNOWN
    if met_by(met, as_of):
        if not payment_agreed:
            return BLOCKED
        return MET if met.met_on <= spec.review_date else MET_LATE
    return PENDING if as_of <= spec.review_date else NOT_MET


@dataclass(frozen=True)
class Escalation:
    state: str
    output: int | None = None  # the output the escalation refers to
    review_date: date | None = None
    window_ends: date | None = None  # set for window, extended and escalated
    extended_to: date | None = None

    def days_after_review(self, as_of: date) -> int | None:
        return None if self.review_date is None else (as_of - self.review_date).days

    def days_left(self, as_of: date) -> int | None:
        """Days until the window ends (window) or the extension ends (extended)."""
        end = self.extended_to or self.window_ends
        return None if end is None else (end - as_of).days


# Escalations without an output are the same few values: made once (an Escalation is immutable).
_PLAIN = {state: Escalation(state) for state in (NONE, DEFERRED, WITHDRAWN)}
_DUE_SOON_BEFORE = timedelta(days=DUE_SOON_DAYS)
_WINDOW_AFTER = timedelta(days=WINDOW_DAYS)


def escalation(
    participant_status: str,
    schedule: list[OutputSpec],
    outputs: list[OutputMet],
    as_of: date,
    *,
    total_known: bool,
    extensions: dict[int, date] | None = None,
) -> Escalation:
    """extensions: output number -> the latest agreed extended deadline for it."""
    if participant_status in (DEFERRED, WITHDRAWN):
        return _PLAIN[participant_status]
    for spec, met in zip(schedule, outputs):
        if met_by(met, as_of):
            continue
        if spec.kind == COACHING or spec.review_date is None or (spec.kind == FINAL and not total_known):
            return _PLAIN[NONE]  # nothing the DP can chase yet
        review = spec.review_date
        if as_of < review - _DUE_SOON_BEFORE:
            return _PLAIN[NONE]
        if as_of <= review:
            return Escalation(DUE_SOON, spec.number, review)
        window_ends = review + _WINDOW_AFTER
        if as_of <= window_ends:
            return Escalation(WINDOW, spec.number, review, window_ends)
        extended_to = (extensions or {}).get(spec.number)
        if extended_to is not None and extended_to >= as_of:
            return Escalation(EXTENDED, spec.number, review, window_ends, extended_to)
        return Escalation(ESCALATED, spec.number, review, window_ends)
    return _PLAIN[NONE]
