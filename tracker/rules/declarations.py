"""DfE declarations: their types, when one is to send, and DfE's own checks (DOMAIN.md "DfE declarations").

DfE does not check NPQ declarations against output rules, but it refuses one dated before the
schedule starts, in the future or after a withdrawal, of a type the course's schedule lacks,
and a `completed` without `has_passed`. The tracker applies the same checks first, so that
nothing it sends is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .facts import FINAL, FIRST, RETENTION, OutputSpec

STARTED = "started"
RETAINED_1 = "retained-1"
RETAINED_2 = "retained-2"
COMPLETED = "completed"
DECLARATION_TYPES = (STARTED, RETAINED_1, RETAINED_2, COMPLETED)
TYPES_OF_GROUP = {
    "specialist": (STARTED, RETAINED_1, COMPLETED),
    "leadership": (STARTED, RETAINED_1, RETAINED_2, COMPLETED),
    "coaching": (),  # EHCO: criteria not yet published, nothing to declare
}


def declaration_type(schedule: list[OutputSpec], number: int) -> str:
    """started, retained-1, retained-2, completed; "" for an output that makes no declaration."""
    spec = schedule[number - 1]
    if spec.kind == RETENTION:
        return f"retained-{sum(1 for s in schedule[:number] if s.kind == RETENTION)}"
    return {FIRST: STARTED, FINAL: COMPLETED}.get(spec.kind, "")


@dataclass(frozen=True)
class Proposed:
    """What DfE's checks read of one declaration."""

    declaration_type: str
    declaration_date: date
    course_group: str
    cohort: int
    cohort_start: date
    has_passed: bool | None = None
    withdrawn_on: date | None = None  # a confirmed withdrawal


def dfe_refusal(declaration: Proposed, today: date) -> str | None:
    """Why DfE would refuse the declaration, or None when it passes DfE's checks."""
    on = declaration.declaration_date
    if declaration.declaration_type not in TYPES_OF_GROUP.get(declaration.course_group, ()):
        return f"{declaration.declaration_type} is not a declaration type of a {declaration.course_group} course"
    if on < declaration.cohort_start:
        return (f"declaration date {on.isoformat()} is before cohort {declaration.cohort} started "
                f"({declaration.cohort_start.isoformat()})")
    if on > today:
        return f"declaration date {on.isoformat()} is after today ({today.isoformat()})"
    if declaration.withdrawn_on is not None and on > declaration.withdrawn_on:
        return f"declaration date {on.isoformat()} is after the withdrawal on {declaration.withdrawn_on.isoformat()}"
    if declaration.declaration_type == COMPLETED and declaration.has_passed is None:
        return "a completed declaration needs has_passed: no moderated result is recorded on or before its date"
    return None
