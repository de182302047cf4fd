"""The declarations met outputs produce as of a date, with the DfE state recorded for each.

The declarations themselves come from exports/declarations.py, the same code as
`flask declarations`, so the page, its downloads and the command line never disagree.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..engagement.book import Book
from ..engagement.queries import assessments_by_participant, partner_dfe_ids
from ..engagement.standing import participants_query, standings
from ..exports.cells import csv_text
from ..exports.declarations import Declaration, declarations, json_lines, request_body
from ..extensions import db
from ..models import DeclarationRecord, Participant
from ..rules.course import declaration_type

CSV_HEADER = [
    "participant_id", "delivery_partner", "course", "cohort", "output", "declaration_type",
    "declaration_date", "course_identifier", "has_passed", "state",
]
CHUNK = 2000


@dataclass(frozen=True)
class Listed:
    declaration: Declaration
    state: str | None  # the DfE state recorded, None until EDT records one


@dataclass(frozen=True)
class Blocked:
    declaration: Declaration
    reasons: tuple[str, ...]  # which agreement is unsigned
    state: str | None


@dataclass(frozen=True)
class Unproduced:
    """A declaration with a recorded state that met outputs no longer produce (EDT may void it)."""

    record: DeclarationRecord
    participant_id: str
    partner: str
    output: int | None


@dataclass
class DeclarationList:
    ready: list[Listed] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    unproduced: list[Unproduced] = field(default_factory=list)


def produced(as_of: date, query=None, book: Book | None = None) -> list[Declaration]:
    """Every declaration of the participants in `query` (a participants_query()), blocked included."""
    book = book or Book()
    found = standings(as_of, participants_query() if query is None else query, book)
    return list(declarations(found, book, assessments_by_participant([s.pk for s in found])))


def for_participants(as_of: date, pks: Iterable[int], book: Book | None = None) -> list[Declaration]:
    book = book or Book()
    pks = sorted(set(pks))
    made = []
    for start in range(0, len(pks), CHUNK):
        query = participants_query().where(Participant.id.in_(pks[start : start + CHUNK]))
        made += produced(as_of, query, book)
    return made


def records(pks: Iterable[int] | None = None) -> dict[tuple[int, str], DeclarationRecord]:
    query = select(DeclarationRecord)
    if pks is None:
        return {(r.participant_id, r.declaration_type): r for r in db.session.scalars(query)}
    pks = sorted(set(pks))
    found = {}
    for start in range(0, len(pks), CHUNK):
        for r in db.session.scalars(query.where(DeclarationRecord.participant_id.in_(pks[start : start + CHUNK]))):
            found[(r.participant_id, r.declaration_type)] = r
    return found


def unsigned(pks: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Why each participant's outputs are blocked: the agreements not signed."""
    pks = sorted(set(pks))
    why = {}
    for start in range(0, len(pks), CHUNK):
        for pk, contract, sponsorship in db.session.execute(
            select(Participant.id, Participant.school_contract_signed, Participant.sponsorship_agreement_signed)
            .where(Participant.id.in_(pks[start : start + CHUNK]))
        ):
            why[pk] = tuple(reason for reason, signed in (
                ("school contract not signed", contract), ("sponsorship agreement not signed", sponsorship))
                if not signed)
    return why


def _output_of(book: Book, course_id: int, cohort: int, kind: str) -> int | None:
    schedule = book.schedule(course_id, cohort)
    return next((n for n in range(1, len(schedule) + 1) if declaration_type(schedule, n) == kind), None)


def build(as_of: date, cohort: int | None = None, output: int | None = None,
          book: Book | None = None) -> DeclarationList:
    book = book or Book()
    query = participants_query()
    if cohort is not None:
        query = query.where(Participant.cohort == cohort)
    made = [d for d in produced(as_of, query, book) if output is None or d.output == output]
    stored = records()
    listing = DeclarationList()
    why = unsigned(d.participant_pk for d in made if d.blocked)
    for d in made:
        state = stored.get((d.participant_pk, d.declaration_type))
        state = state.state if state else None
        if d.blocked:
            listing.blocked.append(Blocked(d, why.get(d.participant_pk, ()), state))
        else:
            listing.ready.append(Listed(d, state))
    ready = {(d.participant_pk, d.declaration_type) for d in made if not d.blocked}
    leftover = [r for key, r in stored.items() if key not in ready]
    if leftover:
        people = {
            pk: (ref, partner, course_id, cohort_of)
            for pk, ref, _, partner, _, course_id, cohort_of, *_ in db.session.execute(
                participants_query().where(Participant.id.in_({r.participant_id for r in leftover})))
        }
        for r in sorted(leftover, key=lambda r: (people[r.participant_id][0], r.declaration_type)):
            ref, partner, course_id, cohort_of = people[r.participant_id]
            number = _output_of(book, course_id, cohort_of, r.declaration_type)
            if (cohort is None or cohort_of == cohort) and (output is None or number == output):
                listing.unproduced.append(Unproduced(r, ref, partner, number))
    return listing


def request_bodies(made: Iterable[Declaration]) -> list[dict]:
    """DfE request bodies for the declarations that are not blocked, as `flask declarations`."""
    dfe_ids = partner_dfe_ids()
    return [request_body(d, dfe_ids.get(d.partner)) for d in made if not d.blocked]


def jsonl(listing: DeclarationList) -> str:
    return json_lines(iter(request_bodies(item.declaration for item in listing.ready)))


def csv_file(listing: DeclarationList) -> str:
    """The ready declarations as a spreadsheet; its first columns upload back as states."""
    def has_passed(value):
        return "" if value is None else ("true" if value else "false")

    return csv_text(CSV_HEADER, (
        [d.participant_id, d.partner, d.course, d.cohort, d.output, d.declaration_type,
         d.declaration_date.isoformat(), d.course_identifier, has_passed(d.has_passed), item.state or ""]
        for item in listing.ready for d in [item.declaration]
    ))
