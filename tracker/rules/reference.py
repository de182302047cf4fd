"""Checks on reference data (DOMAIN.md "Courses and content", "Cohorts and outputs").

Used by the loader at `init` and by EDT's edits in the browser: a failure names the
course/cohort/output and the values, and nothing is stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BlockFacts:
    course: str
    number: int
    printed_total: int | None  # None: TBC
    credits: tuple[int | None, ...]  # one per activity; None: TBC


@dataclass(frozen=True)
class ScheduleFacts:
    cohort: int
    course_group: str
    number: int
    review_date: date
    invoice_date: date
    payment_date: date


def content_problems(blocks: list[BlockFacts], course_totals: dict[str, int | None]) -> list[str]:
    problems = []
    sums: dict[str, int | None] = {}
    for block in blocks:
        known = None not in block.credits and block.printed_total is not None
        if block.printed_total is not None and None in block.credits:
            problems.append(
                f"{block.course} block {block.number}: printed total {block.printed_total} but some credits are TBC"
            )
        elif known and sum(block.credits) != block.printed_total:
            problems.append(
                f"{block.course} block {block.number}: activities add up to {sum(block.credits)}, "
                f"printed total is {block.printed_total}"
            )
        running = sums.get(block.course, 0)
        sums[block.course] = None if running is None or not known else running + block.printed_total
    for course, printed in course_totals.items():
        total = sums.get(course, 0)
        if printed is None:
            continue
        if total is None:
            problems.append(f"{course}: printed course total {printed} but some blocks are TBC")
        elif total != printed:
            problems.append(f"{course}: blocks add up to {total}, printed course total is {printed}")
    return problems


def schedule_problems(rows: list[ScheduleFacts]) -> list[str]:
    problems = []
    previous: dict[tuple[int, str], ScheduleFacts] = {}
    for row in sorted(rows, key=lambda r: (r.cohort, r.course_group, r.number)):
        where = f"cohort {row.cohort} {row.course_group} output {row.number}"
        if not row.review_date < row.invoice_date < row.payment_date:
            problems.append(
                f"{where}: review {row.review_date}, invoice sent {row.invoice_date}, "
                f"payment {row.payment_date} are not in order"
            )
        before = previous.get((row.cohort, row.course_group))
        if before is not None and not before.review_date < row.review_date:
            problems.append(
                f"{where}: review date {row.review_date} is not after output {before.number}'s {before.review_date}"
            )
        previous[(row.cohort, row.course_group)] = row
    return problems


def cohort_problems(course: str, offered: list[int], cohorts_with_participants: list[int]) -> list[str]:
    return [
        f"{course}: not offered in cohort {cohort} (offered in {' '.join(map(str, offered))})"
        for cohort in cohorts_with_participants
        if cohort not in offered
    ]


def offering_problems(offered: dict[str, tuple[str, int, list[int]]], cohorts: list[int],
                      schedules: dict[tuple[int, str], int]) -> list[str]:
    """A course exists only in the cohorts that offer it, and each of those has its schedule.

    offered: course code -> (course group, number of outputs, cohorts offering it);
    schedules: (cohort, course group) -> number of outputs scheduled.
    """
    problems = []
    for course, (group, outputs, numbers) in sorted(offered.items()):
        for cohort in numbers:
            if cohort not in cohorts:
                problems.append(f"{course}: offered in cohort {cohort}, which is not a cohort")
            elif group != "coaching" and schedules.get((cohort, group), 0) != outputs:
                problems.append(
                    f"{course}: offered in cohort {cohort}, whose {group} schedule has "
                    f"{schedules.get((cohort, group), 0)} outputs, not {outputs}"
                )
    return problems


GROUP_BLOCKS = {"specialist": 5, "leadership": 4, "coaching": 0}


def window_problems(group: str, block: int, opens: date, closes: date) -> list[tuple[str, str]]:
    """A block completion window: (field, message) for each problem."""
    problems = []
    blocks = GROUP_BLOCKS.get(group, 0)
    if not 1 <= block <= blocks:
        problems.append(("block", f"{group} courses have no block {block}"
                         + (f" (blocks 1-{blocks})" if blocks else "")))
    if closes < opens:
        problems.append(("closes", f"{closes.isoformat()} is before the window opens ({opens.isoformat()})"))
    return problems
