"""A participant's history: what the DP and EDT did about them, and the audit trail of changes.

The escalation history is every contact attempt, agreed extension, deferral (and return),
withdrawal proposal and decision, oldest first. The audit trail is the AuditEvent rows for the
participant, newest first, with before and after shown field by field.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..extensions import db
from ..formats import short_date
from ..models import AuditEvent, ContactAttempt, Deferral, Extension, Participant, WithdrawalRequest
from ..models.escalation import PROPOSED
from ..words import CONTACT_METHOD_LABELS, CONTACT_OUTCOME_LABELS, WITHDRAWAL_REASON_LABELS, label

CONTACT, EXTENSION, DEFERRAL, RETURN = "Contact", "Extension", "Deferral", "Return from deferral"
WITHDRAWAL_PROPOSED, WITHDRAWAL_DECIDED = "Withdrawal proposed", "Withdrawal decision"
# Same-day events in the order they happen: a contact leads to an extension, a deferral or a
# withdrawal proposal, which EDT decides later.
ORDER = (CONTACT, EXTENSION, DEFERRAL, RETURN, WITHDRAWAL_PROPOSED, WITHDRAWAL_DECIDED)


@dataclass(frozen=True)
class HistoryItem:
    on: date
    kind: str
    by: str
    what: str
    note: str = ""


def escalation_history(participant_pk: int) -> list[HistoryItem]:
    return histories(Participant.id == participant_pk).get(participant_pk, [])


def histories(which) -> dict[int, list[HistoryItem]]:
    """Escalation histories of the participants matching `which` (a condition on Participant),
    in four queries however many participants: the participant page, the history page and
    the partnership report all read this."""
    found: dict[int, list[HistoryItem]] = defaultdict(list)

    def rows(*columns):
        model = columns[0].class_
        return db.session.execute(
            select(*columns).join(Participant, model.participant_id == Participant.id).where(which)
        )

    for pk, on, method, outcome, note, by in rows(
        ContactAttempt.participant_id, ContactAttempt.contacted_on, ContactAttempt.method,
        ContactAttempt.outcome, ContactAttempt.note, ContactAttempt.recorded_by,
    ):
        what = f"{label(CONTACT_METHOD_LABELS, method)}: {label(CONTACT_OUTCOME_LABELS, outcome)}"
        found[pk].append(HistoryItem(on, CONTACT, by, what, note or ""))
    for pk, output, deadline, note, by, at in rows(
        Extension.participant_id, Extension.output, Extension.deadline, Extension.note, Extension.agreed_by,
        Extension.agreed_at,
    ):
        found[pk].append(HistoryItem(at.date(), EXTENSION, by or "", f"Output {output} extended to {short_date(deadline)}",
                                     note or ""))
    for pk, on, returned, note, by in rows(
        Deferral.participant_id, Deferral.deferred_on, Deferral.returned_on, Deferral.note, Deferral.recorded_by,
    ):
        found[pk].append(HistoryItem(on, DEFERRAL, by, "Deferred", note or ""))
        if returned:
            found[pk].append(HistoryItem(returned, RETURN, by, "Returned to the course"))
    for pk, on, reason, note, by, state, decided_by, decided_at, decision_note in rows(
        WithdrawalRequest.participant_id, WithdrawalRequest.proposed_on, WithdrawalRequest.reason,
        WithdrawalRequest.note, WithdrawalRequest.proposed_by, WithdrawalRequest.state,
        WithdrawalRequest.decided_by, WithdrawalRequest.decided_at, WithdrawalRequest.decision_note,
    ):
        pending = " (awaiting EDT's decision)" if state == PROPOSED else ""
        found[pk].append(HistoryItem(on, WITHDRAWAL_PROPOSED, by, f"Reason: {label(WITHDRAWAL_REASON_LABELS, reason)}{pending}",
                                     note or ""))
        if state != PROPOSED and decided_at is not None:
            found[pk].append(HistoryItem(decided_at.date(), WITHDRAWAL_DECIDED, decided_by or "",
                                         f"Withdrawal {state}", decision_note or ""))
    for items in found.values():
        items.sort(key=lambda item: (item.on, ORDER.index(item.kind)))
    return dict(found)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditLine:
    at: datetime  # UTC
    actor: str
    action: str
    entity: str
    entity_id: str | None
    changes: list[Change]


AUDIT_LIMIT = 100


def audit_trail(participant_pk: int, limit: int = AUDIT_LIMIT) -> tuple[list[AuditLine], bool]:
    """The newest `limit` audit events for the participant, and whether there are older ones."""
    rows = db.session.execute(
        select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id,
               AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.participant_id == participant_pk)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit + 1)
    ).all()
    lines = [AuditLine(at, actor, action, entity, entity_id, changes(before, after))
             for at, actor, action, entity, entity_id, before, after in rows[:limit]]
    return lines, len(rows) > limit


def changes(before: str | None, after: str | None) -> list[Change]:
    """Field by field, from the stored JSON: a field only in `after` was added, only in `before` removed."""
    old, new = _load(before), _load(after)
    return [
        Change(key, _text(old.get(key)), _text(new.get(key)))
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key) or key not in old
    ]


def _load(value: str | None) -> dict:
    if not value:
        return {}
    try:
        loaded = json.loads(value)
    except ValueError:
        return {"value": value}
    return loaded if isinstance(loaded, dict) else {"value": loaded}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
