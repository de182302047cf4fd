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

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import DeliveryPartner, Extension, OutputRecord, Participant
from ..rules.course import OUTPUT_COUNT
from ..rules.facts import OutputMet
from ..rules.partner_risk import PartnerFigures, Risk, risk
from ..rules.status import (
    BLOCKED, CRITERIA_PENDING, DUE_SOON, ESCALATED, EXTENDED, MET, MET_LATE, NOT_MET, TOTAL_UNKNOWN, WINDOW, escalation,
    met_by, output_status,
)
from .agreements import agreed_on
from .book import Book
from .standing import participants_query, standings

MAX_OUTPUTS = max(OUTPUT_COUNT.values())
PAID_STATUSES = (MET, MET_LATE)  # blocked outputs earn nothing until the agreements are signed
ACHIEVED = (MET, MET_LATE, BLOCKED)  # the criteria are satisfied, paid or not
DECIDED = ACHIEVED + (NOT_MET,)  # outputs with a verdict: not pending, not undecided
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
    without_price: int = 0  # participants on a course with no price per teacher

    def with_output(self, number: int) -> int:
        """How many participants have an output with this number (courses have 3 or 4)."""
        return sum(self.outputs.get(number, Counter()).values())

    def count(self, number: int, status: str) -> int:
        return self.outputs.get(number, Counter())[status]

    def undecided(self, number: int) -> int:
        """Outputs no status can be given yet: total unknown (TBC content) or criteria pending (EHCO)."""
        return self.count(number, TOTAL_UNKNOWN) + self.count(number, CRITERIA_PENDING)

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

    @property
    def no_price(self) -> bool:
        """Nothing is expected because no price is set (for the met outputs, or for any of the partner's
        courses): not the same as £0.00 earned."""
        return not self.expected and (self.unpriced > 0 or self.without_price == self.participants)

    def achieved_share(self, number: int) -> int | None:
        """Whole-number percentage of the participants with this output who have satisfied it (paid or not)."""
        total = self.with_output(number)
        return None if not total else round(100 * sum(self.count(number, st) for st in ACHIEVED) / total)

    @property
    def not_met(self) -> int:
        return sum(counts[NOT_MET] for counts in self.outputs.values())

    @property
    def decided(self) -> int:
        return sum(counts[st] for counts in self.outputs.values() for st in DECIDED)

    @property
    def not_met_share(self) -> int | None:
        return None if not self.decided else round(100 * self.not_met / self.decided)

    @property
    def escalated_share(self) -> int | None:
        return None if not self.participants else round(100 * self.escalated / self.participants)

    @property
    def figures(self) -> PartnerFigures:
        return PartnerFigures(self.participants, self.escalated, self.extended, self.in_window,
                              self.escalations[DUE_SOON], self.decided, self.not_met)

    @property
    def risk(self) -> Risk:
        return risk(self.figures)


def combined(partners: list[PartnerOverview], code: str = "ALL", name: str = "All delivery partners") -> PartnerOverview:
    """The sum of several partners' figures (the overview's totals row)."""
    total = PartnerOverview(code, name)
    for p in partners:
        total.participants += p.participants
        for number, counts in p.outputs.items():
            total.outputs.setdefault(number, Counter()).update(counts)
        total.escalations.update(p.escalations)
        total.expected += p.expected
        total.unpriced += p.unpriced
        total.without_price += p.without_price
    return total


@dataclass(frozen=True)
class Verdict:
    """The rules' answer for a group of participants: each output's status and the escalation."""

    statuses: tuple[tuple[int, str], ...]  # (output number, status)
    escalation: str
    value: Decimal
    unpriced: int
    priced: bool  # the course has a price per teacher


class _Judge:
    """Calls the rules for each group's facts; remembers answers that repeat.

    An output's status depends on its own met_on, so it is asked once per distinct
    (course, cohort, output, met_on, payment agreed); escalation once per course, cohort,
    participant status and pattern of outputs met by the date. Verdicts are interned, so the counts are summed per (partner,
    verdict) and spread over the partner's figures once at the end.
    """

    def __init__(self, book: Book, as_of: date):
        self.book, self.as_of = book, as_of
        self.statuses: dict[tuple, tuple[str, bool]] = {}  # -> (status, met by the date)
        self.escalations: dict[tuple, str] = {}
        self.verdicts: list[Verdict] = []
        self.index: dict[tuple, int] = {}
        self.counts: Counter = Counter()  # (partner key, verdict index) -> participants
        self.courses: dict[tuple[int, int], tuple] = {}

    def _course(self, course_id: int, cohort: int) -> tuple:
        found = self.courses.get((course_id, cohort))
        if found is None:
            facts = self.book.courses[course_id]
            found = self.courses[(course_id, cohort)] = (self.book.schedule(course_id, cohort), facts.total_known)
        return found

    def group(self, partner, course_id: int, cohort: int, agreed: bool, status: str, met_ons: tuple,
              count: int) -> None:
        schedule, total_known = self._course(course_id, cohort)
        statuses, pattern = [], []
        for spec in schedule:
            key = (course_id, cohort, spec.number, met_ons[spec.number - 1], agreed)
            known = self.statuses.get(key)
            if known is None:
                met = OutputMet(spec.number, key[3])
                known = self.statuses[key] = (
                    output_status(spec, met, self.as_of, payment_agreed=agreed, total_known=total_known),
                    met_by(met, self.as_of),
                )
            statuses.append((spec.number, known[0]))
            pattern.append(known[1])
        # escalation() reads each output's met_on only through met_by(), so one call serves every
        # group with the same outputs met by the date (test_overview.py guards this shortcut).
        key = (course_id, cohort, status, tuple(pattern))
        state = self.escalations.get(key)
        if state is None:
            mets = [OutputMet(spec.number, met_ons[spec.number - 1]) for spec in schedule]
            state = self.escalations[key] = escalation(
                status, schedule, mets, self.as_of, total_known=total_known).state
        self.add(partner, course_id, cohort, tuple(statuses), state, count)

    def add(self, partner, course_id: int, cohort: int, statuses: tuple, state: str, count: int) -> None:
        key = (course_id, cohort, statuses, state)
        index = self.index.get(key)
        if index is None:
            value, unpriced = self.earned(course_id, cohort, statuses)
            index = self.index[key] = len(self.verdicts)
            priced = self.book.courses[course_id].course.price_per_teacher is not None
            self.verdicts.append(Verdict(statuses, state, value, unpriced, priced))
        self.counts[(partner, index)] += count

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

    def spread(self, partners: dict) -> None:
        for (partner, index), count in self.counts.items():
            _add(partners[partner], self.verdicts[index], count)


def _add(partner: PartnerOverview, verdict: Verdict, count: int) -> None:
    partner.participants += count
    for number, status in verdict.statuses:
        partner.outputs.setdefault(number, Counter())[status] += count
    partner.escalations[verdict.escalation] += count
    partner.expected += verdict.value * count
    partner.unpriced += verdict.unpriced * count
    partner.without_price += 0 if verdict.priced else count


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

    per_output = (
        select(
            OutputRecord.participant_id,
            *(func.max(case((OutputRecord.number == n, OutputRecord.met_on))).label(f"m{n}")
              for n in range(1, MAX_OUTPUTS + 1)),
        )
        .group_by(OutputRecord.participant_id)
        .subquery()
    )
    facts = (
        Participant.partner_id,
        Participant.course_id,
        Participant.cohort,
        agreed_on(as_of),
        Participant.status,
        *(per_output.c[f"m{n}"] for n in range(1, MAX_OUTPUTS + 1)),
    )
    groups = _narrow(
        select(*facts, func.count())
        .outerjoin(per_output, per_output.c.participant_id == Participant.id)
        .where(Participant.id.not_in(extended))
        .group_by(*facts),
        cohort, course_id,
    )
    for partner_id, course_of, cohort_of, agreed, status, *rest in db.session.execute(groups):
        judge.group(partner_id, course_of, cohort_of, bool(agreed), status, tuple(rest[:-1]), rest[-1])

    ids = {p.code: pid for pid, p in partners.items()}
    query = _narrow(participants_query().where(Participant.id.in_(extended)), cohort, course_id)
    for s in standings(as_of, query, book):
        judge.add(ids[s.partner], s.course_id, s.cohort, tuple((o.spec.number, o.status) for o in s.outputs),
                  s.escalation.state, 1)
    judge.spread(partners)
    return sorted((p for p in partners.values() if p.participants), key=lambda p: p.code)
