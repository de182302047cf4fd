"""Microsoft Teams attendance reports (FORMATS.md sections 1-3).

`read` takes the layout since late 2021, meetings and webinars: UTF-16 of either byte order or
UTF-8 (a Mac/web download, or a re-save in Excel, which also turns TABs into commas), in three
sections, `1. Summary`, `2. Participants` (one row per identity), `3. In-Meeting Activities` (one
row per join). `read_2021` takes the "Meeting Summary" layout (one row per join after a summary).

Decisions (FORMATS.md section 9):
- Minutes come from the join intervals of section 3, merged per identity and clipped to the
  summary's `Start time`-`End time`; section 2's `In-Meeting Duration` is never added to them.
  Leave-only artefact rows (an empty `Join Time`) are skipped. An identity that section 3 does not
  list (an empty or missing section 3) gets one interval from its `First Join` as long as its
  section 2 duration, never past its `Last Leave`.
- An identity is a section 2 row: its name and email. Its addresses, strongest first, are the
  webinar's `Registration Email`, `Email`, then the `Participant ID (UPN)` with `#EXT#` unwrapped.
  A guest (`Name (Guest)`, no address) is its own identity; the same person signed in is another.
- `Role` is kept (organiser, presenter, attendee) but never decides who is a facilitator.
- Dates are the organiser's locale with no zone: day-first unless a date proves month-first
  (times.LocalTimes), or as the caller says.
"""
from __future__ import annotations

import re
from datetime import timedelta

from ..reading import NO_LIMITS, FileProblem, Limits, header_key
from .presence import Interval
from .results import DAY_FIRST, AttendanceReport
from .roll import Roll, role
from .text import Columns, Head, Row, email_keys, table
from .times import LocalTimes

SECTIONS = {"summary": 1, "participants": 2, "inmeetingactivities": 3}
SECTION = re.compile(r"\d\.\s*(.+)")
DURATION = re.compile(r"(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?")


def recognise(head: Head) -> bool:
    return head.starts("1. Summary")


def recognise_2021(head: Head) -> bool:
    return head.starts("Meeting Summary")


def _sections(rows: list[Row]) -> dict[int, list[Row]]:
    sections: dict[int, list[Row]] = {}
    current = None
    for row in rows:
        label = SECTION.fullmatch(row.cells[0]) if len(row.cells) == 1 else None
        if label and header_key(label[1]) in SECTIONS:
            current = SECTIONS[header_key(label[1])]
            sections[current] = []
        elif current is not None:
            sections[current].append(row)
    return sections


def _summary(rows: list[Row]) -> dict[str, str]:
    return {header_key(row.cells[0]): row.cell(1) for row in rows}


def _table(rows: list[Row]) -> tuple[Columns | None, list[Row]]:
    return (Columns(rows[0]), rows[1:]) if rows else (None, [])


def duration(text: str) -> timedelta | None:
    """`2h 11m 17s`, `2h 3s`, `45m`, `59s`; None for anything else (a localised `godz.`)."""
    found = DURATION.fullmatch(text.strip())
    if not text.strip() or not found:
        return None
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


PARTICIPANT = ("Name", "Full Name")
EMAIL, UPN, REGISTRATION_EMAIL = ("Email",), ("Participant ID (UPN)", "UPN"), ("Registration Email",)
JOIN, LEAVE = ("Join Time",), ("Leave Time",)
FIRST_JOIN, LAST_LEAVE = ("First Join",), ("Last Leave",)
TIME_COLUMNS = ("Start time", "End time", "Meeting Start Time", "Meeting End Time", "First Join", "Last Leave",
                "Join Time", "Leave Time", "Registration Time")


def _dates(summary: list[Row], *tables: tuple[Columns | None, list[Row]]) -> list[str]:
    """Every date text of the file, for settling the order its dates are written in."""
    texts = [row.cell(1) for row in summary]
    for columns, rows in tables:
        if columns is not None:
            indexes = [i for i in (columns.find(name) for name in TIME_COLUMNS) if i is not None]
            texts += [row.cell(i) for row in rows for i in indexes]
    return [text for text in texts if text]


def _person(roll: Roll, columns: Columns, row: Row):
    name = columns.get(row, *PARTICIPANT)
    emails = email_keys(columns.get(row, *REGISTRATION_EMAIL), columns.get(row, *EMAIL), columns.get(row, *UPN))
    key = (name.casefold(), (email_keys(columns.get(row, *EMAIL)) or ("",))[0])
    return roll.identity(row, name, emails, role(columns.get(row, "Role")), key=key)


def read(data: bytes, *, dates: str | None = None, limits: Limits = NO_LIMITS) -> AttendanceReport:
    rows = table(data, limits)
    sections = _sections(rows)
    if 2 not in sections:
        raise FileProblem("A Teams attendance report starting '1. Summary' needs its '2. Participants' section: "
                          "download the report from the meeting's Attendance tab again")
    summary = _summary(sections.get(1, []))
    people, joined = _table(sections[2]), _table(sections.get(3, []))
    roll = Roll(LocalTimes(_dates(sections.get(1, []), people, joined), DAY_FIRST, dates))
    identities = [(row, _person(roll, people[0], row)) for row in people[1]]
    listed = set()  # the identities section 3 shows joining
    for row in joined[1]:
        if not joined[0].get(row, *JOIN):
            continue  # a leave-only artefact: Teams writes each rejoin's leave twice
        identity = _person(roll, joined[0], row)
        listed.add(id(identity))
        roll.joined(identity, row, joined[0].get(row, *JOIN), joined[0].get(row, *LEAVE))
    for row, identity in identities:
        if id(identity) not in listed:
            _from_totals(roll, people[0], row, identity)
    webinar = people[0] is not None and people[0].has(*REGISTRATION_EMAIL)
    return roll.report("teams-webinar" if webinar else "teams", summary.get("meetingtitle"),
                       _time(roll, summary, "starttime"), _time(roll, summary, "endtime"))


def _time(roll: Roll, summary: dict[str, str], key: str):
    """`Start time` (since 2021) or `Meeting Start Time` (the 2021 layout), and the same for the end."""
    return roll.meeting_time(summary.get(key) or summary.get("meeting" + key) or "", key.replace("time", " time"))


def _from_totals(roll: Roll, columns: Columns, row: Row, identity) -> None:
    """An identity section 3 does not show: its section 2 duration from its first join."""
    length = duration(columns.get(row, "In-Meeting Duration", "Duration"))
    first, last = columns.get(row, *FIRST_JOIN), columns.get(row, *LAST_LEAVE)
    if length is None:
        roll.problem(row, identity.name, "no joins in section 3, and "
                     f"'{columns.get(row, 'In-Meeting Duration')}' is not a duration like 1h 2m 3s")
        return
    start, end = roll.time(row, identity.name, first, "first join"), roll.time(row, identity.name, last, "last leave")
    if start is not None and end is not None:
        identity.intervals.append(Interval(start, min(end, start + length)))


def read_2021(data: bytes, *, dates: str | None = None, limits: Limits = NO_LIMITS) -> AttendanceReport:
    rows = table(data, limits)
    at = next((i for i, row in enumerate(rows) if header_key(row.cells[0]) == "fullname"), None)
    if at is None:
        raise FileProblem("A Teams 'Meeting Summary' report needs its table headed 'Full Name', 'Join Time', "
                          "'Leave Time': download the report again")
    summary = _summary(rows[1:at])
    columns = Columns(rows[at])
    roll = Roll(LocalTimes(_dates(rows[1:at], (columns, rows[at + 1:])), DAY_FIRST, dates))
    for row in rows[at + 1:]:
        if not columns.get(row, *JOIN):
            continue
        roll.joined(_person(roll, columns, row), row, columns.get(row, *JOIN), columns.get(row, *LEAVE))
    return roll.report("teams-2021", summary.get("meetingtitle"),
                       _time(roll, summary, "starttime"), _time(roll, summary, "endtime"))
