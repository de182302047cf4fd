"""Changing a participant's status, always with an audit event."""
from __future__ import annotations

from ..audit import record
from ..models import Participant


def set_status(participant: Participant, status: str, actor: str) -> None:
    before = participant.status
    participant.status = status
    record(actor, "change-status", "participant", participant.participant_id, participant_id=participant.id,
           before={"status": before}, after={"status": status})
