"""Partner reports built byte by byte as FORMATS.md describes them (sections 1-7)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

CRLF, LF = "\r\n", "\n"


def _tab_line(cells, width: int = 0, quote: bool = True) -> str:
    """A TAB line as Teams writes it: a cell holding a comma quoted (when quoting), padded with
    trailing TABs to `width` cells."""
    cells = [f'"{c}"' if quote and "," in c else c for c in cells]
    cells += [""] * (width - len(cells))
    return "\t".join(cells)


def teams(summary: list[tuple[str, str]], participants: list[list[str]], activities: list[list[str]] | None,
          *, encoding: str = "utf-16-le", newline: str = CRLF, width: int = 7, quote: bool = True,
          labels=("1. Summary", "2. Participants", "3. In-Meeting Activities"),
          participant_header=("Name", "First Join", "Last Leave", "In-Meeting Duration", "Email",
                              "Participant ID (UPN)", "Role"),
          activity_header=("Name", "Join Time", "Leave Time", "Duration", "Email", "Role")) -> bytes:
    """A Teams attendance report (section 1): BOM, three sections, blank lines between them."""
    lines = [_tab_line([labels[0]], width), *(_tab_line(pair, width, quote) for pair in summary), "",
             _tab_line([labels[1]], width), _tab_line(participant_header, width, quote),
             *(_tab_line(row, width, quote) for row in participants)]
    if activities is not None:
        lines += ["", _tab_line([labels[2]], width), _tab_line(activity_header, width, quote),
                  *(_tab_line(row, width, quote) for row in activities)]
    lines = [line if line.strip() else "\t" * (width - 1) for line in lines]
    text = newline.join(lines) + newline
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}[encoding]
    return bom + text.encode(encoding)


def excel_resave(data: bytes) -> bytes:
    """What Excel writes when a Teams report is opened and saved as "CSV UTF-8": UTF-8 with BOM,
    commas, CRLF, cells with a comma quoted, the TAB padding turned into commas."""
    import csv

    text = data[2:].decode("utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=CRLF)
    for row in csv.reader(io.StringIO(text, newline=""), delimiter="\t"):
        writer.writerow(row)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def teams_2021(summary: list[tuple[str, str]], rows: list[list[str]]) -> bytes:
    """The "Meeting Summary" layout: UTF-16LE BOM, TAB, LF, unquoted, no final newline."""
    lines = ["Meeting Summary", *("\t".join(pair) for pair in summary), "",
             "Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)",
             *("\t".join(row) for row in rows)]
    return b"\xff\xfe" + "\n".join(lines).encode("utf-16-le")


def zoom_2025(meeting: list[str], rows: list[list[str]], newline: str = LF) -> bytes:
    """Zoom participants, 2025: UTF-8 with BOM, comma, date cells always quoted."""
    def line(cells, dates):
        return ",".join(f'"{c}"' if i in dates else c for i, c in enumerate(cells))

    lines = ["Topic,ID,Host,Duration (minutes),Start time,End time,Participants", line(meeting, {4, 5}), "",
             "Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,In waiting room",
             *(line(row, {2, 3}) for row in rows)]
    return b"\xef\xbb\xbf" + (newline.join(lines) + newline).encode("utf-8")


def zoom_legacy(meeting: list[str] | None, rows: list[list[str]],
                header="Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
                       "Recording Consent,In Waiting Room") -> bytes:
    """Zoom participants, 2020-2024: UTF-8 without BOM, unquoted dates, a trailing comma on both
    meeting lines (no meeting lines without "Export with meeting data")."""
    lines = []
    if meeting is not None:
        lines += ["Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants,",
                  ",".join(meeting) + ",", ""]
    lines += [header, *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def moodle_completion(identity: list[str], activities: list[tuple[str, str]],
                      learners: list[tuple[str, list[str], list[tuple[str, str]]]], *, excel: bool = False) -> bytes:
    """report/progress as index.php prints it: the header starts with the separator; csv_quote()
    quotes every cell and turns '"' into "'"; the Excel download is UTF-16LE with BOM, TAB, LF."""
    sep, end = ("\t" if excel else ","), "\n"

    def quote(value: str) -> str:
        return '"' + value.replace('"', "'") + '"'

    text = "".join(sep + quote(field) for field in identity)
    text += "".join(sep + quote(name) + sep + quote(expected) for name, expected in activities) + end
    for name, fields, cells in learners:
        text += quote(name) + "".join(sep + quote(f) for f in fields)
        text += "".join(sep + quote(state) + sep + quote(when) for state, when in cells) + end
    return b"\xff\xfe" + text.encode("utf-16-le") if excel else text.encode("utf-8")


def attendance_txt(course: str, group: str, header: list[str], rows: list[list[str]]) -> bytes:
    """mod_attendance's text export: UTF-8, no BOM, TAB, LF, unquoted."""
    text = f"Course\t{course}\nGroup\t{group}\n\n" + "\t".join(header) + "\n"
    return (text + "".join("\t".join(row) + "\n" for row in rows)).encode("utf-8")


def attendance_xlsx(course: str, group: str, header: list[str], rows: list[list[object]],
                    sheet: str = "Attendances") -> bytes:
    """mod_attendance's Excel export: A1 Course and A2 Group bold, row 3 empty, bold headers on row 4
    (a remarks column's empty heading merged with its session's), data from row 5."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    bold = Font(bold=True)
    ws.cell(1, 1, "Course").font = bold
    ws.cell(1, 2, course)
    ws.cell(2, 1, "Group").font = bold
    ws.cell(2, 2, group)
    for column, heading in enumerate(header, start=1):
        if heading:
            ws.cell(4, column, heading).font = bold
        else:
            ws.merge_cells(start_row=4, start_column=column - 1, end_row=4, end_column=column)
    for number, row in enumerate(rows, start=5):
        for column, value in enumerate(row, start=1):
            if value != "":
                ws.cell(number, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
