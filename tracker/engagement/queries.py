"""Small shared reads: assessments per participant, partner identifiers."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import AssessmentRecord, DeliveryPartner
from ..rules.facts import Assessment

NAMED = 5000  # ids sent in one IN list; more and the whole table is read


def assessments_by_participant(pks: list[int] | None = None) -> dict[int, list[Assessment]]:
    """Assessment records of these participants (everyone's when None).

    More than a few thousand participants are read as the whole table and filtered here,
    rather than sent to the database as tens of thousands of ids.
    """
    record = AssessmentRecord.__table__.c
    query = select(record.participant_id, record.status, record.result, record.recorded_on)
    found: dict[int, list[Assessment]] = {}
    if pks is not None and len(pks) <= NAMED:
        query = query.where(record.participant_id.in_(pks))
    wanted = None if pks is None or len(pks) <= NAMED else set(pks)
    for pid, status, result, on in db.session.execute(query):
        if wanted is None or pid in wanted:
            found.setdefault(pid, []).append(Assessment(status, result, on))
    return found


def partner_dfe_ids() -> dict[str, str | None]:
    return dict(db.session.execute(select(DeliveryPartner.code, DeliveryPartner.dfe_id)).all())
