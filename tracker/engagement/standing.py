"""Every participant's output statuses and escalation as of a date, from stored met_on.

The engagement CSV, the browser pages and the partnership report all read this.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import itemgetter

from sqlalchemy import Select, func, select, true

from ..extensions import db
from ..models import Course, DeliveryPartner, Extension, OutputRecord, Participant
from ..rules.facts import DEFERRED, OutputMet, OutputSpec
from ..rules.periods import NO_PERIODS, Periods, escalation_schedule
from ..rules.status import Escalation, escalation, met_by, output_status, signed_by
from .book import Book
from .collection import collector_paused
from .evidence import among, day_reader, driver_rows
from .periods import load_periods

NAMED = 5000  # participants named in one IN list; more are picked by a subquery
ONCE = {"compiled_cache": None}  # a query naming its ids in the SQL (evidence.among) is compiled for that call only
# What standings() reads of each participants_query() row, in this order.
COLUMNS = ("pk", "participant_id", "full_name", "partner", "course", "course_id", "cohort", "status",
           "contract_signed", "contract_signed_on", "sponsorship_signed", "sponsorship_signed_on")


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
    # the latest deadline agreed for the output escalation refers to, whatever the state (shown from
    # the window on, when escalation itself only says `extended` once the window has ended)
    agreed_deadline: date | None = None


def participants_query() -> Select:
    """One row per participant, its columns named as Standing names them: row.pk, row.partner, ..."""
    return (
        select(
            Participant.id.label("pk"),
            Participant.participant_id.label("participant_id"),
            Participant.full_name.label("full_name"),
            DeliveryPartner.code.label("partner"),
            Course.code.label("course"),
            Participant.course_id.label("course_id"),
            Participant.cohort.label("cohort"),
            Participant.status.label("status"),
            Participant.school_contract_signed.label("contract_signed"),
            Participant.sponsorship_agreement_signed.label("sponsorship_signed"),
            Participant.school_contract_signed_on.label("contract_signed_on"),
            Participant.sponsorship_agreement_signed_on.label("sponsorship_signed_on"),
        )
        .join(DeliveryPartner, Participant.partner_id == DeliveryPartner.id)
        .join(Course, Participant.course_id == Course.id)
        .order_by(Participant.participant_id)
    )


def standings(as_of: date, query: Select | None = None, book: Book | None = None) -> list[Standing]:
    """query: a participants_query() narrowed by the caller (partner, filters, page)."""
    with collector_paused():
        return _standings(as_of, query, book)


def _standings(as_of: date, query: Select | None, book: Book | None) -> list[Standing]:
    book = book or Book()
    everyone = query is None
    query = participants_query() if query is None else query
    result = db.session.execute(query)
    keys = list(result.keys())
    pick = itemgetter(*(keys.index(name) for name in COLUMNS))  # plain tuples: a Row's attributes are slow
    rows = [pick(row) for row in result.all()]
    narrow = _narrowing(rows, query, everyone)
    mets = _stored_outputs(narrow)
    extensions: dict[int, dict[int, date]] = {}
    for part in narrow(Extension.participant_id):
        for pid, output, deadline in db.session.execute(
            select(Extension.participant_id, Extension.output, func.max(Extension.deadline))
            .where(part)
            .group_by(Extension.participant_id, Extension.output),
            execution_options=ONCE,
        ):
            extensions.setdefault(pid, {})[output] = deadline
    periods = load_periods(select(query.with_only_columns(Participant.id).order_by(None).subquery().c.id))
    verdicts = _Verdicts(book, as_of)
    return [verdicts.standing(row, mets, extensions.get(row[0]), periods.get(row[0], NO_PERIODS)) for row in rows]


def _narrowing(rows, query: Select, everyone: bool):
    """column -> the WHERE clauses that pick these participants' rows of another table.

    The shape keeps a partner's pages independent of national size: a few thousand
    participants are named (so PostgreSQL reads their rows by index rather than scanning the
    table), more are picked by the participants query itself, and everyone by nothing.
    """
    pks = sorted(row[0] for row in rows)
    if everyone:
        return lambda column: [true()]
    if len(pks) <= NAMED:  # one query whatever the number: the page's query count stays constant
        return lambda column: [among(column, pks)]
    ids = select(query.with_only_columns(Participant.id).order_by(None).subquery().c.id)
    return lambda column: [column.in_(ids)]


def _stored_outputs(narrow) -> dict[tuple[int, int], OutputMet]:
    """Stored met_on by (participant, output number).

    Equal rows share one OutputMet (it is immutable): a national export reads a few hundred
    thousand rows holding a few thousand different verdicts, read from the driver (a date and a
    flag are made only for each different verdict). (One flat dict, not one per participant:
    fewer long-lived objects for the garbage collector to walk.)
    """
    record = OutputRecord.__table__.c
    day = day_reader() or (lambda value: value)
    made: dict[tuple, OutputMet] = {}
    mets: dict[tuple[int, int], OutputMet] = {}
    for part in narrow(record.participant_id):
        for pid, number, met_on, basis, not_preferred in driver_rows(
            select(record.participant_id, record.number, record.met_on, record.basis, record.not_preferred)
            .where(part)
        ):
            key = (number, met_on, basis, not_preferred)
            met = made.get(key)
            if met is None:
                met = made[key] = OutputMet(number, day(met_on) if met_on is not None else None,
                                            tuple(basis.split(";")) if basis else (), bool(not_preferred))
            mets[(pid, number)] = met
    return mets


class _Verdicts:
    """Output standings as of one date, shared between participants.

    An OutputStanding is immutable and depends only on the output, the stored verdict,
    whether payment is agreed and whether the course total is known, so participants alike
    in those share one (the stored verdicts are shared already, see _stored_outputs): a
    national export of a few hundred thousand outputs builds a few thousand. Each Standing
    still has a list of its own.
    """

    def __init__(self, book: Book, as_of: date):
        self.book = book
        self.as_of = as_of
        # (course, cohort) -> (schedule, total known, (spec, its number, its verdict when nothing is stored)...)
        self.schedules: dict[tuple[int, int], tuple[list[OutputSpec], bool, tuple]] = {}
        # Keyed by the identity of spec and met: the OutputStanding kept here holds both,
        # so neither id can be reused while this lives.
        self.outputs: dict[tuple[int, int, bool, bool], OutputStanding] = {}
        self.escalations: dict[Escalation, Escalation] = {}

    def standing(self, row: tuple, mets: dict[tuple[int, int], OutputMet], extensions: dict[int, date] | None,
                 periods: Periods = NO_PERIODS) -> Standing:
        """row: a participants_query() row's COLUMNS, in that order."""
        (pk, participant_id, full_name, partner, course, course_id, cohort, status,
         contract_signed, contract_signed_on, sponsorship_signed, sponsorship_signed_on) = row
        agreed = (signed_by(contract_signed, contract_signed_on, self.as_of)
                  and signed_by(sponsorship_signed, sponsorship_signed_on, self.as_of))
        found = self.schedules.get((course_id, cohort))
        if found is None:
            schedule = self.book.schedule(course_id, cohort)
            found = self.schedules[(course_id, cohort)] = (
                schedule, self.book.courses[course_id].total_known,
                tuple((spec, spec.number, _missing(spec.number)) for spec in schedule),
            )
        schedule, total_known, slots = found
        results = [mets.get((pk, number)) or missing for _, number, missing in slots]
        made = self.outputs
        outputs = [
            made.get((id(spec), id(met), agreed, total_known)) or self.output(spec, met, agreed, total_known)
            for (spec, _, _), met in zip(slots, results)
        ]
        if periods is NO_PERIODS:
            chase = escalation(status, schedule, results, self.as_of, total_known=total_known,
                               extensions=extensions or {})
        else:
            chased = DEFERRED if periods.deferred_on(self.as_of) else status
            chase = escalation(chased, escalation_schedule(schedule, periods), results, self.as_of,
                               total_known=total_known, extensions=extensions or {})
        chase = self.escalations.setdefault(chase, chase)  # one of each, like the outputs
        deadline = extensions.get(chase.output) if extensions and chase.output else None
        return Standing(pk, participant_id, full_name, partner, course, course_id, cohort, status, agreed, outputs,
                        chase, deadline)

    def output(self, spec: OutputSpec, met: OutputMet, agreed: bool, total_known: bool) -> OutputStanding:
        key = (id(spec), id(met), agreed, total_known)  # courses of a group share their specs
        found = self.outputs.get(key)
        if found is None:
            found = self.outputs[key] = OutputStanding(
                spec,
                met,
                output_status(spec, met, self.as_of, payment_agreed=agreed, total_known=total_known),
                met.met_on if met_by(met, self.as_of) else None,
            )
        return found


@lru_cache(maxsize=None)
def _missing(number: int) -> OutputMet:
    """The verdict of an output with no stored record."""
    return OutputMet(number, None)
