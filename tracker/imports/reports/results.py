"""What the readers return: plain values, no database, no web.

Times are naive `datetime`s: local wall-clock time exactly as the report writes it, in a zone the
report never names (Teams: the organiser's; Zoom: the host account's; Moodle: the viewer's
profile). Never convert them, never compare them with an aware time: they are read as the
session's own local time (FORMATS.md sections 1, 4, 6, 9.7).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..fields import DAY_FIRST, MONTH_FIRST  # noqa: F401 (the readers' names for them)
from ..reading import header_key
from .presence import Interval, seconds_present, whole_minutes


@dataclass(frozen=True)
class RowProblem:
    """A row the reader could not read, or read only in part; `message` names the row."""

    row: int  # the line of a text file or the row of a sheet, counting from 1
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class DateOrder:
    """How the file's numeric dates were read: `order` is day-first or month-first, and `settled_by`
    says why: "file" (a date in it can only be read one way), "caller" (asked for), or "default"
    (every date could be read both ways: ask the person, or check against the session's date)."""

    order: str
    settled_by: str


@dataclass(frozen=True)
class Attendee:
    """One identity in a Teams or Zoom report: a signed-in account, a guest name, a device.

    One person may be several identities (signed in, later as a guest; two devices without
    sign-in): the importer unions the intervals of the identities it matches to one participant
    with `presence.seconds_present(...)` over the report's `span`.
    """

    name: str  # as written: `Surname, Forename`, `Jo C (Guest)`, `iPhone`, `New (Original)`
    emails: tuple[str, ...]  # matching keys, strongest first: registration email, email, UPN
    role: str | None  # "organiser", "presenter" or "attendee" where the report says; else None
    intervals: tuple[Interval, ...]  # merged and clipped to the report's span
    rows: tuple[int, ...]  # the rows this identity was read from

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None

    @property
    def seconds(self) -> int:
        return seconds_present(self.intervals)

    @property
    def minutes(self) -> int:
        return whole_minutes(self.seconds)


@dataclass(frozen=True)
class AttendanceReport:
    """A Teams or Zoom report of one meeting or webinar: who joined, and when."""

    format: str  # the layout read: teams, teams-webinar, teams-2021, zoom-2025, zoom-legacy, zoom (no
    # meeting lines), zoom-webinar
    title: str | None  # free text: prefills the event, never decides it (section 9.7)
    start: datetime | None  # as the report gives them; None when it gives none
    end: datetime | None
    attendees: tuple[Attendee, ...]
    problems: tuple[RowProblem, ...]
    dates: DateOrder

    @property
    def date(self) -> date | None:
        """The session date the report proposes: its start's date (or, without one, the first join's)."""
        if self.start is not None:
            return self.start.date()
        joins = [i.start for a in self.attendees for i in a.intervals]
        return min(joins).date() if joins else None

    @property
    def span(self) -> Interval | None:
        return Interval(self.start, self.end) if self.start and self.end else None

    @property
    def minutes(self) -> int | None:
        """The meeting's length as the report gives it (for a default minimum of half of it)."""
        span = self.span
        return None if span is None else whole_minutes(span.seconds)


@dataclass(frozen=True)
class Activity:
    """An activity column of Moodle's completion report: `position` counts activities from 1, in
    the file's order; titles repeat across blocks, so an activity is its position, not its title."""

    position: int
    title: str
    expected: datetime | None  # "expected completed on", when the course sets one


@dataclass(frozen=True)
class Completion:
    """One learner's cell pair for one activity. `completed` is any `Completed ...` state, also
    `Completed (did not achieve pass grade)` and a teacher's override (INTERCHANGE.md: any
    `Completed ...` state earns the credits); a date alone never means completed."""

    state: str  # as written
    completed: bool
    on: datetime | None
    set_by: str | None  # the teacher named by `(set by ...)`


@dataclass(frozen=True)
class Learner:
    row: int
    name: str  # Moodle's full name, `Firstname Lastname` by default
    email: str | None  # normalised, from `Email address` when shown
    identity: tuple[tuple[str, str], ...]  # every identity field as (heading, value), as given
    completions: tuple[Completion, ...]  # one per activity, in the activities' order

    def field(self, heading: str) -> str | None:
        return next((value for name, value in self.identity if header_key(name) == header_key(heading)), None)


@dataclass(frozen=True)
class CompletionReport:
    """Moodle's activity completion report (report/progress): learners by activities."""

    format: str
    identity_headings: tuple[str, ...]
    activities: tuple[Activity, ...]
    learners: tuple[Learner, ...]
    problems: tuple[RowProblem, ...]


@dataclass(frozen=True)
class Session:
    """A session column of mod_attendance's export."""

    column: int  # counting from 1
    heading: str
    starts: datetime | None  # from `4 Mar 2023 9.30AM`, in the exporting viewer's zone
    label: str  # what follows the time: the group (`All students`), then any description


NOT_TAKEN, NOT_IN_GROUP, OUTSIDE_ENROLMENT, MARKED = "not taken", "not in group", "outside enrolment", "marked"
UNREADABLE = "unreadable"  # listed in the export's problems


@dataclass(frozen=True)
class Mark:
    """A register cell: `P (2/2)`, `-X` (a hidden status), `?`, empty, or enrolment text."""

    text: str
    state: str  # MARKED, NOT_TAKEN, NOT_IN_GROUP, OUTSIDE_ENROLMENT or UNREADABLE
    acronym: str | None = None  # the status acronym when MARKED: P, L, E, A or the partner's own
    hidden: bool = False  # written `-X`: a status the partner has hidden
    points: float | None = None
    out_of: float | None = None
    remark: str = ""


@dataclass(frozen=True)
class RegisterPerson:
    row: int
    last_name: str
    first_name: str
    email: str | None  # normalised, from `Email address` when exported
    identity: tuple[tuple[str, str], ...]  # the other identity columns as (heading, value)
    groups: str
    marks: tuple[Mark, ...]  # one per session, in the sessions' order

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class RegisterExport:
    """mod_attendance's export: each session column is a register of its own (no event, no block)."""

    format: str
    course: str
    group: str
    sessions: tuple[Session, ...]
    people: tuple[RegisterPerson, ...]
    problems: tuple[RowProblem, ...]


Report = AttendanceReport | CompletionReport | RegisterExport
