"""XLSX cells come out as the importers expect, whichever reader reads the sheet.

python-calamine reads a sheet when one pass over its XML shows it reads it as openpyxl does
(reading._fits_a_grid); openpyxl reads the rest. Each workbook here is read both ways and the
rows compared, then the values the importers rely on are checked outright.
"""
from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook

from tracker.imports import reading
from tracker.imports.reading import NO_LIMITS, UPLOAD_LIMITS, read_rows

from .workbooks import header_row, workbook

FORMATS = ("General", "0", "0.00", "0%", "dd/mm/yyyy", "yyyy-mm-dd hh:mm:ss", "d-mmm-yy", "h:mm", "[h]:mm:ss", "@",
           "mm/dd/yyyy", "mm-dd-yy", "m/d/yy h:mm", r"[$-F800]dddd\,\ mmmm\ dd\,\ yyyy", "dd/mm/yyyy;@")


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def both_ways(data: bytes, monkeypatch, limits=NO_LIMITS) -> tuple[list, list, bool]:
    """(rows read as they are, rows openpyxl reads, whether calamine read the first)."""
    used = []
    fits = reading._fits_a_grid

    def spy(*args):
        used.append(fits(*args))
        return used[-1]

    with monkeypatch.context() as patch:
        patch.setattr(reading, "_fits_a_grid", spy)
        fast = list(read_rows(io.BytesIO(data), "a.xlsx", limits))
    with monkeypatch.context() as patch:
        patch.setattr(reading, "_fits_a_grid", lambda *args: False)
        slow = list(read_rows(io.BytesIO(data), "a.xlsx", limits))
    return fast, slow, used == [True]


def plain(rows: list) -> list:
    """Rows without their trailing blank cells (the rows up to the header are read 200 wide)."""
    found = []
    for number, values in rows:
        values = list(values)
        while values and values[-1] == "":
            values.pop()
        found.append((number, values))
    return found


def values_workbook(epoch_1904: bool = False) -> Workbook:
    book = Workbook()
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(["participant_id", "block", "credits", "percent", "completed_on", "flag", "note"])
    sheet.append(["P3", 1, 2.0, 89.9, datetime(2022, 10, 5), True, "  spaced  "])
    sheet.append(["P4", "2", 0, 100, date(2022, 10, 7), False, None])
    sheet.append([12345, 3.5, -1, 1e20, datetime(2023, 5, 17, 15, 52, 6), "no", "é ñ ü"])
    sheet.append([None] * 7)
    sheet.append(["P5", 44927, None, 0.5, "17/05/2023", 1, "a\nb"])
    sheet.append([None, None, None, None, time(10, 30), None, None])
    for column, number_format in zip("ABCDEFG", FORMATS):
        for row in range(2, 8):
            sheet[f"{column}{row}"].number_format = number_format
    sheet["E8"], sheet["E9"] = datetime(2022, 10, 5), 44927
    for n, number_format in enumerate(FORMATS, start=8):
        sheet[f"C{n}"] = 44927.5
        sheet[f"C{n}"].number_format = number_format
    book.create_sheet("second").append(["not", "read"])
    return book


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_numbers_dates_times_booleans_and_texts_come_out_the_same_both_ways(monkeypatch, epoch_1904):
    fast, slow, calamine = both_ways(saved(values_workbook(epoch_1904)), monkeypatch)
    assert calamine
    assert fast == slow


def test_the_values_the_importers_rely_on(monkeypatch):
    fast, _, _ = both_ways(saved(values_workbook()), monkeypatch)
    rows = dict(plain(fast))
    assert rows[2][:6] == ["P3", 1, 2, 89.9, datetime(2022, 10, 5), True]  # 2.0 is 2: "2", never "2.0"
    assert type(rows[2][2]) is int and type(rows[2][4]) is datetime
    assert rows[3][:6] == ["P4", "2", 0, 100, datetime(2022, 10, 7), False]
    assert rows[4][:5] == [12345, 3.5, -1, 1e20, datetime(2023, 5, 17, 15, 52, 6)]
    assert 5 not in rows  # a blank row is skipped, and the rows after it keep their numbers
    assert rows[6] == ["P5", 44927, "", 0.5, "17/05/2023", datetime(1900, 1, 1), "a\nb"]  # F is a date column
    assert rows[7][4] == time(10, 30)


def test_formulas_give_their_cached_values_and_cells_without_one_are_blank(monkeypatch):
    sheet = (header_row(("participant_id", "block", "credits", "activity"))
             + b'<row r="2"><c r="A2" t="str"><f>"P"&amp;3</f><v>P3</v></c><c r="B2"><f>1+0</f><v>1</v></c>'
               b'<c r="C2"><f>B2*2</f></c><c r="D2" t="s"><f>X1</f><v>0</v></c></row>')
    fast, slow, calamine = both_ways(workbook([sheet], [b"<si><t>Survey</t></si>"]), monkeypatch)
    assert calamine
    assert fast == slow
    assert plain(fast) == [(1, ["participant_id", "block", "credits", "activity"]), (2, ["P3", 1, "", "Survey"])]


def test_a_sheet_starting_away_from_a1_keeps_its_row_numbers_and_columns(monkeypatch):
    book = Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"], sheet["C5"], sheet["D5"] = "participant_id", "block", "P3", 1
    fast, slow, calamine = both_ways(saved(book), monkeypatch)
    assert calamine
    assert fast == slow
    assert plain(fast) == [(3, ["", "", "participant_id", "block"]), (5, ["", "", "P3", 1])]


def test_rich_text_is_read_whole(monkeypatch):
    strings = [b'<si><r><t xml:space="preserve">Diagnostic </t></r><r><rPr><b/></rPr><t>Assessment</t></r></si>']
    data = workbook([header_row(("activity",)), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], strings)
    fast, slow, calamine = both_ways(data, monkeypatch)
    assert calamine
    assert fast == slow
    assert plain(fast) == [(1, ["activity"]), (2, ["Diagnostic Assessment"])]


def test_an_error_cell_reads_as_its_text_as_openpyxl_reads_it(monkeypatch):
    """calamine reads #N/A as a blank cell, which an optional column would take for "not given":
    a sheet with errors is read by openpyxl."""
    data = workbook([header_row(("participant_id", "credits")),
                     b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="e"><v>#N/A</v></c></row>'],
                    [b"<si><t>P3</t></si>"])
    fast, slow, calamine = both_ways(data, monkeypatch)
    assert not calamine
    assert fast == slow
    assert plain(fast) == [(1, ["participant_id", "credits"]), (2, ["P3", "#N/A"])]


def test_cells_that_do_not_name_their_place_are_read_by_openpyxl(monkeypatch):
    data = workbook([header_row(("participant_id", "block")),
                     b'<row r="2"><c t="s"><v>0</v></c><c><v>1</v></c></row>'], [b"<si><t>P3</t></si>"])
    fast, slow, calamine = both_ways(data, monkeypatch)
    assert not calamine
    assert fast == slow
    assert plain(fast) == [(1, ["participant_id", "block"]), (2, ["P3", 1])]


def test_a_sheet_too_big_for_a_grid_is_read_by_openpyxl_row_by_row(monkeypatch):
    """A few kilobytes naming a cell in the last column on each of a thousand rows would make a
    grid of 16 million cells (half a gigabyte)."""
    far = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c><c r="XFD%d"><v>1</v></c></row>' % (n, n, n)
                   for n in range(2, 1002))
    data = workbook([header_row(("participant_id", "block")), far], [b"<si><t>P3</t></si>"])
    assert len(data) < 20_000
    fast, slow, calamine = both_ways(data, monkeypatch, UPLOAD_LIMITS)
    assert not calamine
    assert fast == slow and len(fast) == 1001


def test_a_long_text_named_by_every_cell_is_read_by_openpyxl(monkeypatch):
    """calamine copies a shared text into every cell naming it: 20,000 cells naming a text of a
    megabyte would take 20 gigabytes."""
    rows = [header_row(("note",)), b'<row><c r="A2" t="s"><v>0</v></c></row>' * 20_000]
    data = workbook(rows, [b"<si><t>" + b"x" * 1_000_000 + b"</t></si>"])
    assert len(data) < 100_000
    fast, slow, calamine = both_ways(data, monkeypatch)
    assert not calamine
    assert len(fast) == 20_001


def test_a_reports_rows_are_read_whole_the_same_both_ways(monkeypatch):
    """sheet_rows (the report readers'): every row MAX_COLUMNS wide, not cut to the first row's width."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Attendance report"])
    sheet.append([])
    sheet.append(["Name", "Email", "Joined", "Minutes"])
    sheet.append(["Ann Lee", "ann@example.org", datetime(2023, 5, 17, 15, 52, 6), 34.0])
    data = saved(book)
    fast = list(reading.sheet_rows(io.BytesIO(data)))
    with monkeypatch.context() as patch:
        patch.setattr(reading, "_fits_a_grid", lambda *args: False)
        slow = list(reading.sheet_rows(io.BytesIO(data)))
    assert fast == slow
    assert plain(enumerate(fast, start=1)) == [
        (1, ["Attendance report"]), (2, []), (3, ["Name", "Email", "Joined", "Minutes"]),
        (4, ["Ann Lee", "ann@example.org", datetime(2023, 5, 17, 15, 52, 6), 34])]
