"""The partnership-meeting report as plain data: what a delivery partner brings to the meeting.

It reads what the dashboard reads: standings(), action_list(), reviews_ahead() and
output_counts() (engagement/summary.py), the escalation history (engagement/history.py) and
credit progress (engagement/progress.py). This module only groups and sorts them for print.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..clock import today
from ..engagement.book import Book
from ..engagement.history import HistoryItem, histories
from ..engagement.next_steps import next_steps_for
from ..engagement.next_steps_words import lead, short_why
from ..formats import long_date
from ..words import ESCALATION_LABELS
from ..engagement.progress import credit_scores
from ..engagement.summary import ActionItem, ReviewAhead, action_list, output_counts, reviews_ahead
from ..engagement.standing import Standing, participants_query, standings
from ..extensions import db
from ..models import Cohort, DeliveryPartner, Participant
from ..rules.facts import ACTIVE, DEFERRED, WITHDRAWN
from ..rules.status import BLOCKED, ESCALATED, EXTENDED, URGENCY

# "No output met 3+ weeks after the review date": past the window, with or without an extension.
PAST_WINDOW = (ESCALATED, EXTENDED)
BANDS = 10
# A chart of one to four people says nothing a line of figures does not, and a bar of one person is
# a name in all but print: groups smaller than this get their figures in words only.
MIN_CHART_GROUP = 5


class UnknownPartner(LookupError):
    def __init__(self, code: str):
        super().__init__(f"no delivery partner with code '{code}'")
        self.code = code


@dataclass(frozen=True)
class OutputRow:
    number: int
    name: str
    review_date: date | None
    counts: tuple[int, ...]  # in the order of the table's columns
    total: int


@dataclass(frozen=True)
class Summary:
    """Output statuses for one course and cohort."""

    course: str
    course_name: str
    cohort: int
    cohort_name: str
    participants: int
    deferred: int
    withdrawn: int
    columns: tuple[str, ...]  # statuses, in OUTPUT_STATUSES order
    rows: list[OutputRow]

    @property
    def key(self) -> str:
        return f"{self.course}-{self.cohort}"


@dataclass(frozen=True)
class CourseStatus:
    """Output statuses for one course over all its cohorts (the bar chart)."""

    course: str
    course_name: str
    rows: list[tuple[int, dict[str, int]]]  # (output number, status -> count)
    output_names: list[tuple[int, str]]

    @property
    def participants(self) -> int:
        return max((sum(counts.values()) for _, counts in self.rows), default=0)

    @property
    def charted(self) -> bool:
        return self.participants >= MIN_CHART_GROUP


@dataclass(frozen=True)
class Progress:
    """Credit progress of one course and cohort's active participants as of the meeting date."""

    course: str
    course_name: str
    cohort: int
    cohort_name: str
    total_credits: int | None
    expected_percent: int | None
    start_date: date | None
    final_review: date | None
    bands: tuple[int, ...]  # participants per 10% band, 0-9% ... 90-100%
    percents: tuple[float, ...]
    note: str = ""
    by_windows: bool = False  # expected from the block completion windows closed by the date, not time elapsed

    @property
    def participants(self) -> int:
        return len(self.percents)

    @property
    def median(self) -> float | None:
        values = sorted(self.percents)
        if not values:
            return None
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2

    @property
    def charted(self) -> bool:
        return not self.note and self.participants >= MIN_CHART_GROUP

    @property
    def at_or_above_expected(self) -> int:
        if self.expected_percent is None:
            return 0
        return sum(1 for p in self.percents if p >= self.expected_percent)


Intervention = HistoryItem  # what was done, as the participant page shows it


@dataclass(frozen=True)
class Action:
    """A participant to chase (the dashboard's action list item), with everything done about them so far."""

    item: ActionItem
    interventions: list[Intervention]
    why: str = ""  # why the output is not met yet, in a few words
    next_step: str = ""  # what would meet it

    def __getattr__(self, name: str):
        return getattr(self.item, name)

    @property
    def label(self) -> str:
        return ESCALATION_LABELS[self.state]

    @property
    def weeks_after_review(self) -> int:
        return self.days_after_review // 7


@dataclass(frozen=True)
class NotChased:
    """A deferred or withdrawn participant: excluded from chasing, listed with what was done."""

    participant_id: str
    full_name: str
    course: str
    cohort: int
    status: str
    interventions: list[Intervention]


@dataclass(frozen=True)
class Blocked:
    """A participant whose met outputs cannot be paid: contract or sponsorship agreement unsigned."""

    participant_id: str
    full_name: str
    course: str
    cohort: int
    outputs: tuple[int, ...]


@dataclass(frozen=True)
class NotPreferred:
    """An output met on evidence DfE accepts but does not prefer: the DP may be asked to confirm it."""

    participant_id: str
    full_name: str
    course: str
    cohort: int
    output: int
    met_on: date
    rests_on: str


@dataclass(frozen=True)
class PastWindowGroup:
    """Participants past the 3-week window for the same course, cohort and output."""

    course: str
    cohort: int
    output: int
    review_date: date
    days_after_review: int
    without_interventions: list[Action]
    with_interventions: list[Action]

    @property
    def participants(self) -> int:
        return len(self.without_interventions) + len(self.with_interventions)


@dataclass(frozen=True)
class ActionGroup:
    state: str
    label: str
    actions: list[Action]


@dataclass
class PartnershipReport:
    partner_code: str
    partner_name: str
    meeting_date: date
    participants: int
    by_status: dict[str, int]  # participant status -> count
    by_escalation: dict[str, int]
    cohorts: list[tuple[int, str, date, int]]  # number, name, start date, participants
    periods: list[ReviewAhead]
    summaries: list[Summary]
    course_status: list[CourseStatus]
    progress: list[Progress]
    action_groups: list[ActionGroup]
    past_window: list[PastWindowGroup] = field(default_factory=list)
    not_chased: list[NotChased] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    not_preferred: list[NotPreferred] = field(default_factory=list)
    made_on: date | None = None  # the day the report was made: its evidence is what was recorded by then

    @property
    def days_ahead(self) -> int:
        """How far the meeting date, as of which everything is worked out, is after the day the report was made."""
        return 0 if self.made_on is None else (self.meeting_date - self.made_on).days

    @property
    def follow_up_count(self) -> int:
        return sum(len(g.actions) for g in self.action_groups)

    @property
    def charted_progress(self) -> list[Progress]:
        return [p for p in self.progress if p.charted]

    @property
    def small_progress(self) -> list[Progress]:
        """Groups with figures but too few participants for a chart."""
        return [p for p in self.progress if not p.charted and not p.note]

    @property
    def past_window_count(self) -> int:
        return sum(g.participants for g in self.past_window)

    @property
    def past_window_without_interventions(self) -> int:
        return sum(len(g.without_interventions) for g in self.past_window)

    @property
    def title(self) -> str:
        return f"Partnership meeting report: {self.partner_name}, {long_date(self.meeting_date)}"


def build_report(partner_code: str, meeting_date: date, book: Book | None = None,
                 made_on: date | None = None) -> PartnershipReport:
    """Everything is worked out as of meeting_date; made_on (default: the clock's today) is said on the cover."""
    code = partner_code.strip().upper()
    partner = db.session.execute(
        select(DeliveryPartner.id, DeliveryPartner.code, DeliveryPartner.name).where(DeliveryPartner.code == code)
    ).first()
    if partner is None:
        raise UnknownPartner(code)
    partner_id = partner[0]
    book = book or Book()
    found = standings(meeting_date, participants_query().where(Participant.partner_id == partner_id), book)
    pks = {s.participant_id: s.pk for s in found}
    cohorts = {c.number: c for c in db.session.scalars(select(Cohort))}
    names = {facts.course.code: facts.course.name for facts in book.courses.values()}
    interventions = histories(Participant.partner_id == partner_id)
    chased = [s for s in found if s.escalation.state in URGENCY]
    steps = next_steps_for(chased, meeting_date, book)
    actions = []
    for item in action_list(found, meeting_date):
        made = steps.get(pks[item.participant_id])
        actions.append(Action(item, interventions.get(pks[item.participant_id], []),
                              short_why(made) if made else "", lead(made) if made else ""))
    groups = [
        ActionGroup(state, ESCALATION_LABELS[state], [a for a in actions if a.state == state])
        for state in sorted(URGENCY, key=URGENCY.get)
    ]
    by_status: dict[str, int] = defaultdict(int)
    by_escalation: dict[str, int] = defaultdict(int)
    per_cohort: dict[int, int] = defaultdict(int)
    for s in found:
        by_status[s.status] += 1
        by_escalation[s.escalation.state] += 1
        per_cohort[s.cohort] += 1
    return PartnershipReport(
        partner_code=partner[1],
        partner_name=partner[2],
        meeting_date=meeting_date,
        participants=len(found),
        by_status=dict(by_status),
        by_escalation=dict(by_escalation),
        cohorts=[(n, cohorts[n].name, cohorts[n].start_date, per_cohort[n]) for n in sorted(per_cohort)],
        periods=reviews_ahead(found, book, meeting_date),
        summaries=_summaries(found, book, cohorts, names),
        course_status=_course_status(found, names),
        progress=_progress(found, book, cohorts, names, meeting_date),
        action_groups=groups,
        past_window=_past_window(actions),
        not_chased=[
            NotChased(s.participant_id, s.full_name, s.course, s.cohort, s.status, interventions.get(s.pk, []))
            for s in found
            if s.status in (DEFERRED, WITHDRAWN)
        ],
        blocked=[
            Blocked(s.participant_id, s.full_name, s.course, s.cohort,
                    tuple(o.spec.number for o in s.outputs if o.status == BLOCKED))
            for s in found
            if any(o.status == BLOCKED for o in s.outputs)
        ],
        not_preferred=[
            NotPreferred(s.participant_id, s.full_name, s.course, s.cohort, o.spec.number, o.met_on,
                         "the video introduction alone" if o.basis == ("video",) else "a contingency mark")
            for s in found
            for o in s.outputs
            if o.met_on is not None and o.met.not_preferred
        ],
        made_on=made_on or today(),
    )


def _course_order(book: Book) -> dict[str, int]:
    return {facts.course.code: facts.course.id for facts in book.courses.values()}


def _by_course_cohort(found: list[Standing], book: Book) -> list[tuple[tuple[str, int], list[Standing]]]:
    groups: dict[tuple[str, int], list[Standing]] = defaultdict(list)
    for s in found:
        groups[(s.course, s.cohort)].append(s)
    order = _course_order(book)
    return sorted(groups.items(), key=lambda item: (order[item[0][0]], item[0][1]))


def _summaries(found: list[Standing], book: Book, cohorts: dict, names: dict[str, str]) -> list[Summary]:
    summaries = []
    for (course, cohort), members in _by_course_cohort(found, book):
        table = output_counts(members)  # the dashboard's counts, so both always agree
        specs = {output.spec.number: output.spec for s in members for output in s.outputs}
        columns = table.columns
        rows = [
            OutputRow(
                row.number,
                specs[row.number].name,
                specs[row.number].review_date,
                tuple(row.counts.get(st, 0) for st in columns),
                row.total,
            )
            for row in table.rows
        ]
        summaries.append(
            Summary(
                course,
                names[course],
                cohort,
                cohorts[cohort].name,
                len(members),
                sum(1 for s in members if s.status == DEFERRED),
                sum(1 for s in members if s.status == WITHDRAWN),
                columns,
                rows,
            )
        )
    return summaries


def _course_status(found: list[Standing], names: dict[str, str]) -> list[CourseStatus]:
    counts: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    output_names: dict[str, dict[int, str]] = defaultdict(dict)
    order: dict[str, int] = {}
    for s in found:
        order[s.course] = s.course_id
        for output in s.outputs:
            counts[s.course][output.spec.number][output.status] += 1
            output_names[s.course][output.spec.number] = output.spec.name
    return [
        CourseStatus(course, names[course], [(n, dict(per)) for n, per in sorted(counts[course].items())],
                     sorted(output_names[course].items()))
        for course in sorted(counts, key=order.get)
    ]


def expected_percent(start: date, final_review: date, on: date) -> int:
    """The share of the course's time elapsed from the cohort's start to the final review date."""
    span = (final_review - start).days
    if span <= 0:
        return 100
    return max(0, min(100, round(100 * (on - start).days / span)))


def expected_by_windows(windows: list, block_totals: dict[int, int | None], total: int, on: date) -> int | None:
    """The share of the course's credits in blocks whose completion window closed before `on`, or None
    when a closed block's total is not known."""
    closed = [block_totals.get(w.block) for w in windows if w.closes < on]
    if None in closed or not total:
        return None
    return max(0, min(100, round(100 * sum(closed) / total)))


def _progress(found: list[Standing], book: Book, cohorts: dict, names: dict[str, str], on: date) -> list[Progress]:
    from ..engagement.windows import block_totals as totals_of_blocks, windows_by_group

    windows = windows_by_group()
    block_totals = totals_of_blocks(book) if windows else {}
    active = [s for s in found if s.status == ACTIVE]
    scores = credit_scores({s.pk: book.courses[s.course_id] for s in active if book.courses[s.course_id].total_known}, on)
    groups: dict[tuple[str, int], list[Standing]] = defaultdict(list)
    for s in active:
        groups[(s.course, s.cohort)].append(s)
    order = _course_order(book)
    result = []
    for (course, cohort), members in sorted(groups.items(), key=lambda item: (order[item[0][0]], item[0][1])):
        facts = book.by_code[course]
        total = facts.content.total
        schedule = book.schedule(facts.course.id, cohort)
        final = schedule[-1].review_date if schedule else None
        start_date = cohorts[cohort].start_date
        expected = expected_percent(start_date, final, on) if final else None
        set_windows = windows.get((cohort, facts.course.course_group))
        by_windows = False
        if set_windows and total:
            from_windows = expected_by_windows(set_windows, block_totals[facts.course.id], total, on)
            if from_windows is not None:
                expected, by_windows = from_windows, True
        bands = [0] * BANDS
        percents = []
        note = ""
        if facts.course.course_group == "coaching":
            note = "The Coaching Offer's content and output criteria are not yet published, so progress cannot be shown."
        elif total is None:
            note = "Some of this course's content is still TBC, so its credit total, and progress as a share of it, is not known yet."
        elif total == 0:
            note = "This course has no credits recorded in its content."
        else:
            for s in members:
                score = scores.get(s.pk, 0)
                bands[min(score * BANDS // total, BANDS - 1)] += 1
                percents.append(100 * score / total)
        result.append(
            Progress(course, names[course], cohort, cohorts[cohort].name, total, expected, start_date, final,
                     tuple(bands), tuple(percents), note, by_windows)
        )
    return result


def _past_window(actions: list[Action]) -> list[PastWindowGroup]:
    groups: dict[tuple[str, int, int], list[Action]] = defaultdict(list)
    for a in actions:
        if a.state in PAST_WINDOW:
            groups[(a.course, a.cohort, a.output)].append(a)
    found = [
        PastWindowGroup(course, cohort, output, members[0].review_date, members[0].days_after_review,
                        [a for a in members if not a.interventions], [a for a in members if a.interventions])
        for (course, cohort, output), members in groups.items()
    ]
    found.sort(key=lambda g: (-g.days_after_review, g.course, g.cohort))
    return found
