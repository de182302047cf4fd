"""DfE API v3 participant-declaration request bodies (INTERCHANGE.md "declarations")."""
from __future__ import annotations

import json
from collections.abc import Iterable

from ..engagement.queries import partner_dfe_ids
from ..exports.cells import csv_text
from .listing import Row
from .produce import Declaration

CSV_HEADER = [
    "participant_id", "delivery_partner", "course", "cohort", "output", "declaration_type",
    "declaration_date", "course_identifier", "has_passed",
]


def request_body(declaration: Declaration, partner_dfe_id: str | None) -> dict:
    attributes = {
        "participant_id": declaration.dfe_participant_id,
        "declaration_type": declaration.declaration_type,
        "declaration_date": f"{declaration.declaration_date.isoformat()}T00:00:00Z",
        "course_identifier": declaration.course_identifier,
    }
    if declaration.has_passed is not None:
        attributes["has_passed"] = declaration.has_passed
    if partner_dfe_id:
        attributes["delivery_partner_id"] = partner_dfe_id
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def request_bodies(declarations: Iterable[Declaration]) -> list[dict]:
    dfe_ids = partner_dfe_ids()
    return [request_body(d, dfe_ids.get(d.partner)) for d in declarations]


def json_line(body: dict) -> str:
    return json.dumps(body, separators=(", ", ": ")) + "\n"


def json_lines(declarations: Iterable[Declaration]) -> str:
    return "".join(json_line(body) for body in request_bodies(declarations))


def csv_file(found: Iterable[Row]) -> str:
    """Declarations as a spreadsheet, one row each."""
    def has_passed(value):
        return "" if value is None else ("true" if value else "false")

    return csv_text(CSV_HEADER, (
        [d.participant_id, d.partner, d.course, d.cohort, d.output, d.declaration_type,
         d.declaration_date.isoformat(), d.course_identifier, has_passed(d.has_passed)]
        for d in (row.declaration for row in found)
    ))
