"""DfE API v3 participant-declaration request bodies, one per met output not blocked."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..engagement.book import Book
from ..engagement.standing import Standing
from ..rules.course import declaration_type
from ..rules.facts import FINAL
from ..rules.outputs import assessment_result
from ..rules.status import BLOCKED, MET, MET_LATE


@dataclass(frozen=True)
class Declaration:
    participant_pk: int
    participant_id: str
    partner: str
    course: str
    cohort: int
    output: int
    declaration_type: str
    declaration_date: date
    course_identifier: str
    has_passed: bool | None
    blocked: bool


def declarations(standings: list[Standing], book: Book, assessments: dict[int, list]) -> Iterator[Declaration]:
    """Every met output as a declaration, blocked ones included (flagged) for EDT's review.

    assessments: participant pk -> their assessment records (rules.facts.Assessment).
    """
    for s in standings:
        facts = book.courses[s.course_id]
        schedule = [o.spec for o in s.outputs]
        for output in s.outputs:
            if output.status not in (MET, MET_LATE, BLOCKED):
                continue
            final = output.spec.kind == FINAL
            yield Declaration(
                s.pk, s.participant_id, s.partner, s.course, s.cohort, output.spec.number,
                declaration_type(schedule, output.spec.number), output.met_on,
                facts.course.dfe_identifier,
                assessment_result(assessments.get(s.pk, []), output.met_on) if final else None,
                output.status == BLOCKED,
            )


def request_body(declaration: Declaration, partner_dfe_id: str | None) -> dict:
    attributes = {
        "participant_id": declaration.participant_id,
        "declaration_type": declaration.declaration_type,
        "declaration_date": f"{declaration.declaration_date.isoformat()}T00:00:00Z",
        "course_identifier": declaration.course_identifier,
    }
    if declaration.has_passed is not None:
        attributes["has_passed"] = declaration.has_passed
    if partner_dfe_id:
        attributes["delivery_partner_id"] = partner_dfe_id
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def json_lines(bodies: Iterator[dict]) -> str:
    return "".join(json.dumps(body, separators=(", ", ": ")) + "\n" for body in bodies)
