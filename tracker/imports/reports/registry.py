"""The one place a report's format is recognised, from its content and never its name (FORMATS.md
section 8), and the one list of formats the upload page and the command line both read.

A file no format recognises is refused naming every format expected and what the file starts
with; a format the tracker knows but does not read (Teams' 2020 attendance list, Teams Live
Events) is refused saying what to download instead. An XLSX or CSV file of other columns is not
a report: `recognise` returns None and the importer can offer its column mapping.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..reading import NO_LIMITS, FileProblem, Limits
from . import moodle_attendance, moodle_completion, teams, zoom
from .results import Report
from .text import Head, head


@dataclass(frozen=True)
class ReportFormat:
    name: str
    title: str  # what a person calls it
    looks_like: str  # how its start looks, for a refusal
    evidence: str  # the tracker's kind it becomes: "attendance" or "credits"
    recognise: Callable[[Head], bool]
    read: Callable[..., Report] | None = None
    not_read: str = ""  # why a format the tracker knows is refused


def _starts(*prefixes: str) -> Callable[[Head], bool]:
    return lambda found: found.starts(*prefixes)


FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat("moodle-attendance-xlsx", "a Moodle attendance export (Excel)",
                 "an XLSX file with a sheet 'Attendances'", "attendance",
                 moodle_attendance.recognise_xlsx, moodle_attendance.read_xlsx),
    ReportFormat("teams", "a Teams meeting or webinar attendance report", "first line '1. Summary'", "attendance",
                 teams.recognise, teams.read),
    ReportFormat("teams-2021", "a Teams attendance report (2021 layout)", "first line 'Meeting Summary'",
                 "attendance", teams.recognise_2021, teams.read_2021),
    ReportFormat("teams-2020-list", "a Teams attendance list (2020-21)", "first line 'Full Name, User Action, "
                 "Timestamp'", "attendance", _starts("Full Name\tUser Action", "Full Name,User Action"),
                 not_read="It has no leave time for people still in the meeting when it was downloaded, so their "
                 "minutes cannot be known: download the meeting's attendance report from its Attendance tab"),
    ReportFormat("teams-live-events", "a Teams Live Events attendee report", "first line 'Session Id,Participant "
                 "Id,...'", "attendance", _starts("Session Id,Participant Id"),
                 not_read="Live Events were retired in 2024 and their reports name no e-mail addresses: record "
                 "the register in the browser"),
    ReportFormat("zoom", "a Zoom meeting participants report", "first line 'Topic,ID,Host,...', 'Meeting "
                 "ID,Topic,Start Time,...' or 'Name (original name),Email,...'", "attendance",
                 zoom.recognise, zoom.read),
    ReportFormat("zoom-webinar", "a Zoom webinar attendee report", "first line 'Attendee Report'", "attendance",
                 zoom.recognise_webinar, zoom.read_webinar),
    ReportFormat("moodle-attendance-text", "a Moodle attendance export (text)",
                 "lines 'Course<TAB>...' then 'Group<TAB>...'", "attendance",
                 moodle_attendance.recognise, moodle_attendance.read),
    ReportFormat("moodle-completion", "a Moodle activity completion report",
                 "a header row starting with a separator, then 'Email address' and activity names", "credits",
                 moodle_completion.recognise, moodle_completion.read),
)
BY_NAME = {found.name: found for found in FORMATS}


def recognise(data: bytes) -> ReportFormat | None:
    """The format the file's content shows, or None."""
    first = head(data)
    return next((found for found in FORMATS if found.recognise(first)), None)


def _found(data: bytes) -> str:
    first = head(data)
    if first.is_zip:
        return "it is an XLSX (or other zip) file without a sheet named 'Attendances'"
    if not first.lines or any(ch in first.first for ch in "\x00\ufffd") or not first.first.isprintable():
        return f"it does not start as text (its first bytes are {data[:8].hex(' ')})"
    line = first.first.replace("\t", " | ")
    return f"its first line is '{line[:120]}{'...' if len(line) > 120 else ''}'"


def expected() -> str:
    return "; ".join(f"{found.title} ({found.looks_like})" for found in FORMATS if found.read is not None)


def identify(data: bytes) -> ReportFormat:
    """The format the file's content shows; FileProblem naming what was expected when none, or
    saying what to download instead for a format the tracker knows but does not read."""
    found = recognise(data)
    if found is None:
        raise FileProblem(f"This file is not a report the tracker recognises: {_found(data)}. "
                          f"Expected {expected()}")
    if found.read is None:
        raise FileProblem(f"This file is {found.title}, which the tracker does not read. {found.not_read}")
    return found


def read_report(data: bytes, *, dates: str | None = None, limits: Limits = NO_LIMITS) -> Report:
    """Recognise the file and read it. `dates` ("day-first" or "month-first") settles the order of
    numeric dates the file leaves open; `limits` are the upload's (reading.UPLOAD_LIMITS)."""
    return identify(data).read(data, dates=dates, limits=limits)
