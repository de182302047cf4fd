"""Recompute and store met_on for participants whose evidence or reference data changed."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select

from ..extensions import db
from ..models import AssessmentRecord, CreditRecord, OutputRecord, Participant, RegisterEntry, VideoViewRecord
from ..rules.facts import Assessment, Credit, Evidence, Register, VideoView
from ..rules.outputs import compute_outputs
from .book import Book

CHUNK = 2000


def _chunks(ids: list[int], size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def load_evidence(ids: list[int], book: Book) -> dict[int, Evidence]:
    evidence = {pid: Evidence() for pid in ids}
    session = db.session
    for pid, activity, credits, on in session.execute(
        select(CreditRecord.participant_id, CreditRecord.activity_id, CreditRecord.credits, CreditRecord.completed_on)
        .where(CreditRecord.participant_id.in_(ids))
    ):
        evidence[pid].credits.append(Credit(activity, credits, on))
    for pid, activity, on, mark in session.execute(
        select(RegisterEntry.participant_id, RegisterEntry.activity_id, RegisterEntry.session_date, RegisterEntry.mark)
        .where(RegisterEntry.participant_id.in_(ids))
    ):
        evidence[pid].registers.append(Register(activity, on, mark))
    block_numbers = {bid: number for facts in book.courses.values() for number, bid in facts.blocks.items()}
    for pid, block_id, percent, on in session.execute(
        select(VideoViewRecord.participant_id, VideoViewRecord.block_id, VideoViewRecord.percent, VideoViewRecord.viewed_on)
        .where(VideoViewRecord.participant_id.in_(ids))
    ):
        evidence[pid].videos.append(VideoView(block_numbers[block_id], percent, on))
    for pid, status, result, on in session.execute(
        select(AssessmentRecord.participant_id, AssessmentRecord.status, AssessmentRecord.result, AssessmentRecord.recorded_on)
        .where(AssessmentRecord.participant_id.in_(ids))
    ):
        evidence[pid].assessments.append(Assessment(status, result, on))
    return evidence


def recompute(participant_ids: Iterable[int] | None = None, book: Book | None = None) -> int:
    """Recompute met_on for these participants (all when None). Returns how many."""
    book = book or Book()
    if participant_ids is None:
        participant_ids = db.session.scalars(select(Participant.id)).all()
    ids = sorted(set(participant_ids))
    for chunk in _chunks(ids):
        people = db.session.execute(
            select(Participant.id, Participant.course_id, Participant.cohort).where(Participant.id.in_(chunk))
        ).all()
        evidence = load_evidence(chunk, book)
        rows = []
        for pid, course_id, cohort in people:
            facts = book.courses[course_id]
            for met in compute_outputs(book.schedule(course_id, cohort), facts.content, evidence[pid]):
                rows.append(
                    {
                        "participant_id": pid,
                        "number": met.number,
                        "met_on": met.met_on,
                        "basis": ";".join(met.basis),
                        "not_preferred": met.not_preferred,
                    }
                )
        db.session.execute(delete(OutputRecord).where(OutputRecord.participant_id.in_(chunk)))
        if rows:
            db.session.execute(insert(OutputRecord), rows)
    return len(ids)
