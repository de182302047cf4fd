"""Reference data as the rules want it, read from the database once per operation."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Activity, Block, Cohort, Course, ScheduleOutput
from ..rules.course import build_schedule
from ..rules.facts import Content, OutputSpec, title_key  # noqa: F401 (title_key: imported from here)


@dataclass
class CourseFacts:
    course: Course
    content: Content
    blocks: dict[int, int]  # block number -> block id
    activities: dict[tuple[int, str], Activity]  # (block number, title key) -> activity
    block_of_activity: dict[int, int] = field(default_factory=dict)  # activity id -> block number

    @property
    def total_known(self) -> bool:
        return self.content.total is not None


class Book:
    """Courses with content, and schedules per (cohort, course group)."""

    def __init__(self) -> None:
        self.courses: dict[int, CourseFacts] = {}
        self.by_code: dict[str, CourseFacts] = {}
        self.schedules: dict[tuple[int, str], list[OutputSpec]] = {}
        self.schedule_rows: dict[tuple[int, str], list[ScheduleOutput]] = {}
        self.cohort_starts: dict[int, date] = dict(db.session.execute(select(Cohort.number, Cohort.start_date)).all())
        courses = db.session.scalars(select(Course)).all()
        blocks = db.session.scalars(select(Block)).all()
        activities = db.session.scalars(select(Activity)).all()
        blocks_by_course: dict[int, list[Block]] = {}
        for block in blocks:
            blocks_by_course.setdefault(block.course_id, []).append(block)
        acts_by_block: dict[int, list[Activity]] = {}
        for activity in activities:
            acts_by_block.setdefault(activity.block_id, []).append(activity)
        for course in courses:
            credits, components, lookup, block_of = {}, {}, {}, {}
            known = bool(blocks_by_course.get(course.id))
            for block in blocks_by_course.get(course.id, []):
                if block.printed_total is None:
                    known = False
                for activity in acts_by_block.get(block.id, []):
                    lookup[(block.number, title_key(activity.title))] = activity
                    block_of[activity.id] = block.number
                    components[activity.id] = activity.component
                    if activity.credits is None:
                        known = False
                    else:
                        credits[activity.id] = activity.credits
            total = sum(credits.values()) if known else None
            facts = CourseFacts(
                course,
                Content(credits, components, total),
                {b.number: b.id for b in blocks_by_course.get(course.id, [])},
                lookup,
                block_of,
            )
            self.courses[course.id] = facts
            self.by_code[course.code] = facts
        rows: dict[tuple[int, str], list[ScheduleOutput]] = {}
        for row in db.session.scalars(select(ScheduleOutput)).all():
            rows.setdefault((row.cohort, row.course_group), []).append(row)
        for key, group in rows.items():
            group.sort(key=lambda r: r.number)
            self.schedule_rows[key] = group
            self.schedules[key] = build_schedule(key[1], [(r.number, r.name, r.review_date) for r in group])

    def schedule(self, course_id: int, cohort: int) -> list[OutputSpec]:
        group = self.courses[course_id].course.course_group
        if group == "coaching":
            return build_schedule("coaching", [])
        return self.schedules.get((cohort, group), [])
