"""Who is behind on a block as of a date (rules/windows.py), for the pages and the report."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import Block, BlockWindow, CreditRecord
from ..rules.outputs import score_on
from ..rules.windows import Behind, Window, behind
from .book import Book
from .periods import load_periods
from .progress import counted_credits
from .standing import Standing


def windows_by_group() -> dict[tuple[int, str], list[Window]]:
    """(cohort, course group) -> its block completion windows, in block order."""
    found: dict[tuple[int, str], list[Window]] = {}
    for row in db.session.scalars(select(BlockWindow).order_by(BlockWindow.cohort, BlockWindow.course_group,
                                                               BlockWindow.block)):
        found.setdefault((row.cohort, row.course_group), []).append(Window(row.block, row.opens, row.closes))
    return found


def block_totals(book: Book) -> dict[int, dict[int, int | None]]:
    """course id -> block number -> total credits (None while the block or an activity is TBC)."""
    printed = dict(db.session.execute(select(Block.id, Block.printed_total)).all())
    totals: dict[int, dict[int, int | None]] = {}
    for course_id, facts in book.courses.items():
        per_block = totals[course_id] = {}
        for number, block_id in facts.blocks.items():
            activities = [a for a, b in facts.block_of_activity.items() if b == number]
            known = printed.get(block_id) is not None and all(a in facts.content.credits for a in activities)
            per_block[number] = sum(facts.content.credits[a] for a in activities) if known else None
    return totals


def _scores(found: list[Standing], book: Book, as_of: date) -> dict[int, dict[int, int]]:
    """participant -> block number -> credits earned by as_of (the largest per activity, capped).

    One aggregate query for everyone; a participant with a deferral or a withdrawal is scored
    from the credits that count (progress.counted_credits) instead."""
    courses = {s.pk: s.course_id for s in found}
    scores: dict[int, dict[int, int]] = {pk: {} for pk in courses}
    periods = load_periods(list(courses))
    with_periods = set(periods)
    for pk, credits in counted_credits(sorted(with_periods), periods).items():
        facts = book.courses[courses[pk]]
        for number in facts.blocks:
            in_block = [c for c in credits if facts.block_of_activity.get(c.activity_id) == number]
            if in_block:
                scores[pk][number] = score_on(facts.content, in_block, as_of)
    ids = [pk for pk in courses if pk not in with_periods]
    for start in range(0, len(ids), 2000):
        for pk, activity, best in db.session.execute(
            select(CreditRecord.participant_id, CreditRecord.activity_id, func.max(CreditRecord.credits))
            .where(CreditRecord.participant_id.in_(ids[start : start + 2000]), CreditRecord.completed_on <= as_of)
            .group_by(CreditRecord.participant_id, CreditRecord.activity_id)
        ):
            facts = book.courses[courses[pk]]
            block = facts.block_of_activity.get(activity)
            if block is not None:
                value = min(best, facts.content.credits.get(activity, 0))
                scores[pk][block] = scores[pk].get(block, 0) + value
    return scores


def behind_by_participant(found: Iterable[Standing], as_of: date, book: Book | None = None) -> dict[int, list[Behind]]:
    """participant -> the blocks they are behind on (only participants with windows set and behind)."""
    book = book or Book()
    windows = windows_by_group()
    chased = [s for s in found if s.status == "active"
              and (s.cohort, book.courses[s.course_id].course.course_group) in windows]
    if not chased:
        return {}
    totals, scores = block_totals(book), _scores(chased, book, as_of)
    result = {}
    for s in chased:
        late = behind(windows[(s.cohort, book.courses[s.course_id].course.course_group)], totals[s.course_id],
                      scores[s.pk], as_of)
        if late:
            result[s.pk] = late
    return result


def windows_set(cohort: int, group: str) -> bool:
    return (cohort, group) in windows_by_group()
