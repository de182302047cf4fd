"""Load or update the reference data from the CSV files in reference/data/.

The files are checked as a whole before anything is written (rules/reference.py);
running the loader again updates what changed and leaves the rest.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Activity, Block, Cohort, Course, ScheduleOutput
from ..rules.reference import BlockFacts, ScheduleFacts, content_problems, offering_problems, schedule_problems

DATA = Path(__file__).parent / "data"


class ReferenceError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _rows(name: str, folder: Path) -> list[dict[str, str]]:
    with open(folder / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _number(value: str) -> int | None:
    return None if value.strip().upper() == "TBC" else int(value)


@dataclass
class ReferenceFiles:
    courses: list[dict[str, str]]
    cohorts: list[dict[str, str]]
    schedules: list[dict[str, str]]
    content: list[dict[str, str]]
    block_totals: list[dict[str, str]]
    course_totals: list[dict[str, str]]

    @classmethod
    def read(cls, folder: Path = DATA) -> ReferenceFiles:
        return cls(*(_rows(f"{name}.csv", folder) for name in
                     ("courses", "cohorts", "schedules", "content", "block_totals", "course_totals")))

    def problems(self) -> list[str]:
        credits: dict[tuple[str, int], list[int | None]] = {}
        for row in self.content:
            credits.setdefault((row["course"], int(row["block"])), []).append(_number(row["credits"]))
        blocks = [
            BlockFacts(row["course"], int(row["block"]), _number(row["total"]),
                       tuple(credits.get((row["course"], int(row["block"])), [None])))
            for row in self.block_totals
        ]
        totals = {row["course"]: _number(row["total"]) for row in self.course_totals}
        schedule = [
            ScheduleFacts(int(r["cohort"]), r["course_group"], int(r["output"]), date.fromisoformat(r["review_date"]),
                          date.fromisoformat(r["invoice_date"]), date.fromisoformat(r["payment_date"]))
            for r in self.schedules
        ]
        offered = {r["code"]: (r["course_group"], int(r["outputs"]), [int(c) for c in r["cohorts"].split()])
                   for r in self.courses}
        scheduled: dict[tuple[int, str], int] = {}
        for r in self.schedules:
            key = (int(r["cohort"]), r["course_group"])
            scheduled[key] = scheduled.get(key, 0) + 1
        cohorts = [int(r["cohort"]) for r in self.cohorts]
        return (content_problems(blocks, totals) + schedule_problems(schedule)
                + offering_problems(offered, cohorts, scheduled))


def load_reference(folder: Path = DATA) -> dict[str, int]:
    """Insert or update courses, blocks, activities, cohorts and schedules. Returns counts."""
    files = ReferenceFiles.read(folder)
    problems = files.problems()
    if problems:
        raise ReferenceError(problems)
    session = db.session
    totals = {row["course"]: _number(row["total"]) for row in files.course_totals}
    courses = {c.code: c for c in session.scalars(select(Course))}
    for row in files.courses:
        course = courses.get(row["code"]) or Course(code=row["code"])
        course.name, course.course_group = row["name"], row["course_group"]
        course.outputs, course.dfe_identifier, course.cohorts = int(row["outputs"]), row["dfe_identifier"], row["cohorts"]
        course.printed_total = totals.get(row["code"])
        session.add(course)
        courses[row["code"]] = course
    session.flush()
    blocks = {(b.course_id, b.number): b for b in session.scalars(select(Block))}
    for row in files.block_totals:
        key = (courses[row["course"]].id, int(row["block"]))
        block = blocks.get(key) or Block(course_id=key[0], number=key[1])
        block.printed_total = _number(row["total"])
        session.add(block)
        blocks[key] = block
    session.flush()
    activities = {(a.block_id, a.title): a for a in session.scalars(select(Activity))}
    for row in files.content:
        block = blocks[(courses[row["course"]].id, int(row["block"]))]
        activity = activities.get((block.id, row["title"])) or Activity(block_id=block.id, title=row["title"])
        activity.position, activity.component = int(row["position"]), row["component"]
        activity.duration, activity.credits = row["duration"], _number(row["credits"])
        session.add(activity)
    cohorts = {c.number: c for c in session.scalars(select(Cohort))}
    for row in files.cohorts:
        cohort = cohorts.get(int(row["cohort"])) or Cohort(number=int(row["cohort"]))
        cohort.name, cohort.start_date = row["name"], date.fromisoformat(row["start_date"])
        cohort.specialist_schedule, cohort.leadership_schedule = row["specialist_schedule"], row["leadership_schedule"]
        session.add(cohort)
    session.flush()
    outputs = {(o.cohort, o.course_group, o.number): o for o in session.scalars(select(ScheduleOutput))}
    for row in files.schedules:
        key = (int(row["cohort"]), row["course_group"], int(row["output"]))
        output = outputs.get(key) or ScheduleOutput(cohort=key[0], course_group=key[1], number=key[2])
        output.name, output.percentage = row["name"], Decimal(row["percentage"])
        output.review_date = date.fromisoformat(row["review_date"])
        output.invoice_date = date.fromisoformat(row["invoice_date"])
        output.payment_date = date.fromisoformat(row["payment_date"])
        session.add(output)
    session.flush()
    return {"courses": len(files.courses), "activities": len(files.content), "schedule outputs": len(files.schedules)}
