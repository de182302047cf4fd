"""Every declaration EDT looks at, with where it stands: to send, failing DfE's checks, blocked,
being sent, or the state DfE reports for it.

One list for the page, its downloads, the command line and the API's submit, so that they
never disagree about what is to send.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..engagement.book import Book
from ..extensions import db
from ..models import DeclarationRecord, Participant
from ..rules.declaration_states import STATES
from ..rules.declarations import declaration_type
from .produce import Checks, Declaration, Produced, _chunks, people_query, produce

TO_SEND = "to-send"
FAILING = "failing"  # fails DfE's own checks: never sent
BLOCKED = "blocked"
SENDING = "sending"  # claimed by a submit, DfE has not answered yet
REFUSED = "refused"  # a record's state after DfE answered 422: the declaration stays to send
STANDINGS = (TO_SEND, FAILING, BLOCKED, SENDING) + STATES


@dataclass(frozen=True, slots=True)
class Stored:
    """A current declaration record, as plain values."""

    id: int
    participant_pk: int
    declaration_type: str
    declaration_date: date
    course_identifier: str
    state: str
    dfe_id: str | None
    note: str
    errors: str | None


@dataclass(frozen=True, slots=True)
class Row:
    declaration: Declaration
    standing: str  # one of STANDINGS
    reason: str = ""  # why it fails DfE's checks
    record: Stored | None = None
    produced: bool = True  # False: recorded, but no met output makes it now

    @property
    def errors(self) -> list[str]:
        """DfE's 422 details from the last time it was sent."""
        return (self.record.errors or "").splitlines() if self.record else []


def stored(pks: list[int] | None = None) -> dict[tuple[int, str], Stored]:
    table = DeclarationRecord.__table__.c
    query = select(table.id, table.participant_id, table.declaration_type, table.declaration_date,
                   table.course_identifier, table.state, table.dfe_id, table.note, table.errors).where(
        table.current.is_(True))
    queries = [query] if pks is None else [query.where(table.participant_id.in_(c)) for c in _chunks(sorted(set(pks)))]
    return {(r[1], r[2]): Stored(*r) for q in queries for r in db.session.execute(q)}


class Listing:
    """Where each declaration stands, as compact entries; Rows are built only for what is shown
    or sent. An entry: (standing, compact row or Declaration, record, reason, produced)."""

    def __init__(self, made: Produced, entries: list[tuple]):
        self.made, self.entries = made, entries

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STANDINGS, 0)
        for entry in self.entries:
            found[entry[0]] += 1
        return found

    def of(self, standing: str) -> list[tuple]:
        return [entry for entry in self.entries if entry[0] == standing]

    def row(self, entry: tuple) -> Row:
        standing, found, record, reason, produced = entry
        declaration = found if isinstance(found, Declaration) else self.made.declaration(found)
        return Row(declaration, standing, reason, record, produced)

    def rows(self) -> list[Row]:
        return [self.row(entry) for entry in self.entries]


def listing(as_of: date, today: date, *, partner: str | None = None, cohort: int | None = None,
            output: int | None = None, pks: list[int] | None = None, book: Book | None = None) -> Listing:
    """Produced declarations with their standing, then recorded ones no met output makes now."""
    book = book or Book()
    made = produce(as_of, partner=partner, cohort=cohort, output=output, pks=pks, book=book)
    records = stored(pks)
    checks = Checks(today, made.dfe)
    entries = []
    for row in made.rows:
        pk, _, partner_id, _, cohort_of, _, on, (kind, group, _, _), blocked, passed = row
        record = records.pop((pk, kind), None) if records else None
        if record is not None and record.state != REFUSED:
            entries.append((record.state, row, record, "", True))
        elif blocked:
            entries.append((BLOCKED, row, record, "", True))
        else:
            reason = checks.refusal(pk, kind, on, group, cohort_of, passed, partner_id)
            entries.append((FAILING, row, record, reason, True) if reason else (TO_SEND, row, record, "", True))
    if records:
        entries += [(r.standing, r.declaration, r.record, "", False)
                    for r in _unproduced(records, book, partner, cohort, output)]
    return Listing(made, entries)


def rows(as_of: date, today: date, **narrowed) -> list[Row]:
    return listing(as_of, today, **narrowed).rows()


def _unproduced(records: dict[tuple[int, str], Stored], book: Book, partner, cohort, output) -> list[Row]:
    wanted = sorted({pk for pk, _ in records})
    people = {}
    for chunk in _chunks(wanted):
        for row in db.session.execute(people_query(partner, cohort).where(Participant.id.in_(chunk))):
            people[row[0]] = row
    found = []
    for (pk, kind), record in records.items():
        person = people.get(pk)
        if person is None or record.state == REFUSED:
            continue  # another partner or cohort; or refused by DfE and no longer made: nothing to show
        _, ref, code, course, course_id, cohort_of, contract, sponsorship = person
        schedule = book.schedule(course_id, cohort_of)
        number = next((n for n in range(1, len(schedule) + 1) if declaration_type(schedule, n) == kind), 0)
        if output is not None and number != output:
            continue
        d = Declaration(pk, ref, code, course, book.courses[course_id].course.course_group, cohort_of, number, kind,
                        record.declaration_date, record.course_identifier, None, not (contract and sponsorship))
        found.append(Row(d, record.state, record=record, produced=False))
    found.sort(key=lambda r: (r.declaration.participant_id, r.declaration.output))
    return found


def to_send(found: list[Row]) -> list[Row]:
    return [r for r in found if r.standing == TO_SEND and r.produced]


def failing(found: list[Row]) -> list[Row]:
    return [r for r in found if r.standing == FAILING]


