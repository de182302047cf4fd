"""Zoom reports (FORMATS.md sections 4 and 5): the meeting participants report, in its 2025 layout
(`Topic,ID,Host,...`, UTF-8 with BOM) and its 2020-2024 layout (`Meeting ID,Topic,Start Time,...`,
trailing commas), with or without the meeting lines; and the webinar Attendee Report.

Decisions (FORMATS.md section 9):
- Minutes come from `Join time`-`Leave time`, merged per identity (rejoins and second devices of
  one address are one identity) and clipped to the meeting's `Start time`-`End time`. Zoom's
  `Duration (minutes)` and `Time in Session (minutes)` are rounded up per row and never summed.
- A waiting-room row (`In waiting room` = Yes) is not presence: its identity is listed with no
  interval unless it was also admitted.
- `Guest` = Yes means outside the host's account, not anonymous: it is not read. The meeting's
  host (its address in the meeting lines) is the organiser; the webinar's Host, Panelist and
  Attendee/Other sections give organiser, presenter, attendee. A registrant who did not attend
  (`Attended` = No, `--` times) is listed with no interval: a hint for absentees, not a mark.
- A "Show unique users" export (one rounded total per person, no times) is refused: its minutes
  cannot be merged.
- Numeric dates are month-first (Zoom writes them so, even outside the US) unless a date proves
  day-first or the caller says; webinar dates name the month. The webinar's span is its `Actual
  Start Time` (to the minute) plus its `Actual Duration`, one minute longer for the rounding.
"""
from __future__ import annotations

import re
from datetime import timedelta

from ..reading import NO_LIMITS, FileProblem, Limits, header_key
from .results import MONTH_FIRST, AttendanceReport
from .roll import Roll
from .text import Columns, Head, Row, email_keys, table
from .times import LocalTimes

NAME = ("Name (original name)", "Name", "User Name (Original Name)", "User Name")
EMAIL = ("Email", "User Email")
JOIN, LEAVE = ("Join time",), ("Leave time",)
HOST_EMAIL = re.compile(r"\(([^()]*@[^()]*)\)\s*$")
UNIQUE_USERS = ("Total Duration (Minutes)",)


def recognise(head: Head) -> bool:
    return head.starts("Topic,ID,Host", "Meeting ID,Topic,Start Time", "Name (Original Name),",
                       "Name (original name),")


def recognise_webinar(head: Head) -> bool:
    return header_key(head.cells(0)[0] if head.cells(0) else "") == "attendeereport"


def _yes(text: str) -> bool:
    return header_key(text) in {"yes", "y", "true"}


def read(data: bytes, *, dates: str | None = None, limits: Limits = NO_LIMITS) -> AttendanceReport:
    rows = table(data, limits)
    at = next((i for i, row in enumerate(rows) if header_key(row.cells[0]).startswith("name")), None)
    if at is None:
        raise FileProblem("A Zoom participants report needs its table headed 'Name (original name)', 'Email', "
                          "'Join time', 'Leave time': export it again from Reports > Usage")
    columns = Columns(rows[at])
    if columns.has(*UNIQUE_USERS) and not columns.has(*JOIN):
        raise FileProblem("This Zoom participants report was exported with 'Show unique users': it has one rounded "
                          "total per person and no join and leave times. Export it again without that option")
    meeting = Columns(rows[0]) if at >= 2 else None
    details = rows[1] if meeting else Row(0, [])
    texts = [columns.get(row, *JOIN) for row in rows[at + 1:]] + [columns.get(row, *LEAVE) for row in rows[at + 1:]]
    if meeting:
        texts += [meeting.get(details, "Start time"), meeting.get(details, "End time")]
    roll = Roll(LocalTimes([t for t in texts if t], MONTH_FIRST, dates))
    host = _host(meeting, details)
    for row in rows[at + 1:]:
        emails = email_keys(columns.get(row, *EMAIL))
        identity = roll.identity(row, columns.get(row, *NAME), emails,
                                 "organiser" if host and host in emails else None)
        if _yes(columns.get(row, "In waiting room")):
            continue
        roll.joined(identity, row, columns.get(row, *JOIN), columns.get(row, *LEAVE))
    layout = "zoom" if meeting is None else "zoom-2025" if meeting.has("Host") else "zoom-legacy"
    title = meeting.get(details, "Topic") if meeting else None
    return roll.report(layout, title, _time(roll, meeting, details, "Start time"),
                       _time(roll, meeting, details, "End time"))


def _host(meeting: Columns | None, details: Row) -> str | None:
    if meeting is None:
        return None
    found = HOST_EMAIL.search(meeting.get(details, "Host"))
    keys = email_keys(found[1] if found else "", meeting.get(details, "User Email"))
    return keys[0] if keys else None


def _time(roll: Roll, columns: Columns | None, row: Row, name: str):
    return roll.meeting_time(columns.get(row, name) if columns else "", name)


WEBINAR_SECTIONS = {"hostdetails": "organiser", "panelistdetails": "presenter", "attendeedetails": "attendee",
                    "otherattended": "attendee"}


def read_webinar(data: bytes, *, dates: str | None = None, limits: Limits = NO_LIMITS) -> AttendanceReport:
    rows = table(data, limits)
    sections: dict[str, list[Row]] = {}
    summary: list[Row] = []
    current = None
    for row in rows:
        label = header_key(row.cells[0].rstrip(":")) if len(row.cells) == 1 else None
        if label in WEBINAR_SECTIONS:
            current = sections.setdefault(label, [])
        elif label == "attendeereport" or header_key(row.cells[0]) == "reportgenerated:":
            continue
        elif current is None:
            summary.append(row)
        else:
            current.append(row)
    if not sections:
        raise FileProblem("A Zoom webinar Attendee Report needs its 'Host Details' and 'Attendee Details' "
                          "sections: export it again from Reports > Webinar > Attendee report")
    tables = [(WEBINAR_SECTIONS[label], Columns(found[0]), found[1:]) for label, found in sections.items() if found]
    texts = [c.get(r, *JOIN) for _, c, rs in tables for r in rs] + [c.get(r, *LEAVE) for _, c, rs in tables for r in rs]
    roll = Roll(LocalTimes([t for t in texts if t], MONTH_FIRST, dates))
    for role, columns, found in tables:
        for row in found:
            name = columns.get(row, *NAME) or " ".join(
                part for part in (columns.get(row, "First Name"), columns.get(row, "Last Name")) if part)
            identity = roll.identity(row, name, email_keys(columns.get(row, "Email")), role)
            if header_key(columns.get(row, "Attended")) == "no" or columns.get(row, *JOIN) in ("", "--"):
                continue
            roll.joined(identity, row, columns.get(row, *JOIN), columns.get(row, *LEAVE))
    meeting = Columns(summary[0]) if summary else None
    details = summary[1] if len(summary) > 1 else Row(0, [])
    start = _time(roll, meeting, details, "Actual Start Time")
    end = None
    minutes = meeting.get(details, "Actual Duration (minutes)") if meeting else ""
    if start is not None and minutes.isdigit():
        end = start + timedelta(minutes=int(minutes) + 1)
    return roll.report("zoom-webinar", meeting.get(details, "Topic") if meeting else None, start, end)
