"""Importing a partner's report as it came: recognise it, read it, match its people, and import
what it proposes through the kind's own importer (INTERCHANGE.md "Reports as people have them").

The proposed register or credits become rows in the kind's columns and go through `run_import`
like any file of the kind: checked whole, all or nothing, recorded once with the file's own
digest and name, audited, participants recomputed. `import attendance` and `import credits` (and,
later, the browser's upload) call these.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy import select

from ..engagement.book import CourseFacts
from ..engagement.collection import collector_paused
from ..extensions import db
from ..models import Activity, Block
from ..refusal import Refusal
from ..rules.facts import TRAINING_EVENT, title_key
from .base import Context, ImportResult, run_import
from .kinds import get
from .proposals import credits as credits_proposal
from .proposals import register as register_proposal
from .proposals.credits import CourseActivity, ProposedCredits
from .who import people
from .proposals.register import Options, ProposedRegister
from .reading import FileProblem
from .reports import ReportFormat, identify, recognise

ATTENDANCE_COLUMNS = ["participant_id", "block", "event", "session_date", "attendance", "marked_by"]
CREDITS_COLUMNS = ["participant_id", "block", "activity", "completed_on", "source"]


def report_format(data: bytes, kind: str) -> ReportFormat | None:
    """The report these bytes are, when they are one; None for a file of the kind's own columns.
    FileProblem for a report of another kind, or one the tracker knows but does not read."""
    found = recognise(data)
    if found is None:
        return None
    if found.evidence != kind:
        raise FileProblem(f"This file is {found.title}, which holds {found.evidence}: import it as {found.evidence}")
    return identify(data)


def course_of(context: Context, code: str, cohort: int | None = None) -> CourseFacts:
    facts = context.book.by_code.get(code.strip().upper())
    if facts is None:
        raise Refusal("course", f"'{code}' is not a course (courses: {', '.join(sorted(context.book.by_code))})")
    if cohort is not None and cohort not in facts.course.cohort_numbers:
        offered = ", ".join(map(str, facts.course.cohort_numbers))
        raise Refusal("cohort", f"{facts.course.code} is not offered in cohort {cohort} (offered in cohorts {offered})")
    return facts


def event_title(facts: CourseFacts, block: int, title: str, codes) -> str | None:
    """The title of the course's training event in block N that TITLE names: that title, or the
    same title for this course (at a joint webinar `NPQLT Live Webinar` is also NPQLTD's `NPQLTD
    Live Webinar`; `Live Webinar` is each course's own); None when the course has none."""
    first, _, rest = title.strip().partition(" ")
    own = f"{facts.course.code} {rest if first.upper() in codes else title}"
    for candidate in (title, own):
        activity = facts.activities.get((block, title_key(candidate)))
        if activity is not None and activity.component == TRAINING_EVENT:
            return activity.title
    return None


@dataclass
class Imported:
    result: ImportResult
    proposed: ProposedRegister | ProposedCredits


@collector_paused()  # a bulk read: see engagement/collection.py
def import_register(data: bytes, filename: str, found: ReportFormat, context: Context, *, event: str, block: int,
                    options: Options, dates: str | None = None, dry_run: bool = False,
                    forecast: bool = False) -> Imported:
    """A Teams, Zoom or Moodle attendance report imported as registers of EVENT in block N."""
    groups = tuple((course_of(context, code, cohort).course.code, cohort) for code, cohort in options.groups)
    options = Options(options.session_date, options.minimum, groups, options.excused)
    codes = set(context.book.by_code)
    for code, _ in groups:
        if event_title(context.book.by_code[code], block, event, codes) is None:
            raise Refusal("event", f"'{event}' is not a training event of {code} block {block}")
    report = found.read(data, dates=dates)
    proposed = register_proposal.propose(report, people(context.partner_id, options.groups), options)
    titles = {code: event_title(facts, block, event, codes) or event for code, facts in context.book.by_code.items()}
    marked_by = context.user
    rows = [(mark.row if mark.row is not None else f"participant {mark.person.participant_id}",
             [mark.person.participant_id, block, titles[mark.person.course], mark.session_date, mark.mark, marked_by])
            for mark in proposed.marks]
    return Imported(_run("attendance", data, filename, context, ATTENDANCE_COLUMNS, rows, dry_run, forecast), proposed)


def course_activities(course_id: int) -> list[CourseActivity]:
    """The course's activities in timetable order: block by block, each in its position."""
    query = (select(Block.number, Activity.title).join(Block, Activity.block_id == Block.id)
             .where(Block.course_id == course_id).order_by(Block.number, Activity.position, Activity.id))
    return [CourseActivity(number, title) for number, title in db.session.execute(query)]


@collector_paused()
def import_completions(data: bytes, filename: str, found: ReportFormat, context: Context, *, course: str,
                       cohort: int, dry_run: bool = False, forecast: bool = False) -> Imported:
    """Moodle's activity completion report imported as credits of the course's cohort."""
    facts = course_of(context, course, cohort)
    report = found.read(data)
    proposed = credits_proposal.propose(report, course_activities(facts.course.id),
                                        people(context.partner_id, [(facts.course.code, cohort)]))
    rows = [(credit.row, [credit.person.participant_id, credit.activity.block, credit.activity.title,
                          credit.on.date() if credit.on else "", "platform"])
            for credit in proposed.credits]
    return Imported(_run("credits", data, filename, context, CREDITS_COLUMNS, rows, dry_run, forecast), proposed)


def _run(kind: str, data: bytes, filename: str, context: Context, columns: list[str], rows: list, dry_run: bool,
         forecast: bool):
    """forecast: also the outputs the import would newly meet (the browser's preview shows them)."""
    made = [(1, columns), *rows]
    return run_import(get(kind).importer_for(context), io.BytesIO(data), filename, dry_run=dry_run, rows=made,
                      forecast=forecast)

