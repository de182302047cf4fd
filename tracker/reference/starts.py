"""Cohort start dates: a start moves later only while no evidence of the cohort is dated before it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, union

from ..extensions import db
from ..models import CreditRecord, Participant, RegisterEntry, VideoViewRecord
from ..rules.facts import start_moved_past_evidence


def participants_with_evidence_before(cohort: int, start: date) -> int:
    """How many participants of `cohort` have credits, register marks or video views dated before `start`."""
    earlier = union(
        select(CreditRecord.participant_id).where(CreditRecord.completed_on < start),
        select(RegisterEntry.participant_id).where(RegisterEntry.session_date < start),
        select(VideoViewRecord.participant_id).where(VideoViewRecord.viewed_on < start),
    ).subquery()
    return len(db.session.scalars(
        select(Participant.id).where(Participant.cohort == cohort, Participant.id.in_(select(earlier.c[0])))).all())


def start_problem(cohort: int, start: date) -> str | None:
    return start_moved_past_evidence(cohort, start, participants_with_evidence_before(cohort, start))
