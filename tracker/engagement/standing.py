"""Every participant's output statuses and escalation as of a date, from stored met_on.

The engagement CSV, the browser pages and the partnership report all read this.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from ..extensions import db
from ..models import Course, DeliveryPartner, Extension, OutputRecord, Participant
from ..rules.facts import OutputMet, OutputSpec
from ..rules.status import Escalation, escalation, met_by, output_status
from .book import Book


@dataclass(frozen=True)
class OutputStanding:
    spec: OutputSpec
    met: OutputMet
    status: str
    met_on: date | None  # only when met by the as-of date

    @property
    def basis(self) -> tuple[str, ...]:
        return self.met.basis if self.met_on else ()


@dataclass(frozen=True)
class Standing:
    pk: int
    participant_id: str
    full_name: str
    partner: str
    course: str
    course_id: int
    cohort: int
    status: str
    payment_agreed: bool
    outputs: list[OutputStanding]
    escalation: Escalation


def participants_query() -> Select:
    return (
        select(
            Participant.id,
            Participant.participant_id,
            Participant.full_name,
            DeliveryPartner.code,
            Course.code,
            Participant.course_id,
            Participant.cohort,
            Participant.status,
            Participant.school_contract_signed,
            Participant.sponsorship_agreement_signed,
        )
        .join(DeliveryPartner, Participant.partner_id == DeliveryPartner.id)
        .join(Course, Participant.course_id == Course.id)
        .order_by(Participant.participant_id)
    )


def standings(as_of: date, query: Select | None = None, book: Book | None = None) -> list[Standing]:
    """query: a participants_query() narrowed by the caller (partner, filters, page)."""
    book = book or Book()
    query = participants_query() if query is None else query
    people = db.session.execute(query).all()
    ids = select(query.with_only_columns(Participant.id).order_by(None).subquery().c.id)
    mets: dict[int, dict[int, OutputMet]] = {}
    for pid, number, met_on, basis, not_preferred in db.session.execute(
        select(
            OutputRecord.participant_id,
            OutputRecord.number,
            OutputRecord.met_on,
            OutputRecord.basis,
            OutputRecord.not_preferred,
        ).where(OutputRecord.participant_id.in_(ids))
    ):
        mets.setdefault(pid, {})[number] = OutputMet(number, met_on, tuple(basis.split(";")) if basis else (), not_preferred)
    extensions: dict[int, dict[int, date]] = {}
    for pid, output, deadline in db.session.execute(
        select(Extension.participant_id, Extension.output, func.max(Extension.deadline))
        .where(Extension.participant_id.in_(ids))
        .group_by(Extension.participant_id, Extension.output)
    ):
        extensions.setdefault(pid, {})[output] = deadline
    return [
        _standing(row, book, mets.get(row[0], {}), extensions.get(row[0], {}), as_of) for row in people
    ]


def _standing(row, book: Book, mets: dict[int, OutputMet], extensions: dict[int, date], as_of: date) -> Standing:
    pk, ref, name, partner, course, course_id, cohort, status, contract, sponsorship = row
    facts = book.courses[course_id]
    schedule = book.schedule(course_id, cohort)
    agreed = bool(contract and sponsorship)
    results = [mets.get(spec.number, OutputMet(spec.number, None)) for spec in schedule]
    outputs = [
        OutputStanding(
            spec,
            met,
            output_status(spec, met, as_of, payment_agreed=agreed, total_known=facts.total_known),
            met.met_on if met_by(met, as_of) else None,
        )
        for spec, met in zip(schedule, results)
    ]
    chase = escalation(status, schedule, results, as_of, total_known=facts.total_known, extensions=extensions)
    return Standing(pk, ref, name, partner, course, course_id, cohort, status, agreed, outputs, chase)
