"""Small shared reads: assessments per participant, partner identifiers."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import AssessmentRecord, DeliveryPartner
from ..rules.facts import Assessment


def assessments_by_participant(pks: list[int]) -> dict[int, list[Assessment]]:
    found: dict[int, list[Assessment]] = {}
    for start in range(0, len(pks), 5000):
        for pid, status, result, on in db.session.execute(
            select(AssessmentRecord.participant_id, AssessmentRecord.status, AssessmentRecord.result,
                   AssessmentRecord.recorded_on).where(AssessmentRecord.participant_id.in_(pks[start : start + 5000]))
        ):
            found.setdefault(pid, []).append(Assessment(status, result, on))
    return found


def partner_dfe_ids() -> dict[str, str | None]:
    return dict(db.session.execute(select(DeliveryPartner.code, DeliveryPartner.dfe_id)).all())
