"""Which escalation actions a user may take on a participant now, and who may take each.

The participant's page and their escalation history page both list available_actions(), and
the action pages themselves are guarded by the same roles.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Participant
from ..models.accounts import EDT_ADMIN, EDT_STAFF, FACILITATOR, PARTNER_LEAD
from ..rules.facts import DEFERRED, WITHDRAWN
from .withdrawals import open_proposal, why_not_propose

CONTACT, EXTENSION, DEFERRAL, WITHDRAWAL, AGREEMENT, DECISION = (
    "contact", "extension", "deferral", "withdrawal", "agreement", "decision")
# Facilitators chase participants, so they log contacts; decisions are for partner leads (and EDT,
# who may correct them). Only a partner proposes a withdrawal: EDT staff decide on it.
CONTACTERS = (PARTNER_LEAD, FACILITATOR, EDT_STAFF, EDT_ADMIN)
DECIDERS = (PARTNER_LEAD, EDT_STAFF, EDT_ADMIN)
PROPOSERS = (PARTNER_LEAD,)
DECIDERS_OF_WITHDRAWALS = (EDT_STAFF, EDT_ADMIN)


@dataclass(frozen=True)
class Action:
    kind: str
    text: str


def available_actions(participant: Participant, role: str) -> list[Action]:
    """What `role` may do about the participant now; nothing once they have withdrawn."""
    if participant.status == WITHDRAWN:
        return []
    actions = [Action(CONTACT, "Log a contact")] if role in CONTACTERS else []
    if role in DECIDERS:
        actions.append(Action(EXTENSION, "Agree an extended deadline"))
        actions.append(Action(DEFERRAL, "Record a return from deferral" if participant.status == DEFERRED
                              else "Record a deferral"))
    if role in PROPOSERS and why_not_propose(participant) is None:
        actions.append(Action(WITHDRAWAL, "Propose a withdrawal"))
    if role in DECIDERS:
        actions.append(Action(AGREEMENT, "Record a signed agreement"))
    if role in DECIDERS_OF_WITHDRAWALS and open_proposal(participant) is not None:
        actions.append(Action(DECISION, "Decide on the proposed withdrawal"))
    return actions
