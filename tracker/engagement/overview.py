"""EDT's overview across delivery partners: output statuses, escalation and expected payments.

Statuses come from the rules (output_status, escalation), never from SQL. To stay fast on
tens of thousands of participants the rules are called once per *group* of participants who
share every fact a status depends on: course, cohort, payment agreed, participant status
and the stored met_on of each output. One GROUP BY query counts the members of each group.
Participants with an agreed extension are read through standings() one by one, because
their escalation also depends on the extension's deadline.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, select

from ..extensions import db
from ..models import DeliveryPartner, Extension, OutputRecord, Participant
from ..rules.course import OUTPUT_COUNT
from ..rules.facts import OutputMet
from ..rules.status import ESCALATED, EXTENDED, MET, MET_LATE, WINDOW, escalation, output_status
from .book import Book
from .standing import participants_query, standings

MAX_OUTPUTS = max(OUTPUT_COUNT.values())
PAID_STATUSES = (MET, MET_LATE)  # blocked outputs earn nothing until the agreements are signed
CENT = Decimal("0.01")


def output_value(price: Decimal, percentage: Decimal) -> Decimal:
    """What one met output earns: its schedule percentage of the course's price per teacher."""
    return price * percentage / 100


@dataclass
class PartnerOverview:
    code: str
    name: str
    participants: int = 0
    outputs: dict[int, Counter] = field(default_factory=dict)  # output number -> status -> count
    escalations: Counter = field(default_factory=Counter)
    expected: Decimal = Decimal(0)  # payments expected for met and met-late outputs, where priced
    unpriced: int = 0  # met and met-late outputs of courses with no price per teacher

    def with_output(self, number: int) -> int:
        """How many participants have an output with this number (courses have 3 or 4)."""
        return sum(self.outputs.get(number, Counter()).values())

    def count(self, number: int, status: str) -> int:
        return self.outputs.get(number, Counter())[status]

    def share(self, number: int, status: str) -> int | None:
        """Whole-number percentage of the participants who have this output."""
        total = self.with_output(number)
        return None if not total else round(100 * self.count(number, status) / total)

    @property
    def in_window(self) -> int:
        return self.escalations[WINDOW]

    @property
    def extended(self) -> int:
        return self.escalations[EXTENDED]

    @property
    def escalated(self) -> int:
        return self.escalations[ESCALATED]

    @property
    def expected_rounded(self) -> Decimal:
        return self.expected.quantize(CENT)


@dataclass(frozen=True)
class Verdict:
    """The rules' answer for one group of participants."""

    statuses: tuple[tuple[int, str], ...]  # (output number, status)
    escalation: str
    value: Decimal
    unpriced: int


class _Judge:
    """Calls the rules for a set of facts, once per distinct set."""

    def __init__(self, book: Book, as_of: date):
        self.book, self.as_of = book, as_of
        self.seen: dict[tuple, Verdict] = {}

    def __call__(self, course_id: int, cohort: int, agreed: bool, status: str, met_ons: tuple) -> Verdict:
        key = (course_id, cohort, agreed, status, met_ons)
        verdict = self.seen.get(key)
        if verdict is None:
            verdict = self.seen[key] = self._judge(*key)
        return verdict

    def _judge(self, course_id, cohort, agreed, status, met_ons) -> Verdict:
        facts = self.book.courses[course_id]
        schedule = self.book.schedule(course_id, cohort)
        mets = [OutputMet(spec.number, met_ons[spec.number - 1]) for spec in schedule]
        statuses = tuple(
            (spec.number, output_status(spec, met, self.as_of, payment_agreed=agreed, total_known=facts.total_known))
            for spec, met in zip(schedule, mets)
        )
        chase = escalation(status, schedule, mets, self.as_of, total_known=facts.total_known)
        value, unpriced = self.earned(course_id, cohort, statuses)
        return Verdict(statuses, chase.state, value, unpriced)

    def earned(self, course_id: int, cohort: int, statuses) -> tuple[Decimal, int]:
        course = self.book.courses[course_id].course
        rows = {r.number: r for r in self.book.schedule_rows.get((cohort, course.course_group), [])}
        value, unpriced = Decimal(0), 0
        for number, status in statuses:
            if status not in PAID_STATUSES:
                continue
            if course.price_per_teacher is None or number not in rows:
                unpriced += 1
            else:
                value += output_value(course.price_per_teacher, rows[number].percentage)
        return value, unpriced


def _add(partner: PartnerOverview, verdict: Verdict, count: int) -> None:
    partner.participants += count
    for number, status in verdict.statuses:
        partner.outputs.setdefault(number, Counter())[status] += count
    partner.escalations[verdict.escalation] += count
    partner.expected += verdict.value * count
    partner.unpriced += verdict.unpriced * count


def _narrow(query, cohort: int | None, course_id: int | None):
    if cohort is not None:
        query = query.where(Participant.cohort == cohort)
    if course_id is not None:
        query = query.where(Participant.course_id == course_id)
    return query


def partner_overview(as_of: date, cohort: int | None = None, course: str | None = None,
                     book: Book | None = None) -> list[PartnerOverview]:
    """One PartnerOverview per delivery partner with participants matching the filters, by code.

    course: a course code (NPQLT ...); an unknown code matches nobody.
    """
    book = book or Book()
    course_id = None
    if course is not None:
        if course not in book.by_code:
            return []
        course_id = book.by_code[course].course.id
    partners = {
        pid: PartnerOverview(code, name)
        for pid, code, name in db.session.execute(select(DeliveryPartner.id, DeliveryPartner.code, DeliveryPartner.name))
    }
    judge = _Judge(book, as_of)
    extended = select(Extension.participant_id)

    met_on = [
        func.max(case((OutputRecord.number == n, OutputRecord.met_on))).label(f"m{n}")
        for n in range(1, MAX_OUTPUTS + 1)
    ]
    facts = (
        select(
            Participant.partner_id,
            Participant.course_id,
            Participant.cohort,
            and_(Participant.school_contract_signed, Participant.sponsorship_agreement_signed).label("agreed"),
            Participant.status,
            *met_on,
        )
        .outerjoin(OutputRecord, OutputRecord.participant_id == Participant.id)
        .where(Participant.id.not_in(extended))
        .group_by(Participant.id)
    )
    per_person = _narrow(facts, cohort, course_id).subquery()
    columns = [c for c in per_person.c]
    groups = select(*columns, func.count()).group_by(*columns)
    for partner_id, course_of, cohort_of, agreed, status, *rest in db.session.execute(groups):
        met_ons, count = tuple(rest[:-1]), rest[-1]
        _add(partners[partner_id], judge(course_of, cohort_of, bool(agreed), status, met_ons), count)

    by_code = {p.code: p for p in partners.values()}
    query = _narrow(participants_query().where(Participant.id.in_(extended)), cohort, course_id)
    for s in standings(as_of, query, book):
        statuses = tuple((o.spec.number, o.status) for o in s.outputs)
        value, unpriced = judge.earned(s.course_id, s.cohort, statuses)
        _add(by_code[s.partner], Verdict(statuses, s.escalation.state, value, unpriced), 1)
    return sorted((p for p in partners.values() if p.participants), key=lambda p: p.code)
