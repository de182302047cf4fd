"""Reading back what the services wrote."""
from __future__ import annotations

import json

from sqlalchemy import select

from tracker.engagement.standing import participants_query, standings
from tracker.extensions import db
from tracker.models import AuditEvent, Participant


def audit_trail(participant) -> list[tuple[str, str, dict | None, dict | None]]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.participant_id == participant.id)
                                .order_by(AuditEvent.id))
    return [(e.action, e.entity, json.loads(e.before) if e.before else None, json.loads(e.after) if e.after else None)
            for e in events if e.action != "import"]


def escalation_on(participant, as_of):
    return standings(as_of, participants_query().where(Participant.id == participant.id))[0].escalation
