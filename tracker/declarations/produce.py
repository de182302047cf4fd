"""The declarations met outputs produce as of a date, read from stored met_on (output_record).

No participant's standing is recomputed: met_on is stored, so a declaration is one row of
output_record with its participant, put through the same status rule as every page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..engagement.book import Book
from ..engagement.queries import assessments_by_participant
from ..extensions import db
from ..models import Cohort, Course, DeliveryPartner, OutputRecord, Participant, WithdrawalRequest
from ..models.escalation import CONFIRMED
from ..rules.declarations import Proposed, declaration_type, dfe_refusal
from ..rules.facts import FINAL, OutputMet
from ..rules.outputs import assessment_result
from ..rules.status import BLOCKED, MET, MET_LATE, output_status, signed_by

CHUNK = 2000
DECLARED = (MET, MET_LATE, BLOCKED)


@dataclass(frozen=True, slots=True)
class Declaration:
    participant_pk: int
    participant_id: str
    partner: str
    course: str
    course_group: str
    cohort: int
    output: int
    declaration_type: str
    declaration_date: date
    course_identifier: str
    has_passed: bool | None
    blocked: bool

    @property
    def key(self) -> tuple[int, str]:
        return (self.participant_pk, self.declaration_type)


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _codes() -> tuple[dict[int, str], dict[int, str]]:
    return (dict(db.session.execute(select(DeliveryPartner.id, DeliveryPartner.code)).all()),
            dict(db.session.execute(select(Course.id, Course.code)).all()))


def _partner_id(code: str) -> int:
    return db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == code.upper())) or 0


def people_query(partner: str | None = None, cohort: int | None = None):
    """(pk, participant_id, partner code, course code, course_id, cohort, contract, sponsorship)
    of the participants, narrowed by partner code and cohort."""
    people = Participant.__table__.c
    query = (
        select(people.id, people.participant_id, DeliveryPartner.code, Course.code, people.course_id, people.cohort,
               people.school_contract_signed, people.sponsorship_agreement_signed)
        .join(DeliveryPartner, people.partner_id == DeliveryPartner.id)
        .join(Course, people.course_id == Course.id)
    )
    if partner:
        query = query.where(people.partner_id == _partner_id(partner))
    if cohort is not None:
        query = query.where(people.cohort == cohort)
    return query


class Produced:
    """Declarations as compact rows, built into Declarations only where they are shown or sent.

    A row: (pk, participant_id, partner id, course id, cohort, output, declaration date,
    (type, course group, course identifier, is final), blocked, has_passed).
    """

    def __init__(self, rows: list[tuple], partners: dict[int, str], courses: dict[int, str]):
        self.rows, self.partners, self.courses = rows, partners, courses

    def declaration(self, row: tuple) -> Declaration:
        pk, ref, partner_id, course_id, cohort, number, met_on, (kind, group, identifier, _), blocked, passed = row
        return Declaration(pk, ref, self.partners[partner_id], self.courses[course_id], group, cohort, number, kind,
                           met_on, identifier, passed, blocked)


def produced(as_of: date, **narrowed) -> list[Declaration]:
    """Every declaration met outputs make as of `as_of`, blocked ones included (flagged),
    ordered by participant_id then output."""
    made = produce(as_of, **narrowed)
    return [made.declaration(row) for row in made.rows]


def produce(as_of: date, *, partner: str | None = None, cohort: int | None = None, output: int | None = None,
            pks: list[int] | None = None, book: Book | None = None) -> Produced:
    """produced(), as compact rows.

    Plain columns (no ORM rows) and one verdict per (course, cohort, output): at national scale
    this reads some hundred thousand rows of output_record.
    """
    book = book or Book()
    people, record = Participant.__table__.c, OutputRecord.__table__.c
    base = (
        select(people.id, people.participant_id, people.partner_id, people.course_id, people.cohort,
               people.school_contract_signed, people.school_contract_signed_on, people.sponsorship_agreement_signed,
               people.sponsorship_agreement_signed_on, record.number, record.met_on)
        .join(Participant.__table__, record.participant_id == people.id)
        .where(record.met_on.is_not(None), record.met_on <= as_of)
        .order_by(people.participant_id, record.number)
    )
    if partner:
        base = base.where(people.partner_id == _partner_id(partner))
    if cohort is not None:
        base = base.where(people.cohort == cohort)
    if output is not None:
        base = base.where(record.number == output)
    queries = [base] if pks is None else [base.where(people.id.in_(chunk)) for chunk in _chunks(sorted(set(pks)))]
    shapes: dict[tuple[int, int, int], tuple | None] = {}
    found: list[tuple] = []
    finals: list[int] = []
    for query in queries:
        for pk, ref, partner_id, course_id, cohort_of, contract, contract_on, sponsorship, sponsorship_on, number, \
                met_on in db.session.execute(query).all():
            shape = shapes.get((course_id, cohort_of, number), False)
            if shape is False:
                shape = shapes[(course_id, cohort_of, number)] = _shape(book, course_id, cohort_of, number, as_of)
            if shape is not None:
                if shape[3]:
                    finals.append(len(found))
                agreed = signed_by(contract, contract_on, as_of) and signed_by(sponsorship, sponsorship_on, as_of)
                found.append((pk, ref, partner_id, course_id, cohort_of, number, met_on, shape, not agreed, None))
    if finals:
        assessments = assessments_by_participant(sorted({found[i][0] for i in finals}))
        for i in finals:
            row = found[i]
            found[i] = row[:9] + (assessment_result(assessments.get(row[0], []), row[6]),)
    return Produced(found, *_codes())


def _shape(book: Book, course_id: int, cohort: int, number: int, as_of: date):
    """(type, course group, course identifier, is final) of the output, or None when a met
    output of it makes no declaration (EHCO's criteria pending, a final output of unknown total)."""
    schedule = book.schedule(course_id, cohort)
    if not 1 <= number <= len(schedule):
        return None
    kind = declaration_type(schedule, number)
    spec, facts = schedule[number - 1], book.courses[course_id]
    met = output_status(spec, OutputMet(number, as_of), as_of, payment_agreed=True, total_known=facts.total_known)
    if not kind or met not in DECLARED:
        return None
    return kind, facts.course.course_group, facts.course.dfe_identifier, spec.kind == FINAL


class Checks:
    """DfE's own checks (rules/declarations.py) for many declarations, one verdict per set of facts."""

    def __init__(self, today: date):
        self.today = today
        self.starts = dict(db.session.execute(select(Cohort.number, Cohort.start_date)).all())
        self.withdrawn = withdrawal_dates()
        self.verdicts: dict[tuple, str | None] = {}

    def refusal(self, pk: int, kind: str, on: date, group: str, cohort: int, has_passed: bool | None) -> str | None:
        facts = (kind, on, group, cohort, has_passed, self.withdrawn.get(pk))
        reason = self.verdicts.get(facts, False)
        if reason is False:
            reason = self.verdicts[facts] = dfe_refusal(
                Proposed(kind, on, group, cohort, self.starts[cohort], has_passed, facts[5]), self.today)
        return reason


def withdrawal_dates() -> dict[int, date]:
    """The date of each participant's confirmed withdrawal (the day they left)."""
    return dict(db.session.execute(
        select(WithdrawalRequest.participant_id, func.max(WithdrawalRequest.proposed_on))
        .where(WithdrawalRequest.state == CONFIRMED).group_by(WithdrawalRequest.participant_id)
    ).all())


def unsigned(pks, as_of: date | None = None) -> dict[int, tuple[str, ...]]:
    """Why each participant's outputs are blocked as of the date: the agreements not signed by then."""
    people = Participant.__table__.c
    why = {}
    for chunk in _chunks(sorted(set(pks))):
        for pk, contract, contract_on, sponsorship, sponsorship_on in db.session.execute(
            select(people.id, people.school_contract_signed, people.school_contract_signed_on,
                   people.sponsorship_agreement_signed, people.sponsorship_agreement_signed_on)
            .where(people.id.in_(chunk))
        ):
            why[pk] = tuple(reason for reason, signed, on in (
                ("school contract not signed", contract, contract_on),
                ("sponsorship agreement not signed", sponsorship, sponsorship_on))
                if not (signed_by(signed, on, as_of) if as_of else signed))
    return why
