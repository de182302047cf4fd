"""A register proposed from an attendance report (INTERCHANGE.md `import attendance FILE --event
TITLE --block N`): who attended, who was absent, and who in the report is no participant.

- Teams and Zoom: a participant's minutes present are the union of the join-leave intervals of
  every identity matched to them (reports/presence.py); at least the minimum is `attended`, less
  `absent`. The default minimum is half the session's length as the report gives it, rounded up.
- Moodle's attendance export: each session column is a session of its own, dated by its heading.
  `P` and `L` are attended, `A` absent, `E` absent or, when the partner says so, contingency;
  `?`, blank, enrolment text, hidden (`-X`) and unknown statuses give no mark (the last two are
  listed as problems: a person has to decide what they mean).
- The group (one or more course and cohort): its active participants the report does not show
  are absent on each session date. With a group, only its participants are matched: the register
  is the group's, as `--partner` confines it to a partner's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...rules.facts import ABSENT, ATTENDED, CONTINGENCY
from ...refusal import Refusal
from ..reports import MARKED, AttendanceReport, RegisterExport, seconds_present, whole_minutes
from .matching import People, Person, Unmatched

ATTENDED_STATUSES, ABSENT_STATUSES, EXCUSED = ("P", "L"), ("A",), "E"
PRECEDENCE = (ATTENDED, CONTINGENCY, ABSENT)  # two sessions of one day: the better mark stands


@dataclass(frozen=True)
class Options:
    session_date: date | None = None  # Moodle: picks the sessions of that day (see _sessions)
    minimum: int | None = None  # minutes; None: half the session's length
    groups: tuple[tuple[str, int], ...] = ()
    excused: str = ABSENT  # what Moodle's E is: absent, or contingency


@dataclass(frozen=True)
class ProposedMark:
    person: Person
    session_date: date
    mark: str
    minutes: int | None  # present, for Teams and Zoom
    row: int | None  # where the report shows the person; None for an absentee it does not show


@dataclass
class ProposedRegister:
    marks: list[ProposedMark] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    below: list[ProposedMark] = field(default_factory=list)  # in the report, present less than the minimum
    minimum: int | None = None
    problems: list[str] = field(default_factory=list)  # what the report held that gives no mark


def propose(report: AttendanceReport | RegisterExport, people: People, options: Options) -> ProposedRegister:
    people = people.within(options.groups)
    if isinstance(report, RegisterExport):
        proposed = _from_export(report, people, options)
    else:
        proposed = _from_meeting(report, people, options)
    proposed.problems[:0] = [str(problem) for problem in report.problems]
    return proposed


def half_of(minutes: int | None) -> int:
    if minutes is None:
        raise Refusal("minimum-minutes", "the report does not give the session's length: give the minimum minutes")
    return (minutes + 1) // 2


def _from_meeting(report: AttendanceReport, people: People, options: Options) -> ProposedRegister:
    on = options.session_date or report.date
    if on is None:
        raise Refusal("session-date", "the report gives no date for the session: give the session date")
    minimum = options.minimum if options.minimum is not None else half_of(report.minutes)
    proposed = ProposedRegister(minimum=minimum)
    found: dict[Person, tuple[list, int]] = {}
    for attendee in report.attendees:
        person = people.by_address(attendee.emails)
        if person is None:
            proposed.unmatched.append(Unmatched(attendee.name, attendee.email, attendee.minutes))
            continue
        intervals, row = found.setdefault(person, ([], min(attendee.rows, default=0)))
        intervals.extend(attendee.intervals)
    for person, (intervals, row) in found.items():
        minutes = whole_minutes(seconds_present(intervals))
        mark = ProposedMark(person, on, ATTENDED if minutes >= minimum else ABSENT, minutes, row)
        proposed.marks.append(mark)
        if mark.mark == ABSENT:
            proposed.below.append(mark)
    _absentees(proposed, people, options, {on: set(found)})
    return proposed


def _sessions(report: RegisterExport, options: Options) -> list[tuple[int, date]]:
    """(index, date) of the sessions to register: all, each on its own date; with a session date,
    those held that day, or an export's only session dated so."""
    dated = [(index, session.starts.date() if session.starts else None) for index, session in
             enumerate(report.sessions)]
    if options.session_date is None:
        undated = [report.sessions[index].heading for index, day in dated if day is None]
        if undated:
            raise Refusal("session-date", f"the session '{undated[0]}' has no date the tracker can read: give the "
                                          "session date")
        return dated
    chosen = [(index, day) for index, day in dated if day == options.session_date]
    if chosen:
        return chosen
    if len(dated) == 1:
        return [(0, options.session_date)]
    held = ", ".join(sorted({day.isoformat() for _, day in dated if day}))
    raise Refusal("session-date", f"the export holds no session on {options.session_date.isoformat()} (its "
                                  f"sessions are on {held})")


def _from_export(report: RegisterExport, people: People, options: Options) -> ProposedRegister:
    sessions = _sessions(report, options)
    proposed = ProposedRegister()
    best: dict[tuple[Person, date], ProposedMark] = {}
    shown: dict[date, set[Person]] = {day: set() for _, day in sessions}
    for entry in report.people:
        person = people.by_address([entry.email])
        if person is None:
            proposed.unmatched.append(Unmatched(entry.name, entry.email, None))
            continue
        for index, day in sessions:
            shown[day].add(person)
            cell = entry.marks[index]
            mark = _status(cell, options) if cell.state == MARKED else None
            if cell.state == MARKED and mark is None:
                proposed.problems.append(f"row {entry.row}: {entry.name}: {report.sessions[index].heading}: "
                                         f"'{cell.text}' is a status the tracker does not read: no mark")
            if mark is None:
                continue
            earlier = best.get((person, day))
            if earlier is None or PRECEDENCE.index(mark) < PRECEDENCE.index(earlier.mark):
                best[(person, day)] = ProposedMark(person, day, mark, None, entry.row)
    proposed.marks.extend(best.values())
    taken = {day for _, day in best}
    _absentees(proposed, people, options, {day: found for day, found in shown.items() if day in taken})
    return proposed


def _status(cell, options: Options) -> str | None:
    if cell.hidden:
        return None
    acronym = (cell.acronym or "").upper()
    if acronym in ATTENDED_STATUSES:
        return ATTENDED
    if acronym in ABSENT_STATUSES:
        return ABSENT
    if acronym == EXCUSED:
        return options.excused
    return None


def _absentees(proposed: ProposedRegister, people: People, options: Options, shown: dict[date, set[Person]]) -> None:
    """The group's active participants the report does not show are absent on each session date."""
    if not options.groups:
        return
    for day, present in shown.items():
        proposed.marks.extend(ProposedMark(person, day, ABSENT, None, None) for person in people.people
                              if person.active and person not in present)
