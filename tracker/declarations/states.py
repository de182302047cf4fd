"""Recording the DfE state of a declaration, by hand or from a CSV, with its history."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from sqlalchemy import select

from ..audit import record as audit
from ..clock import now as clock_now
from ..exports.declarations import Declaration
from ..extensions import db
from ..imports import fields
from ..imports.base import Context, ImportResult, RowError, validate
from ..imports.evidence import EvidenceImporter
from ..imports.reading import FileProblem, header_key, read_rows
from ..models import DeclarationEvent, DeclarationRecord
from ..refusal import Refusal
from ..rules.declaration_states import STATES, transition_problem
from .listing import for_participants, records, unsigned


def history(record: DeclarationRecord | None) -> list[DeclarationEvent]:
    if record is None:
        return []
    return db.session.scalars(
        select(DeclarationEvent).where(DeclarationEvent.declaration_id == record.id)
        .order_by(DeclarationEvent.at, DeclarationEvent.id)
    ).all()


def change_state(state: str, actor: str, *, declaration: Declaration | None = None,
                 record: DeclarationRecord | None = None, note: str = "") -> str:
    """Record DfE's state for one declaration: "created", "updated" or "unchanged".

    record: the stored one, if any; declaration: the produced one, needed to create a record.
    Raises Refusal when DfE's transitions do not allow the change.
    """
    problem = transition_problem(record.state if record else None, state)
    if problem:
        raise Refusal("state", problem.capitalize())
    now = clock_now()
    if record is None:
        if declaration is None or declaration.blocked:
            raise Refusal("state", "There is no declaration to record a state for")
        record = DeclarationRecord(
            participant_id=declaration.participant_pk, declaration_type=declaration.declaration_type,
            declaration_date=declaration.declaration_date, course_identifier=declaration.course_identifier,
            state=state, updated_at=now,
        )
        db.session.add(record)
        db.session.flush()
        _event(record, None, state, actor, note, now)
        return "created"
    if record.state == state:
        return "unchanged"
    before, record.state, record.updated_at = record.state, state, now
    _event(record, before, state, actor, note, now)
    return "updated"


def _event(record: DeclarationRecord, before: str | None, after: str, actor: str, note: str, now) -> None:
    db.session.add(DeclarationEvent(declaration_id=record.id, from_state=before, to_state=after, at=now,
                                    by=actor, note=note or ""))
    audit(actor, "declaration-state", "declaration", record.id, participant_id=record.participant_id,
          before=None if before is None else {"state": before},
          after={"declaration_type": record.declaration_type, "state": after, "note": note or ""})


class StatesReader(EvidenceImporter):
    """Rows of (participant_id, declaration_type, state), checked like any importer's rows."""

    kind = "declaration-states"
    required = ("participant_id", "declaration_type", "state")
    optional = ("note",)
    key_columns = ("participant_id", "declaration_type")
    value_columns = ("state", "note")

    def __init__(self, context: Context, produced: dict[tuple[int, str], Declaration],
                 stored: dict[tuple[int, str], DeclarationRecord]):
        super().__init__(context)
        self.produced, self.stored = produced, stored
        self.why = unsigned(d.participant_pk for d in produced.values() if d.blocked)

    def parse(self, row):
        pk, _, _ = self.participant(row)
        ref = fields.text(row["participant_id"])
        kind = fields.text(row["declaration_type"]).lower()
        if not kind:
            raise RowError("declaration_type", "a declaration_type is required")
        key = (pk, kind)
        stored, made = self.stored.get(key), self.produced.get(key)
        if stored is None:
            if made is None:
                raise RowError("declaration_type", f"{ref} has no {kind} declaration: that output is not met")
            if made.blocked:
                raise RowError("declaration_type", f"{ref}'s {kind} declaration is blocked: "
                               + " and ".join(self.why.get(pk, ())))
        try:
            state = fields.one_of(row["state"], STATES)
        except ValueError as error:
            raise RowError("state", str(error)) from None
        problem = transition_problem(stored.state if stored else None, state)
        if problem:
            raise RowError("state", f"{ref}'s {kind} declaration is {stored.state}: {problem}")
        return key, (state, fields.text(row.get("note", "")))


@dataclass
class StatesResult(ImportResult):
    kind: str = "declaration-states"
    changed: list[tuple[int, str]] = field(default_factory=list)


def _named_participants(stream: BinaryIO, filename: str) -> set[str]:
    rows = read_rows(stream, filename)
    try:
        _, header = next(rows)
    except StopIteration:
        return set()
    column = next((i for i, name in enumerate(header) if header_key(name) == "participantid"), None)
    refs = set() if column is None else {fields.text(v[column]) for _, v in rows if column < len(v)}
    stream.seek(0)
    return refs


def import_states(stream: BinaryIO, filename: str, today: date, actor: str) -> StatesResult:
    """All or nothing: every row is checked before any state is written. The caller commits."""
    from ..engagement.book import Book
    from ..models import Participant
    from ..models.people import participant_id_in

    result = StatesResult()
    try:
        refs = _named_participants(stream, filename)
    except FileProblem as problem:
        result.errors.append(str(problem))
        return result
    book = Book()
    named, pks = sorted(refs), []
    for start in range(0, len(named), 2000):
        pks += db.session.scalars(select(Participant.id).where(participant_id_in(named[start : start + 2000])))
    made = {(d.participant_pk, d.declaration_type): d for d in for_participants(today, pks, book)}
    stored = records(pks)
    reader = StatesReader(Context(today, book, user=actor), made, stored)
    try:
        rows = validate(reader, stream, filename, result)
    except FileProblem as problem:
        result.errors.append(str(problem))
        return result
    if result.errors:
        return result
    for key, (state, note) in rows.items():
        outcome = change_state(state, actor, declaration=made.get(key), record=stored.get(key),
                               note=note or f"from {filename}")
        setattr(result, outcome, getattr(result, outcome) + 1)
        if outcome != "unchanged":
            result.changed.append(key)
    return result
