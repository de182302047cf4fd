"""A participant's engagement so far: credits per block against the block's total and against the
course total, register entries and video views.

The score is the rules' score_on (largest credits per activity, never a sum of repeats), taken
block by block. A block or course whose content is still TBC has no total: it is "not yet
known", never "the credits known so far".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Activity, Block, CreditRecord, RegisterEntry, VideoViewRecord
from ..rules.facts import Credit
from ..rules.outputs import credits_needed, reaches_final_share, score_on, video_counts
from ..rules.periods import Periods
from .book import CourseFacts
from .periods import load_periods

@dataclass(frozen=True)
class Tally:
    earned: int
    total: int | None  # None while the content is TBC

    @property
    def known(self) -> bool:
        return self.total is not None

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded down so a bar never shows 90% before it is reached."""
        if not self.total:
            return None
        return min(100, self.earned * 100 // self.total)

    @property
    def needed(self) -> int | None:
        """Credits that make 90% of the total (integers: 90% of 249 needs 225)."""
        return None if self.total is None else credits_needed(self.total)

    @property
    def reached(self) -> bool:
        return self.total is not None and reaches_final_share(self.earned, self.total)


@dataclass(frozen=True)
class BlockProgress(Tally):
    number: int = 0  # BlockProgress(earned, total, number)


@dataclass(frozen=True)
class CourseProgress:
    blocks: list[BlockProgress]
    course: Tally


def course_progress(facts: CourseFacts, block_totals: dict[int, int | None], credits: list[Credit],
                    as_of: date) -> CourseProgress:
    """block_totals: block number -> printed total, None while the block is TBC."""
    content = facts.content
    blocks = []
    for number in sorted(facts.blocks):
        activities = [a for a, b in facts.block_of_activity.items() if b == number]
        in_block = [c for c in credits if facts.block_of_activity.get(c.activity_id) == number]
        known = block_totals.get(number) is not None and all(a in content.credits for a in activities)
        total = sum(content.credits[a] for a in activities) if known and activities else (0 if known else None)
        blocks.append(BlockProgress(score_on(content, in_block, as_of), total, number))
    return CourseProgress(blocks, Tally(score_on(content, credits, as_of), content.total))


CHUNK = 2000


def credits_of(participant_pks: list[int]) -> dict[int, list[Credit]]:
    """Each participant's credit records, as the rules read them."""
    found: dict[int, list[Credit]] = {pk: [] for pk in participant_pks}
    for start in range(0, len(participant_pks), CHUNK):
        for pk, activity, value, on in db.session.execute(
            select(CreditRecord.participant_id, CreditRecord.activity_id, CreditRecord.credits, CreditRecord.completed_on)
            .where(CreditRecord.participant_id.in_(participant_pks[start : start + CHUNK]))
        ):
            found[pk].append(Credit(activity, value, on))
    return found


def counted_credits(participant_pks: list[int], periods: dict[int, Periods] | None = None) -> dict[int, list[Credit]]:
    """Each participant's credit records that count: none dated inside a deferral or after a
    confirmed withdrawal (rules/periods.py), as for met_on. periods: load_periods(), when read already."""
    found = credits_of(participant_pks)
    for pk, periods in (load_periods(participant_pks) if periods is None else periods).items():
        found[pk] = [c for c in found[pk] if periods.counts(c.completed_on)]
    return found


def credit_scores(courses: dict[int, CourseFacts], as_of: date) -> dict[int, int]:
    """courses: participant -> their course's facts. Each participant's course score on as_of."""
    return {pk: score_on(courses[pk].content, credits, as_of) for pk, credits in counted_credits(list(courses)).items()}


def participant_progress(participant_pk: int, facts: CourseFacts, as_of: date) -> CourseProgress:
    credits = counted_credits([participant_pk])[participant_pk]
    block_totals = dict(
        db.session.execute(select(Block.number, Block.printed_total).where(Block.course_id == facts.course.id)).all()
    )
    return course_progress(facts, block_totals, credits, as_of)


@dataclass(frozen=True)
class RegisterLine:
    event: str
    block: int
    session_date: date
    mark: str
    marked_by: str


@dataclass(frozen=True)
class ViewLine:
    block: int
    percent: float
    viewed_on: date

    @property
    def counts(self) -> bool:
        return video_counts(self.percent)


def registers(participant_pk: int) -> list[RegisterLine]:
    """The participant's register entries, oldest session first."""
    return [
        RegisterLine(title, block, on, mark, by or "")
        for title, block, on, mark, by in db.session.execute(
            select(Activity.title, Block.number, RegisterEntry.session_date, RegisterEntry.mark,
                   RegisterEntry.marked_by)
            .join(Activity, RegisterEntry.activity_id == Activity.id)
            .join(Block, Activity.block_id == Block.id)
            .where(RegisterEntry.participant_id == participant_pk)
            .order_by(RegisterEntry.session_date, Block.number, Activity.position)
        )
    ]


def video_views(participant_pk: int) -> list[ViewLine]:
    return [
        ViewLine(block, percent, on)
        for block, percent, on in db.session.execute(
            select(Block.number, VideoViewRecord.percent, VideoViewRecord.viewed_on)
            .join(Block, VideoViewRecord.block_id == Block.id)
            .where(VideoViewRecord.participant_id == participant_pk)
            .order_by(VideoViewRecord.viewed_on, Block.number)
        )
    ]
