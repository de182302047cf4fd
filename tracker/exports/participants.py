"""The participants list as the page shows it, for CSV and XLSX: one row per participant."""
from __future__ import annotations

from collections.abc import Iterator

from ..engagement.next_steps_words import lead, short_why
from ..engagement.standing import Standing
from ..formats import iso_date
from ..rules.course import OUTPUT_COUNT
from .cells import csv_text, xlsx_bytes

MAX_OUTPUTS = max(OUTPUT_COUNT.values())
HEADER = ["participant_id", "full_name", "delivery_partner", "course", "cohort"] + [
    f"output_{n}" for n in range(1, MAX_OUTPUTS + 1)
] + ["escalation", "window_ends", "email", "why", "next_step"]


def participant_rows(found: list[Standing], steps: dict, emails: dict[int, str]) -> Iterator[list[object]]:
    """steps: participant -> their next steps (engagement/next_steps.py); emails: participant -> email."""
    for s in found:
        statuses = [o.status for o in s.outputs] + [""] * (MAX_OUTPUTS - len(s.outputs))
        made = steps.get(s.pk)
        yield [s.participant_id, s.full_name, s.partner, s.course, s.cohort, *statuses, s.escalation.state,
               iso_date(s.escalation.window_ends), emails.get(s.pk, ""),
               short_why(made) if made else "", lead(made) if made else ""]


def participants_csv(found: list[Standing], steps: dict, emails: dict[int, str]) -> str:
    return csv_text(HEADER, participant_rows(found, steps, emails))


def participants_xlsx(found: list[Standing], steps: dict, emails: dict[int, str]) -> bytes:
    return xlsx_bytes(HEADER, participant_rows(found, steps, emails), title="Participants")
