"""What a delivery partner's dashboard shows, counted from standings() and nothing else.

Output status counts, the next review date of each cohort and course group, the participants
to act on (most urgent first) and the next partnership meeting. Statuses and escalation are
never decided here: they come from the rules through standings().
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select

from ..extensions import db
from ..models import ContactAttempt, DeliveryPartner, PartnershipMeeting
from ..rules.facts import OutputSpec
from ..rules.status import (
    BLOCKED,
    DUE_SOON,
    EXTENDED,
    MET,
    MET_LATE,
    NONE,
    NOT_MET,
    OUTPUT_STATUSES,
    PENDING,
    URGENCY,
    WINDOW,
)
from ..rules.next_steps import NextSteps
from ..rules.pace import Risk
from .at_risk import at_risk_by_participant
from .book import Book
from .next_steps import next_steps_for
from .standing import Standing, participants_query, standings

# Always a column of the counts table; total-unknown and criteria-pending only when they occur.
CORE_STATUSES = (MET, MET_LATE, BLOCKED, PENDING, NOT_MET)
ACTIONS_SHOWN = 100  # the action list's rows the dashboard shows, each with its why and next step


@dataclass(frozen=True)
class OutputCounts:
    number: int
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class CountsTable:
    columns: tuple[str, ...]  # output statuses, in OUTPUT_STATUSES order
    rows: list[OutputCounts]

    def totals(self) -> dict[str, int]:
        return {status: sum(row.counts.get(status, 0) for row in self.rows) for status in self.columns}


def output_counts(found: list[Standing]) -> CountsTable:
    """How many participants have each status, per output number."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in found:
        for output in s.outputs:
            counts[output.spec.number][output.status] += 1
    present = {status for per in counts.values() for status, n in per.items() if n}
    columns = tuple(st for st in OUTPUT_STATUSES if st in CORE_STATUSES or st in present)
    return CountsTable(columns, [OutputCounts(n, dict(counts[n])) for n in sorted(counts)])


@dataclass(frozen=True)
class ReviewAhead:
    """The next review date of one cohort and course group with participants in scope."""

    cohort: int
    course_group: str
    courses: tuple[str, ...]
    participants: int
    output: int | None
    output_name: str
    review_date: date | None
    days_to_go: int | None
    published: bool  # False while the group's dates are not published (EHCO)
    previous: OutputSpec | None = None  # the last review before as_of
    next: OutputSpec | None = None  # the next review on or after as_of


def reviews_ahead(found: list[Standing], book: Book, as_of: date) -> list[ReviewAhead]:
    groups: dict[tuple[int, str], list[Standing]] = defaultdict(list)
    for s in found:
        groups[(s.cohort, book.courses[s.course_id].course.course_group)].append(s)
    order = {facts.course.code: facts.course.id for facts in book.courses.values()}
    result = []
    for (cohort, group), members in sorted(groups.items()):
        schedule = book.schedule(members[0].course_id, cohort)
        dated = [spec for spec in schedule if spec.review_date is not None]
        ahead = next((spec for spec in dated if spec.review_date >= as_of), None)
        before = [spec for spec in dated if spec.review_date < as_of]
        result.append(
            ReviewAhead(
                cohort,
                group,
                tuple(sorted({s.course for s in members}, key=order.get)),
                len(members),
                ahead.number if ahead else None,
                ahead.name if ahead else "",
                ahead.review_date if ahead else None,
                (ahead.review_date - as_of).days if ahead else None,
                bool(dated),
                before[-1] if before else None,
                ahead,
            )
        )
    return result


@dataclass(frozen=True)
class ActionItem:
    """A participant the delivery partner should act on now."""

    participant_id: str
    full_name: str
    partner: str
    course: str
    cohort: int
    state: str
    output: int
    output_name: str
    review_date: date
    days_after_review: int  # negative while the review date is ahead
    window_ends: date | None
    extended_to: date | None
    days_left: int | None  # to the review date (due soon), window end or extension end; negative once past
    agreed_deadline: date | None = None  # the latest deadline agreed for this output, whatever the state

    @property
    def timing(self) -> str:
        if self.state in (DUE_SOON, NONE):  # NONE: at risk, its review date further ahead
            return _days(-self.days_after_review, "to the review date")
        if self.state == WINDOW:
            return _days(self.days_left, "left in the window")
        if self.state == EXTENDED:
            return _days(self.days_left, "left of the extension")
        return _days(None if self.days_left is None else -self.days_left, "since the window ended")

    @property
    def deadline(self) -> date | None:
        """The end of the window or of the extension the participant is in."""
        return self.extended_to or self.window_ends if self.state in (WINDOW, EXTENDED) else None


def _days(n: int | None, what: str) -> str:
    if n is None:
        return ""
    return f"{n} day{'' if n == 1 else 's'} {what}"


def action_list(found: list[Standing], as_of: date) -> list[ActionItem]:
    """Escalated, in the window, extended and due soon: most urgent first (URGENCY, then the
    longest past the review date), then by participant id."""
    items = []
    for s in found:
        chase = s.escalation
        if chase.state not in URGENCY:
            continue
        spec = s.outputs[chase.output - 1].spec
        days_left = (chase.review_date - as_of).days if chase.state == DUE_SOON else chase.days_left(as_of)
        items.append(
            ActionItem(s.participant_id, s.full_name, s.partner, s.course, s.cohort, chase.state, chase.output,
                       spec.name, chase.review_date, chase.days_after_review(as_of), chase.window_ends,
                       chase.extended_to, days_left, s.agreed_deadline)
        )
    items.sort(key=lambda a: (URGENCY[a.state], -a.days_after_review, a.participant_id))
    return items


def at_risk_items(found: list[Standing], risks: dict[int, Risk], as_of: date) -> list[ActionItem]:
    """Those at risk whose escalation is none yet (review date more than 14 days ahead): after the
    action list's own rows, the nearest review date first."""
    items = [
        ActionItem(s.participant_id, s.full_name, s.partner, s.course, s.cohort, NONE, risk.output,
                   s.outputs[risk.output - 1].spec.name, risk.review_date, (as_of - risk.review_date).days, None,
                   None, (risk.review_date - as_of).days, s.agreed_deadline)
        for s in found if s.escalation.state == NONE and (risk := risks.get(s.pk)) is not None
    ]
    items.sort(key=lambda a: (a.review_date, a.participant_id))
    return items


@dataclass(frozen=True)
class LastContact:
    contacted_on: date
    method: str
    outcome: str


def last_contacts(pks: list[int]) -> dict[int, LastContact]:
    """Each participant's latest logged contact (the latest date, then the latest logged), in one query."""
    latest: dict[int, LastContact] = {}
    for start in range(0, max(len(pks), 1), 2000):
        for pk, on, method, outcome in db.session.execute(
            select(ContactAttempt.participant_id, ContactAttempt.contacted_on, ContactAttempt.method,
                   ContactAttempt.outcome)
            .where(ContactAttempt.participant_id.in_(pks[start : start + 2000]))
            .order_by(ContactAttempt.participant_id, ContactAttempt.contacted_on, ContactAttempt.id)
        ):
            latest[pk] = LastContact(on, method, outcome)
    return latest


@dataclass(frozen=True)
class Meeting:
    partner: str
    partner_name: str
    meeting_date: date
    days_to_go: int
    note: str

    @property
    def when(self) -> str:
        return "today" if self.days_to_go == 0 else "in " + _days(self.days_to_go, "").strip()


def next_meetings(as_of: date, partner_id: int | None = None) -> list[Meeting]:
    """The next partnership meeting on or after as_of, for one partner or for each partner."""
    query = (
        select(DeliveryPartner.code, DeliveryPartner.name, PartnershipMeeting.meeting_date, PartnershipMeeting.note)
        .join(DeliveryPartner, PartnershipMeeting.partner_id == DeliveryPartner.id)
        .where(PartnershipMeeting.meeting_date >= as_of, PartnershipMeeting.cancelled_at.is_(None))
        .order_by(PartnershipMeeting.meeting_date, DeliveryPartner.code)
    )
    if partner_id is not None:
        query = query.where(PartnershipMeeting.partner_id == partner_id)
    first: dict[str, Meeting] = {}
    for code, name, on, note in db.session.execute(query):
        first.setdefault(code, Meeting(code, name, on, (on - as_of).days, note or ""))
    return sorted(first.values(), key=lambda m: (m.meeting_date, m.partner))


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    participants: int
    reviews: list[ReviewAhead]
    counts: CountsTable
    actions: list[ActionItem]
    meetings: list[Meeting]
    blocked: tuple[Standing, ...] = ()  # participants with an output met but blocked for payment
    # participant_id -> next steps, for the first ACTIONS_SHOWN of the action list (the rows shown)
    steps: dict[str, NextSteps] = field(default_factory=dict)
    behind: tuple[tuple[Standing, tuple], ...] = ()  # (participant, the blocks they are behind on)
    windows_set: bool = False  # some cohort has block completion windows
    # participant_id -> their risk of missing the next output at their pace (rules/pace.py)
    risks: dict[str, Risk] = field(default_factory=dict)
    # participant_id -> their latest logged contact, for the action list's rows
    contacts: dict[str, LastContact] = field(default_factory=dict)

    def actions_in(self, state: str) -> int:
        return sum(1 for a in self.actions if a.state == state)

    def at_risk_actions(self) -> list[ActionItem]:
        return [a for a in self.actions if a.participant_id in self.risks]


def dashboard(as_of: date, query: Select | None = None, partner_id: int | None = None,
              book: Book | None = None) -> Dashboard:
    """query: participants_query() already narrowed to what the viewer may see.

    A constant number of SQL queries however many participants: one standings() call.
    """
    book = book or Book()
    found = standings(as_of, participants_query() if query is None else query, book)
    risks = at_risk_by_participant(found, as_of, book)
    actions = action_list(found, as_of) + at_risk_items(found, risks, as_of)
    # the rows shown, whether the list is filtered to those at risk or not
    shown = {a.participant_id for a in actions[:ACTIONS_SHOWN]} | {s.participant_id for s in found if s.pk in risks}
    chased = [s for s in found if s.participant_id in shown]
    steps = next_steps_for(chased, as_of, book)
    contacts = last_contacts([s.pk for s in chased])
    return Dashboard(as_of, len(found), reviews_ahead(found, book, as_of), output_counts(found),
                     actions, next_meetings(as_of, partner_id), blocked_for_payment(found),
                     {s.participant_id: steps[s.pk] for s in chased if s.pk in steps}, *_behind(found, as_of, book),
                     {s.participant_id: risks[s.pk] for s in found if s.pk in risks},
                     {s.participant_id: contacts[s.pk] for s in chased if s.pk in contacts})


def _behind(found: list[Standing], as_of: date, book: Book) -> tuple[tuple, bool]:
    from .windows import behind_by_participant, windows_by_group

    late = behind_by_participant(found, as_of, book)
    return tuple((s, tuple(late[s.pk])) for s in found if s.pk in late), bool(windows_by_group())


def blocked_for_payment(found: list[Standing]) -> tuple[Standing, ...]:
    """Participants with an output met by the date but blocked: an agreement was unsigned on that date."""
    return tuple(s for s in found if any(o.status == BLOCKED for o in s.outputs))
