"""Recording one assessment (tracker/assessments.py): the importer's checks, audit and recompute."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.assessments import CREATED, UNCHANGED, UPDATED, record_assessment
from tracker.models import AssessmentRecord, AuditEvent, Participant
from tracker.refusal import Refusal

from .factories import gen_participant

TODAY = date(2024, 3, 5)


def test_a_record_is_created_then_updated_then_unchanged_and_audited(session):
    participant = session.scalar(select(Participant).where(Participant.participant_id == gen_participant("A1")))
    values = dict(status="moderated", result="pass", recorded_on=date(2024, 3, 1), actor="staff@edt.example", today=TODAY)
    assert record_assessment(participant, **values) == CREATED
    assert record_assessment(participant, **{**values, "result": "fail"}) == UPDATED
    assert record_assessment(participant, **{**values, "result": "fail"}) == UNCHANGED
    assert session.scalar(select(AssessmentRecord.result)) == "fail"
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.participant_id == participant.id)
                              .order_by(AuditEvent.id)).all()
    assert actions == ["create", "update"]


@pytest.mark.parametrize("changes, field", [
    ({"recorded_on": date(2024, 3, 6)}, "recorded_on"),
    ({"status": "submitted", "result": "pass"}, "result"),
    ({"recorded_on": None}, "recorded_on"),
])
def test_a_bad_record_is_refused_naming_the_field_and_writes_nothing(session, changes, field):
    participant = session.scalar(select(Participant).where(Participant.participant_id == gen_participant("A1")))
    values = dict(status="moderated", result="pass", recorded_on=date(2024, 3, 1), actor="staff@edt.example", today=TODAY)
    with pytest.raises(Refusal) as refusal:
        record_assessment(participant, **{**values, **changes})
    assert refusal.value.field == field and refusal.value.message
    assert session.scalar(select(AssessmentRecord.id)) is None
