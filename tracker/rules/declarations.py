"""DfE declarations: their types and which output makes which (DOMAIN.md "DfE declarations").

DfE's own checks of a declaration, applied before sending, are in dfe_checks.py.
"""
from __future__ import annotations

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
