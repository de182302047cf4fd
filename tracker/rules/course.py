"""A course's outputs: which kind each is, from its course group (DOMAIN.md "Cohorts and outputs")."""
from __future__ import annotations

from datetime import date

from .facts import COACHING, FINAL, FIRST, RETENTION, OutputSpec

OUTPUT_COUNT = {"specialist": 3, "leadership": 4, "coaching": 3}
COACHING_OUTPUT_NAMES = (
    "Teacher Confirmed as Eligible for Support Offer and Support Commenced",
    "Retention Point",
    "Teacher Completed Support Offer",
)


def output_kind(course_group: str, number: int) -> str:
    if course_group == "coaching":
        return COACHING
    if number == 1:
        return FIRST
    return FINAL if number == OUTPUT_COUNT[course_group] else RETENTION


def build_schedule(course_group: str, rows: list[tuple[int, str, date]]) -> list[OutputSpec]:
    """rows: (number, name, review_date) of the (cohort, course group) schedule."""
    if course_group == "coaching":
        return [OutputSpec(n, name, COACHING, None) for n, name in enumerate(COACHING_OUTPUT_NAMES, 1)]
    return [OutputSpec(n, name, output_kind(course_group, n), review) for n, name, review in sorted(rows)]

