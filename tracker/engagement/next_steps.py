"""Next steps for many participants at once, from their standings and their evidence in bulk.

Only the evidence the rule reads is fetched (credits, video views, assessments: never the
registers), a few queries per 2,000 participants, and only for participants who have an
output to work towards.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import AssessmentRecord, CreditRecord, VideoViewRecord
from ..rules.facts import ACTIVE, Assessment, Credit, Evidence, VideoView
from ..rules.next_steps import NextSteps, Offered, Syllabus, next_steps
from ..rules.status import met_by
from .book import Book
from .standing import Standing

CHUNK = 2000


def syllabuses(book: Book) -> dict[int, Syllabus]:
    """Each course's activities in course order, and its blocks with content, by course id."""
    made = {}
    for course_id, facts in book.courses.items():
        offered = sorted(
            (
                Offered(a.id, facts.block_of_activity[a.id], a.position, a.title, a.component)
                for a in facts.activities.values()
            ),
            key=lambda o: (o.block, o.position),
        )
        made[course_id] = Syllabus(tuple(offered), tuple(sorted({o.block for o in offered})))
    return made


def _working(found: list[Standing], as_of: date) -> list[Standing]:
    """Participants with an output still to meet: the only ones the rule can name steps for."""
    return [
        s for s in found
        if s.status == ACTIVE and any(not met_by(o.met, as_of) for o in s.outputs)
    ]


def _evidence(ids: list[int], book: Book) -> dict[int, Evidence]:
    credit = CreditRecord.__table__.c
    video = VideoViewRecord.__table__.c
    assessment = AssessmentRecord.__table__.c
    block_numbers = {bid: number for facts in book.courses.values() for number, bid in facts.blocks.items()}
    evidence: dict[int, Evidence] = {}
    # At least one pass, even for nobody, so that a page's query count never depends on who is on it.
    for start in range(0, max(len(ids), 1), CHUNK):
        chunk = ids[start : start + CHUNK]
        for pid in chunk:
            evidence[pid] = Evidence()
        for pid, activity, credits, on in db.session.execute(
            select(credit.participant_id, credit.activity_id, credit.credits, credit.completed_on)
            .where(credit.participant_id.in_(chunk))
        ):
            evidence[pid].credits.append(Credit(activity, credits, on))
        for pid, block_id, percent, on in db.session.execute(
            select(video.participant_id, video.block_id, video.percent, video.viewed_on)
            .where(video.participant_id.in_(chunk))
        ):
            evidence[pid].videos.append(VideoView(block_numbers[block_id], percent, on))
        for pid, status, result, on in db.session.execute(
            select(assessment.participant_id, assessment.status, assessment.result, assessment.recorded_on)
            .where(assessment.participant_id.in_(chunk))
        ):
            evidence[pid].assessments.append(Assessment(status, result, on))
    return evidence


def next_steps_for(found: list[Standing], as_of: date, book: Book | None = None) -> dict[int, NextSteps]:
    """NextSteps by participant pk, for those of `found` who have any."""
    book = book or Book()
    courses = syllabuses(book)
    working = _working(found, as_of)
    evidence = _evidence([s.pk for s in working], book)
    steps: dict[int, NextSteps] = {}
    for s in working:
        made = next_steps(
            s.status,
            [o.spec for o in s.outputs],
            [o.met for o in s.outputs],
            book.courses[s.course_id].content,
            courses[s.course_id],
            evidence[s.pk],
            as_of,
        )
        if made is not None:
            steps[s.pk] = made
    return steps
