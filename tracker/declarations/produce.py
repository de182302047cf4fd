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
from ..models import Cohort, Course, DeliveryPartner, DfeStatement, OutputRecord, Participant, WithdrawalRequest
from ..models.escalation import CONFIRMED
from ..rules.declarations import declaration_type
from ..rules.dfe_checks import Proposed, refusal
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
    dfe_participant_id: str | None = None  # who the participant is at DfE: the body's participant_id

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


@dataclass(frozen=True, slots=True)
class AtDfe:
    """Who a participant is at DfE and the enrolment DfE holds, as far as the tracker knows (None: not known)."""

    participant_id: str | None
    course_identifier: str | None
    schedule: str | None
    cohort: int | None
    training_status: str | None  # set only by what DfE itself listed
    funded_place: bool | None = None


def at_dfe(pks: list[int] | None = None) -> dict[int, AtDfe]:
    """What the tracker knows of each participant at DfE, for those it knows anything of."""
    people = Participant.__table__.c
    query = select(people.id, people.dfe_participant_id, people.dfe_course_identifier, people.dfe_schedule_identifier,
                   people.dfe_cohort, people.dfe_training_status, people.dfe_funded_place).where(
        people.dfe_participant_id.is_not(None) | people.dfe_schedule_identifier.is_not(None)
        | people.dfe_cohort.is_not(None))
    queries = [query] if pks is None else [query.where(people.id.in_(c)) for c in _chunks(sorted(set(pks)))]
    return {row[0]: AtDfe(*row[1:]) for q in queries for row in db.session.execute(q)}


class Produced:
    """Declarations as compact rows, built into Declarations only where they are shown or sent.

    A row: (pk, participant_id, partner id, course id, cohort, output, declaration date,
    (type, course group, course identifier, is final), blocked, has_passed).
    `dfe`: what the tracker knows of the participants at DfE (at_dfe()).
    """

    def __init__(self, rows: list[tuple], partners: dict[int, str], courses: dict[int, str],
                 dfe: dict[int, AtDfe] | None = None):
        self.rows, self.partners, self.courses, self.dfe = rows, partners, courses, dfe or {}

    def declaration(self, row: tuple) -> Declaration:
        pk, ref, partner_id, course_id, cohort, number, met_on, (kind, group, identifier, _), blocked, passed = row
        known = self.dfe.get(pk)
        return Declaration(pk, ref, self.partners[partner_id], self.courses[course_id], group, cohort, number, kind,
                           met_on, (known and known.course_identifier) or identifier, passed, blocked,
                           known.participant_id if known else None)


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
    return Produced(found, *_codes(), at_dfe(None if pks is None else sorted({row[0] for row in found})))


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
    """DfE's checks the tracker can know (rules/dfe_checks.py) for many declarations."""

    def __init__(self, today: date, dfe: dict[int, AtDfe]):
        self.today, self.dfe = today, dfe
        self.cohorts = {number: (start, {"specialist": specialist, "leadership": leadership})
                        for number, start, specialist, leadership in db.session.execute(
                            select(Cohort.number, Cohort.start_date, Cohort.specialist_schedule,
                                   Cohort.leadership_schedule))}
        self.partners = {pk: (dfe_id, _years(cohorts)) for pk, dfe_id, cohorts in db.session.execute(
            select(DeliveryPartner.id, DeliveryPartner.dfe_id, DeliveryPartner.dfe_cohorts))}
        self.withdrawn = withdrawal_dates()
        self.open_cohorts = open_cohorts(today)

    def refusal(self, pk: int, kind: str, on: date, group: str, cohort: int, has_passed: bool | None,
                partner_id: int) -> str | None:
        start, schedules = self.cohorts[cohort]
        known = self.dfe.get(pk) or AtDfe(None, None, None, None, None)
        partner_dfe_id, partner_cohorts = self.partners.get(partner_id, (None, None))
        return refusal(Proposed(
            kind, on, group, cohort, start, has_passed, self.withdrawn.get(pk), known.participant_id, known.schedule,
            schedules.get(group), known.cohort, known.training_status is not None, None, partner_dfe_id,
            partner_cohorts, known.funded_place, self.open_cohorts), self.today)


def open_cohorts(today: date) -> frozenset[int] | None:
    """DfE's cohorts with an output-fee statement whose cut-off is today or later (rule 13); None
    when the tracker holds none of DfE's statements (it has not read them)."""
    found = db.session.execute(select(DfeStatement.cohort, DfeStatement.cut_off_date)).all()
    return None if not found else frozenset(cohort for cohort, cut_off in found if cut_off >= today)


def _years(cohorts: str | None) -> frozenset[int] | None:
    """A partner's DfE cohorts as stored ("2024,2025"); None: not known."""
    return None if cohorts is None else frozenset(int(y) for y in cohorts.split(",") if y.strip())


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
