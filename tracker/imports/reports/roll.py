"""Gathering a Teams or Zoom report's rows into identities with their intervals, shared by the
readers of both (FORMATS.md section 9.1 and 9.2).

An identity is what the report can tell apart by itself: an address when the row has one, else
the name as written. Rejoins and second devices of one address become one identity; a guest
without an address is its own identity, named as typed. Joining the identities of one person
(signed in, later a guest) is matching, which is the importer's: it proposes, a person confirms.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..reading import header_key
from .presence import Interval, merged
from .results import Attendee, AttendanceReport, RowProblem
from .text import Row
from .times import LocalTimes

ROLES = {"organizer": "organiser", "organiser": "organiser", "coorganizer": "organiser",
         "coorganiser": "organiser", "host": "organiser", "cohost": "organiser",
         "presenter": "presenter", "panelist": "presenter", "panellist": "presenter", "attendee": "attendee"}
RANK = {"organiser": 0, "presenter": 1, "attendee": 2}


def role(text: str) -> str | None:
    """Teams' `Organizer`, `Presenter`, `Attendee` (and Zoom's sections) as the tracker's words;
    a role the tracker does not know is kept lower-cased. It never picks out facilitators: with
    "Who can present: Everyone" every Teams attendee is a `Presenter`."""
    return ROLES.get(header_key(text), text.strip().casefold() or None)


@dataclass
class _Identity:
    name: str
    emails: tuple[str, ...]
    role: str | None
    rows: list[int] = field(default_factory=list)
    intervals: list[Interval] = field(default_factory=list)


class Roll:
    def __init__(self, times: LocalTimes):
        self.times = times
        self.identities: dict[object, _Identity] = {}
        self.problems: list[RowProblem] = []

    def identity(self, row: Row, name: str, emails: tuple[str, ...], role: str | None = None,
                 key: object = None) -> _Identity:
        """The identity the row belongs to, made on first sight; by default keyed by its strongest
        address, else by its name ignoring case."""
        key = key if key is not None else (emails[0] if emails else ("name", name.casefold()))
        found = self.identities.get(key)
        if found is None:
            found = self.identities[key] = _Identity(name, emails, role)
        else:
            found.emails += tuple(e for e in emails if e not in found.emails)
            if role is not None and RANK.get(role, 3) < RANK.get(found.role, 3):
                found.role = role
        found.rows.append(row.number)
        return found

    def time(self, row: Row, name: str, text: str, column: str):
        try:
            return self.times.parse(text)
        except ValueError as error:
            self.problem(row, name, f"{column}: {error}")
            return None

    def meeting_time(self, text: str, what: str):
        """A time from the report's summary lines; an unreadable one is listed (as row 0, the summary)."""
        try:
            return self.times.parse(text) if text else None
        except ValueError as error:
            self.problems.append(RowProblem(0, f"summary: {what}: {error}"))
            return None

    def joined(self, identity: _Identity, row: Row, join: str, leave: str) -> None:
        start, end = self.time(row, identity.name, join, "join"), self.time(row, identity.name, leave, "leave")
        if start is None or end is None:
            return
        if end < start:
            self.problem(row, identity.name, f"leaves ({leave}) before joining ({join})")
            return
        identity.intervals.append(Interval(start, end))

    def problem(self, row: Row, name: str, message: str) -> None:
        self.problems.append(RowProblem(row.number, f"{row.label}: {name or 'no name'}: {message}"))

    def report(self, format: str, title: str | None, start, end) -> AttendanceReport:
        span = Interval(start, end) if start is not None and end is not None and end >= start else None
        attendees = tuple(
            Attendee(i.name, i.emails, i.role, merged(i.intervals, span), tuple(i.rows))
            for i in self.identities.values())
        return AttendanceReport(format, title or None, start, end, attendees, tuple(self.problems), self.times.order)
