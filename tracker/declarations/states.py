"""Recording the DfE state of a declaration (one, many, or a file), reopening a voided one,
its history, and the recorded states as a file that imports back unchanged."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..audit import record as audit
from ..clock import now as clock_now
from ..extensions import db
from ..imports import fields
from ..imports.base import ImportResult, RowError
from ..imports.evidence import EvidenceImporter
from ..exports.cells import csv_text
from ..imports.kinds import EDT_ONLY, register
from ..models import DeclarationEvent, DeclarationRecord, Participant
from ..models.people import participant_key
from ..refusal import Refusal
from ..rules.declaration_states import STATES, VOIDED, transition_problem
from ..rules.declarations import DECLARATION_TYPES
from .listing import rows as listed, stored
from .produce import Declaration, _chunks, people_query, unsigned

STATES_HEADER = ["participant_id", "declaration_type", "state", "declaration_id", "note"]


def current_record(participant_pk: int, kind: str) -> DeclarationRecord | None:
    return db.session.scalar(select(DeclarationRecord).where(
        DeclarationRecord.participant_id == participant_pk, DeclarationRecord.declaration_type == kind,
        DeclarationRecord.current.is_(True)))


def history(participant_pk: int, kind: str) -> list[DeclarationEvent]:
    """Every state change of the declaration, earlier records (reopened) included, oldest first."""
    return db.session.scalars(
        select(DeclarationEvent).join(DeclarationRecord, DeclarationEvent.declaration_id == DeclarationRecord.id)
        .where(DeclarationRecord.participant_id == participant_pk, DeclarationRecord.declaration_type == kind)
        .order_by(DeclarationEvent.at, DeclarationEvent.id)
    ).all()


def dfe_state(record: DeclarationRecord | None) -> str | None:
    """The DfE state recorded, or None when DfE holds nothing (not sent, refused, or being sent)."""
    return record.state if record is not None and record.state in STATES else None


def change_state(state: str, actor: str, *, declaration: Declaration | None = None,
                 record: DeclarationRecord | None = None, note: str = "", dfe_id: str | None = None,
                 from_dfe: bool = False) -> str:
    """Record DfE's state for one declaration: "created", "updated" or "unchanged".

    record: the current one, if any; declaration: the produced one, needed to create a record.
    What DfE's transitions do not allow is refused (a Refusal), except what DfE's API itself
    reports (from_dfe): that is the truth whatever the tracker held. The note of a change EDT
    records is kept with the declaration (the states file carries it); DfE's are only in the history.
    """
    before = dfe_state(record)
    problem = transition_problem(before, state)
    if problem and not from_dfe:
        raise Refusal("state", problem[0].upper() + problem[1:])
    now = clock_now()
    if record is None:
        if declaration is None or declaration.blocked:
            raise Refusal("state", "There is no declaration to record a state for")
        record = DeclarationRecord(
            participant_id=declaration.participant_pk, declaration_type=declaration.declaration_type,
            declaration_date=declaration.declaration_date, course_identifier=declaration.course_identifier,
            state=state, updated_at=now, current=True, dfe_id=dfe_id or None, note="" if from_dfe else note or "",
        )
        db.session.add(record)
        db.session.flush()
        _event(record, None, state, actor, note, now)
        return "created"
    wanted_id = dfe_id or record.dfe_id
    if record.state == state and record.dfe_id == wanted_id and (from_dfe or not note or record.note == note):
        return "unchanged"
    record.state, record.updated_at, record.dfe_id, record.errors = state, now, wanted_id, None
    if note and not from_dfe:
        record.note = note
    _event(record, before, state, actor, note, now)
    return "updated"


def keep_held(record: DeclarationRecord, attributes: dict) -> bool:
    """Keeps the statements (payment, refund) and the outcome DfE holds for the declaration (its
    answer's or list's attributes); whether any changed."""
    statement = attributes.get("statement_id") or None
    refund = attributes.get("clawback_statement_id") or None
    passed = attributes.get("has_passed")
    passed = passed if isinstance(passed, bool) else {"true": True, "false": False}.get(passed)
    changed = (record.statement_id, record.clawback_statement_id, record.has_passed) != (statement, refund, passed)
    record.statement_id, record.clawback_statement_id, record.has_passed = statement, refund, passed
    return changed


def _event(record: DeclarationRecord, before: str | None, after: str, actor: str, note: str, now) -> None:
    db.session.add(DeclarationEvent(declaration_id=record.id, from_state=before, to_state=after, at=now,
                                    by=actor, note=note or ""))
    audit(actor, "declaration-state", "declaration", record.id, participant_id=record.participant_id,
          before=None if before is None else {"state": before},
          after={"declaration_type": record.declaration_type, "state": after, "dfe_id": record.dfe_id,
                 "note": note or ""})


def reopen(record: DeclarationRecord, actor: str, note: str = "") -> None:
    """EDT reopens a voided declaration: it is to send again, as a new declaration at DfE."""
    if record.state != VOIDED or not record.current:
        raise Refusal(None, "Only a voided declaration can be reopened")
    record.current = None
    audit(actor, "declaration-reopen", "declaration", record.id, participant_id=record.participant_id,
          before={"state": VOIDED, "current": True},
          after={"declaration_type": record.declaration_type, "current": False, "note": note or ""})


def change_many(keys: list[tuple[int, str]], state: str, actor: str, today: date, note: str = "") -> dict[str, int]:
    """One state for many declarations, all or nothing: a Refusal lists every one refused, a line each."""
    pks = sorted({pk for pk, _ in keys})
    found = {row.declaration.key: row for row in listed(today, today, pks=pks)}
    problems, work = [], []
    for key in keys:
        row = found.get(key)
        if row is None:
            problems.append(f"{key[1]} declaration of participant {key[0]}: not found")
            continue
        name = f"{row.declaration.participant_id} {row.declaration.declaration_type}"
        if row.record is None and row.declaration.blocked:
            problems.append(f"{name}: blocked, not to be sent")
            continue
        current = row.record.state if row.record and row.record.state in STATES else None
        problem = transition_problem(current, state)
        if problem:
            problems.append(f"{name}: {problem}")
            continue
        work.append(row)
    if problems:
        raise Refusal("new_state", "\n".join(problems))
    outcomes = {"created": 0, "updated": 0, "unchanged": 0}
    for row in work:
        record = db.session.get(DeclarationRecord, row.record.id) if row.record else None
        outcomes[change_state(state, actor, declaration=row.declaration, record=record, note=note)] += 1
    return outcomes


@register("declaration-states", "Declaration states (as DfE reports them)", records="DfE declaration states",
          uploaded_by=EDT_ONLY, in_sample=False)
class StatesImporter(EvidenceImporter):
    """The declaration-states file (INTERCHANGE.md): each row a state DfE reports.

    An empty declaration_id or note keeps the one recorded.
    """

    required = ("participant_id", "declaration_type", "state")
    optional = ("declaration_id", "note")
    stand_ins = {}  # not an evidence file: named by the tracker's or DfE's participant id only
    key_columns = ("participant_id", "declaration_type")
    value_columns = ("state", "declaration_id", "note")
    audit_changes = False  # change_state audits each

    def __init__(self, context):
        super().__init__(context)
        self.rows_of: dict[tuple[int, str], int] = {}
        self.refs: dict[int, str] = {}
        # a row may name the participant by DfE's participant id (one that names one participant)
        query = select(Participant.dfe_participant_id, Participant.id, Participant.course_id, Participant.cohort).where(
            Participant.dfe_participant_id.is_not(None))
        if context.partner_id is not None:
            query = query.where(Participant.partner_id == context.partner_id)
        at_dfe: dict[str, list[tuple]] = {}
        for dfe_id, *known in db.session.execute(query):
            at_dfe.setdefault(participant_key(dfe_id), []).append(tuple(known))
        self.participants.update({key: found[0] for key, found in at_dfe.items()
                                  if len(found) == 1 and key not in self.participants})

    def parse(self, row):
        pk, _, _ = self.participant(row)
        kind = fields.text(row["declaration_type"]).lower()
        if kind not in DECLARATION_TYPES:
            raise RowError("declaration_type", f"'{fields.text(row['declaration_type'])}' is not one of "
                           + ", ".join(DECLARATION_TYPES))
        try:
            state = fields.one_of(row["state"], STATES)
        except ValueError as error:
            raise RowError("state", str(error)) from None
        self.rows_of.setdefault((pk, kind), self.row_number)
        self.refs[pk] = fields.text(row["participant_id"])
        return (pk, kind), (state, fields.text(row.get("declaration_id", "")), fields.text(row.get("note", "")))

    def apply(self, records: dict[tuple, tuple], result: ImportResult, dry_run: bool) -> None:
        today = self.context.today
        found = {r.declaration.key: r for r in listed(today, today, pks=list(self.refs), book=self.context.book)}
        why = unsigned((pk for (pk, _), r in found.items() if r.declaration.blocked), today)
        work = []
        for key, (state, dfe_id, note) in sorted(records.items(), key=lambda item: self.rows_of[item[0]]):
            number, ref, kind = self.rows_of[key], self.refs[key[0]], key[1]
            row = found.get(key)
            current = row.record.state if row and row.record and row.record.state in STATES else None
            if row is None:
                result.errors.append(f"row {number}: declaration_type: {ref} has no {kind} declaration: "
                                     "that output is not met")
                continue
            if current is None and row.declaration.blocked:
                result.errors.append(f"row {number}: declaration_type: {ref}'s {kind} declaration is blocked: "
                                     + " and ".join(why.get(key[0], ())))
                continue
            problem = transition_problem(current, state)
            if problem:
                result.errors.append(f"row {number}: state: {ref}'s {kind} declaration is {current}: {problem}")
                continue
            if (row.record and current == state and dfe_id in ("", row.record.dfe_id)
                    and note in ("", row.record.note)):
                result.unchanged += 1
                continue
            work.append((row, state, dfe_id, note))
        if result.errors:
            return
        for row, state, dfe_id, note in work:
            if row.record is None or row.record.state not in STATES:
                result.created += 1
            else:
                result.updated += 1
                stored_values = {"state": row.record.state, "declaration_id": row.record.dfe_id or "",
                                 "note": row.record.note or ""}
                result.changes.append((self.kind, row.declaration.key[0], stored_values,
                                       {"declaration_type": row.declaration.key[1], "state": state,
                                        "declaration_id": dfe_id or stored_values["declaration_id"],
                                        "note": note or stored_values["note"]}))
        if dry_run:
            return
        actor = self.context.user or "unknown"
        for row, state, dfe_id, note in work:
            record = db.session.get(DeclarationRecord, row.record.id) if row.record else None
            change_state(state, actor, declaration=row.declaration, record=record, note=note, dfe_id=dfe_id)


def states_csv(partner: str | None = None) -> str:
    """The recorded DfE states as a declaration-states file."""
    records = stored()
    refs = {}
    for chunk in _chunks(sorted({pk for pk, _ in records})):
        refs.update((row[0], row[1]) for row in db.session.execute(
            people_query(partner).where(Participant.id.in_(chunk))))
    lines = sorted(
        (refs[pk], kind, r.state, r.dfe_id or "", r.note)
        for (pk, kind), r in records.items() if pk in refs and r.state in STATES
    )
    return csv_text(STATES_HEADER, (list(line) for line in lines))

