"""Logging an attempt to contact a participant."""
from __future__ import annotations

from datetime import date

from ..audit import record
from ..clock import now
from ..extensions import db
from ..models import Participant
from ..models.escalation import CONTACT_METHODS, CONTACT_OUTCOMES, ContactAttempt
from .problems import require_choice, require_past


def log_contact(participant: Participant, *, contacted_on: date | None, method: str | None, outcome: str | None,
                note: str | None, actor: str, today: date) -> ContactAttempt:
    require_past("contacted_on", contacted_on, today, "date of contact")
    require_choice("method", method, CONTACT_METHODS, "Select how you contacted the participant")
    require_choice("outcome", outcome, CONTACT_OUTCOMES, "Select the outcome of the contact")
    contact = ContactAttempt(participant_id=participant.id, contacted_on=contacted_on, method=method,
                             outcome=outcome, note=(note or "").strip(), recorded_by=actor, recorded_at=now())
    db.session.add(contact)
    db.session.flush()
    record(actor, "log-contact", "contact_attempt", contact.id, participant_id=participant.id,
           after={"contacted_on": contacted_on, "method": method, "outcome": outcome, "note": contact.note})
    return contact
