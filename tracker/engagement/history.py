"""A participant's history: what the DP and EDT did about them, and the audit trail of changes.

The escalation history is every contact attempt, agreed extension, deferral (and return),
withdrawal proposal and decision, oldest first. The audit trail is the AuditEvent rows for the
participant, newest first, in a reader's words (tracker/words.py).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select

from .. import words
from ..extensions import db
from ..formats import short_date
from ..models import AuditEvent, ContactAttempt, Deferral, Extension, Participant, User, WithdrawalRequest
from ..models.escalation import PROPOSED
from ..words import CONTACT_METHOD_LABELS, CONTACT_OUTCOME_LABELS, WITHDRAWAL_REASON_LABELS, label
from .book import Book

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
    for pk, output, deadline, note, by, at, agreed_on in rows(
        Extension.participant_id, Extension.output, Extension.deadline, Extension.note, Extension.agreed_by,
        Extension.agreed_at, Extension.agreed_on,
    ):
        found[pk].append(HistoryItem(agreed_on or at.date(), EXTENSION, by or "", f"Output {output} extended to {short_date(deadline)}",
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
    people = _people({item.by for items in found.values() for item in items})
    for pk, items in found.items():
        items[:] = [replace(item, by=people.get(item.by, item.by)) for item in items]
        items.sort(key=lambda item: (item.on, ORDER.index(item.kind)))
    return dict(found)


def _people(emails: set[str]) -> dict[str, str]:
    """Names for the users' emails that recorded history (one query): a reader knows the person, not the address."""
    emails.discard("")
    if not emails:
        return {}
    return dict(db.session.execute(select(User.email, User.name).where(User.email.in_(sorted(emails)))).all())


@dataclass(frozen=True)
class AuditLine:
    at: datetime  # UTC
    who: str
    what: str
    details: list[str]


AUDIT_LIMIT = 100


def audit_trail(participant_pk: int, book: Book, limit: int = AUDIT_LIMIT) -> tuple[list[AuditLine], bool]:
    """The newest `limit` audit events for the participant in a reader's words, and whether there are older ones."""
    rows = db.session.execute(
        select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.entity, AuditEvent.before,
               AuditEvent.after)
        .where(AuditEvent.participant_id == participant_pk)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit + 1)
    ).all()
    events = [(at, actor, action, entity, _load(before), _load(after))
              for at, actor, action, entity, before, after in rows[:limit]]
    names = _names(events, book)
    lines = [AuditLine(at, words.audit_who(actor, names), words.audit_action(action, entity),
                       words.audit_details(entity, before, after, names))
             for at, actor, action, entity, before, after in events]
    return lines, len(rows) > limit


def _names(events, book: Book) -> words.AuditNames:
    """People's names for the emails the events name (one query), and the course content from the book."""
    emails = {actor for _, actor, *_ in events}
    for *_, before, after in events:
        for values in (before or {}, after or {}):
            emails.update(v for k, v in values.items() if k in ("decided_by", "marked_by") and isinstance(v, str))
    people = _people(emails)
    activities, blocks, courses = {}, {}, {}
    for course_id, facts in book.courses.items():
        courses[course_id] = facts.course.code
        activities.update((activity.id, activity.title) for activity in facts.activities.values())
        blocks.update((block_id, number) for number, block_id in facts.blocks.items())
    return words.AuditNames(people, activities, blocks, courses)


def _load(value: str | None) -> dict | None:
    if not value:
        return None
    try:
        loaded = json.loads(value)
    except ValueError:
        return {"value": value}
    return loaded if isinstance(loaded, dict) else {"value": loaded}
