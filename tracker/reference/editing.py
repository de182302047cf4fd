"""EDT's edits to course content, schedules and prices, checked as the loader checks its files.

Every edit is checked against the whole of what it touches (a course's blocks and totals, or a
cohort and course group's schedule) with rules/reference.py before anything is stored; a
refused edit changes nothing. An accepted edit is audited (before and after) and met_on is
to recompute for the participants it can affect (Outcome.participants): the caller commits, then
has them recomputed (the web starts a job, tracker/jobs/kinds.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..audit import record
from ..engagement.book import Book, title_key
from ..extensions import db
from ..refusal import Refusal
from ..models import Activity, Block, BlockWindow, Cohort, Course, Participant, ScheduleOutput
from ..rules.facts import COMPONENTS
from ..rules.reference import BlockFacts, ScheduleFacts, content_problems, schedule_problems, window_problems
from .starts import start_problem

KEEP = object()  # "leave this value as it is"
MAX_PRICE = Decimal("99999999.99")


@dataclass(frozen=True)
class Outcome:
    participants: tuple[int, ...] = ()  # whose met_on the change can affect: to recompute


def _course_problems(course: Course, *, credits: dict[int, int | None] | None = None,
                     added: tuple[int, int | None] | None = None, block_totals: dict[int, int | None] | None = None,
                     course_total=KEEP) -> list[str]:
    """content_problems for `course` as it would be after the change.

    credits: activity id -> new credits; added: (block id, credits) of a new activity;
    block_totals: block id -> new printed total.
    """
    credits, block_totals = credits or {}, block_totals or {}
    facts = []
    for block in course.blocks:
        values = [credits[a.id] if a.id in credits else a.credits for a in block.activities]
        if added and added[0] == block.id:
            values.append(added[1])
        total = block_totals[block.id] if block.id in block_totals else block.printed_total
        facts.append(BlockFacts(course.code, block.number, total, tuple(values) or (None,)))
    printed = course.printed_total if course_total is KEEP else course_total
    return content_problems(facts, {course.code: printed})


def _course_participants(course: Course) -> Outcome:
    db.session.flush()
    return Outcome(tuple(db.session.scalars(select(Participant.id).where(Participant.course_id == course.id))))


def _check_number(field: str, value: int | None, what: str) -> None:
    if value is not None and value < 0:
        raise Refusal(field, f"{what} must be 0 or more")


def _check_title(block: Block, title: str, activity: Activity | None) -> None:
    if not title.strip():
        raise Refusal("title", "Enter the activity's title")
    for other in block.activities:
        if other is not activity and title_key(other.title) == title_key(title):
            raise Refusal("title", f"{block.course.code} block {block.number} already has an activity called '{other.title}'")


def _refuse(problems: list[str], field: str) -> None:
    if problems:
        raise Refusal(field, "; ".join(problems))


def _totals_changes(actor: str, block: Block, block_total, course_total) -> None:
    """Apply and audit new printed totals of a block and its course (KEEP: unchanged)."""
    if block_total is not KEEP and block_total != block.printed_total:
        record(actor, "update", "block", block.id, before={"course": block.course.code, "block": block.number,
               "printed_total": block.printed_total}, after={"printed_total": block_total})
        block.printed_total = block_total
    course = block.course
    if course_total is not KEEP and course_total != course.printed_total:
        record(actor, "update", "course", course.id, before={"course": course.code, "printed_total": course.printed_total},
               after={"printed_total": course_total})
        course.printed_total = course_total


def edit_activity(activity: Activity, actor: str, *, title: str, duration: str, credits: int | None,
                  block_total=KEEP, course_total=KEEP) -> Outcome:
    """Complete or correct an activity (None credits: TBC), with its block's and course's printed totals."""
    return edit_activities(activity.block, actor, {activity: (title, duration, credits)}, block_total=block_total,
                           course_total=course_total)


def complete_block(block: Block, actor: str, credits: dict[Activity, int | None], *, block_total=KEEP,
                   course_total=KEEP) -> Outcome:
    """Set the credits of several activities of a block at once (None: TBC), all or nothing, as edit_activity does
    each: checked together, so a block's activities may reach its printed total only when all are set."""
    return edit_activities(block, actor, {a: (a.title, a.duration, c) for a, c in credits.items()},
                           block_total=block_total, course_total=course_total, field="credits_{id}")


def edit_activities(block: Block, actor: str, changes: dict[Activity, tuple[str, str, int | None]], *,
                    block_total=KEEP, course_total=KEEP, field: str = "credits") -> Outcome:
    """The one way activities are corrected: activity -> (title, duration, credits) of `block`, checked as a
    whole against the block's and course's printed totals before anything is stored, each change audited.
    field: the form field a refused activity's credits are on ("{id}" is the activity's id)."""
    cleaned = {}
    for activity, (title, duration, credits) in changes.items():
        if activity.block_id != block.id:
            raise Refusal(None, f"'{activity.title}' is not an activity of {block.course.code} block {block.number}")
        title, duration = title.strip(), duration.strip()
        _check_title(block, title, activity)
        _check_number(field.format(id=activity.id), credits, f"Credits of '{title}'" if len(changes) > 1 else "Credits")
        cleaned[activity] = (title, duration, credits)
    _check_number("block_total", None if block_total is KEEP else block_total, "The block's printed total")
    _check_number("course_total", None if course_total is KEEP else course_total, "The course's printed total")
    _refuse(_course_problems(block.course, credits={a.id: c for a, (_, _, c) in cleaned.items()},
                             block_totals={} if block_total is KEEP else {block.id: block_total},
                             course_total=course_total), "credits" if len(changes) == 1 else "block_total")
    for activity, (title, duration, credits) in cleaned.items():
        before = {"course": block.course.code, "block": block.number, "title": activity.title,
                  "duration": activity.duration, "credits": activity.credits}
        after = {"title": title, "duration": duration or "TBC", "credits": credits}
        if any(before[k] != v for k, v in after.items()):
            record(actor, "update", "activity", activity.id, before=before, after=after)
            activity.title, activity.duration, activity.credits = after["title"], after["duration"], credits
    _totals_changes(actor, block, block_total, course_total)
    return _course_participants(block.course)


def add_activity(block: Block, actor: str, *, component: str, title: str, duration: str, credits: int | None,
                 block_total=KEEP, course_total=KEEP) -> Outcome:
    if component not in COMPONENTS:
        raise Refusal("component", f"Choose one of {', '.join(COMPONENTS)}")
    title, duration = title.strip(), duration.strip()
    _check_title(block, title, None)
    _check_number("credits", credits, "Credits")
    _check_number("block_total", None if block_total is KEEP else block_total, "The block's printed total")
    _refuse(_course_problems(block.course, added=(block.id, credits),
                             block_totals={} if block_total is KEEP else {block.id: block_total},
                             course_total=course_total), "credits")
    position = max((a.position for a in block.activities), default=0) + 1
    activity = Activity(block_id=block.id, position=position, component=component, title=title,
                        duration=duration or "TBC", credits=credits)
    db.session.add(activity)
    block.activities.append(activity)
    db.session.flush()
    record(actor, "create", "activity", activity.id, after={
        "course": block.course.code, "block": block.number, "component": component, "title": title,
        "duration": activity.duration, "credits": credits})
    _totals_changes(actor, block, block_total, course_total)
    return _course_participants(block.course)


def set_totals(block: Block, actor: str, *, block_total: int | None, course_total=KEEP) -> Outcome:
    """Set a block's printed total (None: TBC), and the course's when given."""
    _check_number("block_total", block_total, "The block's printed total")
    _check_number("course_total", None if course_total is KEEP else course_total, "The course's printed total")
    _refuse(_course_problems(block.course, block_totals={block.id: block_total}, course_total=course_total),
            "block_total")
    _totals_changes(actor, block, block_total, course_total)
    return _course_participants(block.course)


def edit_schedule(row: ScheduleOutput, actor: str, *, review_date: date, invoice_date: date,
                  payment_date: date) -> Outcome:
    """Change an output's dates; the cohort and course group's schedule must stay in order."""
    siblings = db.session.scalars(
        select(ScheduleOutput).where(ScheduleOutput.cohort == row.cohort, ScheduleOutput.course_group == row.course_group)
    ).all()
    facts = [
        ScheduleFacts(s.cohort, s.course_group, s.number, review_date, invoice_date, payment_date) if s is row
        else ScheduleFacts(s.cohort, s.course_group, s.number, s.review_date, s.invoice_date, s.payment_date)
        for s in siblings
    ]
    _refuse(schedule_problems(facts), "review_date")
    before = {"cohort": row.cohort, "course_group": row.course_group, "output": row.number,
              "review_date": row.review_date, "invoice_date": row.invoice_date, "payment_date": row.payment_date}
    after = {"review_date": review_date, "invoice_date": invoice_date, "payment_date": payment_date}
    if all(before[k] == v for k, v in after.items()):
        return Outcome()
    record(actor, "update", "schedule_output", row.id, before=before, after=after)
    row.review_date, row.invoice_date, row.payment_date = review_date, invoice_date, payment_date
    db.session.flush()
    return Outcome(tuple(db.session.scalars(
        select(Participant.id).join(Course, Participant.course_id == Course.id)
        .where(Participant.cohort == row.cohort, Course.course_group == row.course_group)
    )))


def set_price(course: Course, actor: str, price: Decimal | None) -> Outcome:
    """The price per teacher expected payments are counted at (None: not configured)."""
    if price is not None and not Decimal(0) <= price <= MAX_PRICE:
        raise Refusal("price", f"The price must be between £0 and £{MAX_PRICE:,}")
    price = None if price is None else price.quantize(Decimal("0.01"))
    if price != course.price_per_teacher:
        record(actor, "update", "course", course.id, before={"course": course.code, "price_per_teacher": course.price_per_teacher},
               after={"price_per_teacher": price})
        course.price_per_teacher = price
    return Outcome()


def edit_start(cohort: Cohort, actor: str, start_date: date) -> Outcome:
    """Move a cohort's course start; later only while no evidence of the cohort is dated before the new start."""
    if start_date == cohort.start_date:
        return Outcome()
    if start_date > cohort.start_date:
        problem = start_problem(cohort.number, start_date)
        if problem:
            raise Refusal("start_date", f"The start cannot move to {start_date.isoformat()}: {problem}")
    record(actor, "update", "cohort", cohort.number, before={"cohort": cohort.number, "start_date": cohort.start_date},
           after={"start_date": start_date})
    cohort.start_date = start_date
    return Outcome()


def set_window(cohort: Cohort, group: str, block: int, actor: str, *, opens: date, closes: date) -> Outcome:
    """Set a block completion window of a cohort and course group (checked as reference folders are)."""
    for field, message in window_problems(group, block, opens, closes):
        raise Refusal("opens" if field == "block" else field, message)
    row = db.session.scalar(select(BlockWindow).where(BlockWindow.cohort == cohort.number,
                                                      BlockWindow.course_group == group, BlockWindow.block == block))
    identity = {"cohort": cohort.number, "course_group": group, "block": block}
    if row is None:
        row = BlockWindow(cohort=cohort.number, course_group=group, block=block, opens=opens, closes=closes)
        db.session.add(row)
        db.session.flush()
        record(actor, "create", "block_window", row.id, after={**identity, "opens": opens, "closes": closes})
    elif (row.opens, row.closes) != (opens, closes):
        record(actor, "update", "block_window", row.id, before={**identity, "opens": row.opens, "closes": row.closes},
               after={"opens": opens, "closes": closes})
        row.opens, row.closes = opens, closes
    return Outcome()
