"""Agreeing an extended deadline for one output (escalation shows `extended` until it passes)."""
from __future__ import annotations

from datetime import date

from ..audit import record
from ..clock import now
from ..formats import long_date
from ..extensions import db
from ..models import Extension, Participant
from ..rules.facts import OutputSpec, WITHDRAWN
from ..refusal import Refusal
from .problems import require_past



def extendable(schedule: list[OutputSpec]) -> list[OutputSpec]:
    """The outputs a deadline can be agreed for: those with a published review date."""
    return [spec for spec in schedule if spec.review_date is not None]


def why_not_extend(participant: Participant, schedule: list[OutputSpec]) -> str | None:
    """Why no extended deadline can be agreed for the participant, or None."""
    if participant.status == WITHDRAWN:
        return f"{participant.full_name} has withdrawn, so an extension cannot be agreed."
    if not extendable(schedule):
        return "The participant's outputs have no review dates yet, so an extension cannot be agreed."
    return None


def agree_extension(participant: Participant, schedule: list[OutputSpec], *, output: int | None,
                    deadline: date | None, note: str | None, actor: str, today: date,
                    agreed_on: date | None = None) -> Extension:
    """schedule: the participant's outputs (Book().schedule(course_id, cohort)).

    agreed_on: the day the DP and the participant agreed it (default today), not after today.
    """
    refusal = why_not_extend(participant, schedule)
    if refusal:
        raise Refusal("output", refusal)
    spec = next((s for s in extendable(schedule) if s.number == output), None)
    if spec is None:
        raise Refusal("output", "Select the output the extended deadline is for")
    if deadline is None:
        raise Refusal("deadline", "Enter the extended deadline")
    if deadline <= today:
        raise Refusal("deadline", "The extended deadline must be in the future")
    if deadline <= spec.review_date:
        raise Refusal("deadline", f"The extended deadline must be after Output {spec.number}'s review date, "
                                        f"{long_date(spec.review_date)}")
    agreed_on = today if agreed_on is None else require_past("agreed_on", agreed_on, today, "date agreed")
    if agreed_on >= deadline:
        raise Refusal("agreed_on", "The date agreed must be before the extended deadline")
    extension = Extension(participant_id=participant.id, output=spec.number, deadline=deadline,
                          note=(note or "").strip(), agreed_by=actor, agreed_at=now(), agreed_on=agreed_on)
    db.session.add(extension)
    db.session.flush()
    record(actor, "agree-extension", "extension", extension.id, participant_id=participant.id,
           after={"output": spec.number, "deadline": deadline, "agreed_on": agreed_on, "note": extension.note})
    return extension
