"""The engagement CSV of INTERCHANGE.md: one row per participant per output."""
from __future__ import annotations

from collections.abc import Iterator

from ..engagement.standing import Standing
from ..formats import iso_date

HEADER = [
    "participant_id", "delivery_partner", "course", "cohort", "output", "output_name",
    "review_date", "status", "met_on", "evidence", "escalation", "window_ends",
]


def engagement_rows(standings: list[Standing]) -> Iterator[list[object]]:
    for s in standings:
        window_ends = iso_date(s.escalation.window_ends)
        for output in s.outputs:
            yield [
                s.participant_id, s.partner, s.course, s.cohort, output.spec.number, output.spec.name,
                iso_date(output.spec.review_date), output.status, iso_date(output.met_on), ";".join(output.basis),
                s.escalation.state, window_ends,
            ]
