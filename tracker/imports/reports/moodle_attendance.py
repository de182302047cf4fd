"""The Moodle attendance plugin's export, mod_attendance (FORMATS.md section 7): "Download in
Excel format" (an XLSX file, sheet `Attendances`, whatever name it is given) and "Download in
text format" (a `.txt`, UTF-8, TAB). Both start `Course <full name>`, `Group <group>`, a blank
row, then the header row (row 4 of the sheet) and one row per person.

Decisions (FORMATS.md sections 7, 9.5, 9.6):
- Columns are read by name (`Last name`, `First name`, `Groups`, `Email address`; other identity
  columns are kept as given, wherever they stand, as older releases put them first); a session
  column is one whose heading is `d Mon YYYY h.mmAM|PM <group>[ <description>]`, and an empty
  heading just after it holds that session's remarks; the summary columns (status counts, `Taken
  sessions`, `Points`, `Percentage`) are ignored.
- A cell is kept as the plugin wrote it with its parts read: `P (2/2)` is MARKED with acronym P;
  `-X` is a hidden status X; `?` is NOT_TAKEN; empty is NOT_IN_GROUP; `User enrolment starts ...`,
  `... ends ...`, `Enrolment suspended` and `←` are OUTSIDE_ENROLMENT. What an acronym means (P, L
  attended; A absent; E excused; the partner's own) is the importer's, a per-partner setting: the
  reader does not decide it. A cell of none of these forms is UNREADABLE and a row problem.
- A session's heading has no event and no block, and its group and description cannot be told
  apart: the text after the time is kept whole as `label`.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from ..reading import NO_LIMITS, FileProblem, Limits, header_key, sheet_rows
from .results import (MARKED, NOT_IN_GROUP, NOT_TAKEN, OUTSIDE_ENROLMENT, UNREADABLE, Mark, RegisterExport, RegisterPerson,
                      RowProblem, Session)
from .text import Columns, Head, Row, email_key, sheet_table, table

HEADING = re.compile(r"(?P<day>\d{1,2}) (?P<month>[A-Za-z]{3,}) (?P<year>\d{4}) (?P<hour>\d{1,2})\.(?P<minute>\d{2})"
                     r"\s*(?P<half>[AP]M)(?: (?P<label>.*))?", re.IGNORECASE)
CELL = re.compile(r"(?P<hidden>-)?(?P<acronym>[^\s()]{1,2})(?: \((?P<points>[\d.,]+)\s*/\s*(?P<out_of>[\d.,]+)\))?")
OUTSIDE = re.compile(r"user enrolment (starts|ends)\b.*|enrolment suspended|←", re.IGNORECASE)
NAMED = {"lastname", "firstname", "groups"}
WORKBOOK_MOST = 1024 * 1024  # the workbook part named in a recognised file is small


def recognise(head: Head) -> bool:
    """Text: `Course<TAB>...` then `Group<TAB>...`."""
    return (len(head.lines) > 1 and header_key(head.cells(0)[0] if head.cells(0) else "") == "course"
            and header_key(head.cells(1)[0] if head.cells(1) else "") == "group")


def recognise_xlsx(head: Head) -> bool:
    """A zip whose workbook names a sheet `Attendances`, read without opening any large part."""
    if not head.is_zip:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(head.data)) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > WORKBOOK_MOST:
                return False
            return b'name="Attendances"' in archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def read(data: bytes, *, dates: str | None = None, limits: Limits = NO_LIMITS) -> RegisterExport:
    """The text export. `dates` is accepted for a common signature: headings name the month."""
    return _register(table(data, limits), "moodle-attendance-text")


def read_xlsx(data: bytes, *, dates: str | None = None, limits: Limits = NO_LIMITS) -> RegisterExport:
    """The XLSX export, read within the upload limits (reading.sheet_rows) before any parsing."""
    return _register(sheet_table(sheet_rows(io.BytesIO(data), limits)), "moodle-attendance-xlsx")


def _starts(found: re.Match) -> datetime | None:
    try:
        return datetime.strptime(f"{found['day']} {found['month'][:3]} {found['year']} {found['hour']}:"
                                 f"{found['minute']} {found['half'].upper()}", "%d %b %Y %I:%M %p")
    except ValueError:
        return None


def _register(rows: list[Row], format: str) -> RegisterExport:
    top = {header_key(row.cells[0]): row.cell(1) for row in rows[:2]}
    at = next((i for i, row in enumerate(rows) if {"lastname", "firstname"} <= {header_key(c) for c in row.cells}),
              None)
    if at is None:
        raise FileProblem("A Moodle attendance export needs a header row with 'Last name' and 'First name' and a "
                          "column per session: export it again from the attendance activity's Export tab")
    header = rows[at]
    columns = Columns(header)
    sessions, remarks = [], {}
    for index, heading in enumerate(header.cells):
        found = HEADING.fullmatch(heading)
        if found:
            sessions.append((index, Session(index + 1, heading, _starts(found), found["label"] or "")))
        elif not heading and sessions and sessions[-1][0] == index - 1:
            remarks[index - 1] = index
    if not sessions:
        raise FileProblem("This Moodle attendance export has no session columns (headings like '4 Mar 2023 9.30AM "
                          "All students'): export it again with its sessions, in English")
    before = sessions[0][0]
    identity = [(i, h) for i, h in enumerate(header.cells[:before]) if h and header_key(h) not in NAMED]
    email_at = next((i for i, h in identity if header_key(h) in {"emailaddress", "email"}), None)
    problems: list[RowProblem] = []
    people = []
    for row in rows[at + 1:]:
        name = f"{columns.get(row, 'First name')} {columns.get(row, 'Last name')}".strip()
        marks = tuple(_mark(row, name, session, row.cell(remarks.get(index)), row.cell(index), problems)
                      for index, session in sessions)
        people.append(RegisterPerson(
            row.number, columns.get(row, "Last name"), columns.get(row, "First name"),
            email_key(row.cell(email_at)) if email_at is not None else None,
            tuple((h, row.cell(i)) for i, h in identity if i != email_at), columns.get(row, "Groups"), marks))
    return RegisterExport(format, top.get("course", ""), top.get("group", ""), tuple(s for _, s in sessions),
                          tuple(people), tuple(problems))


def _mark(row: Row, name: str, session: Session, remark: str, text: str, problems: list[RowProblem]) -> Mark:
    if not text:
        return Mark(text, NOT_IN_GROUP, remark=remark)
    if text == "?":
        return Mark(text, NOT_TAKEN, remark=remark)
    if OUTSIDE.fullmatch(text):
        return Mark(text, OUTSIDE_ENROLMENT, remark=remark)
    found = CELL.fullmatch(text)
    if found is None:
        problems.append(RowProblem(row.number, f"{row.label}: {name}: {session.heading}: '{text}' is not a mark "
                                               "like 'P (2/2)'"))
        return Mark(text, UNREADABLE, remark=remark)
    return Mark(text, MARKED, found["acronym"], bool(found["hidden"]), _number(found["points"]),
                _number(found["out_of"]), remark)


def _number(text: str | None) -> float | None:
    return float(text.replace(",", ".")) if text else None
