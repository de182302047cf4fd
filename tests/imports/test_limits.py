"""Limits a compressed file cannot dodge, and values refused before anything is written.

The bombs are built here, in the test (tests/imports/workbooks.py). Memory is measured with
tracemalloc: what Python allocates while the file is refused.
"""
from __future__ import annotations

import io
import tracemalloc
from datetime import date

import pytest

from tracker.engagement.book import Book
from tracker.imports import importer_for, run_import
from tracker.imports.base import MAX_SHOWN, Context
from tracker.imports.reading import NO_LIMITS, UPLOAD_LIMITS, FileProblem, Limits, read_rows

from .helpers import ATTENDANCE, CREDITS, lines, run_bytes
from .test_refused import refused
from .workbooks import expanding_strings, header_row, many_strings, million_rows, workbook

ROWS_REFUSED = ("The file has more than 200,000 rows, the most one file may have: "
                "split it into files of at most 200,000 rows")


def check(kind: str, data: bytes, filename: str, limits=UPLOAD_LIMITS):
    """A dry run within the limits, as the uploads page runs it; returns (result, peak MB)."""
    importer = importer_for(kind, Context(date(2026, 11, 24), Book()))
    tracemalloc.start()
    try:
        result = run_import(importer, io.BytesIO(data), filename, dry_run=True, limits=limits)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return result, peak


def test_an_xlsx_of_a_million_rows_is_refused_before_any_row_is_read(people):
    data = million_rows()
    assert len(data) < 1_000_000
    result, peak = check("credits", data, "credits.xlsx")
    assert result.errors == [ROWS_REFUSED]
    assert result.read == 0
    assert peak < 20


def test_a_csv_file_over_the_row_limit_is_refused_while_streaming(people):
    rows = "\n".join(["participant_id,block,activity,completed_on"] + ["P3,1,Nothing,2022-10-05"] * 200_001)
    result, _ = check("credits", rows.encode(), "credits.csv")
    assert result.errors == [ROWS_REFUSED]
    assert result.read == 200_000  # read up to the limit, never beyond


def small_credits(count: int) -> bytes:
    row = b'<row><c t="s"><v>0</v></c><c><v>1</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c></row>'
    return workbook([header_row(("participant_id", "block", "activity", "completed_on")), row * count],
                    [b"<si><t>P3</t></si><si><t>Diagnostic Assessment for Block 1</t></si><si><t>2022-10-05</t></si>"])


def test_a_file_at_the_row_limit_is_read_and_one_row_more_is_not(people):
    result, _ = check("credits", small_credits(1000), "credits.xlsx", Limits(rows=1000))
    assert result.ok and result.read == 1000
    result, _ = check("credits", small_credits(1001), "credits.xlsx", Limits(rows=1000))
    assert result.errors == ["The file has more than 1,000 rows, the most one file may have: "
                             "split it into files of at most 1,000 rows"]
    assert result.read == 0


def test_the_command_line_has_no_row_limit(people):
    result, _ = check("credits", small_credits(1001), "credits.xlsx", NO_LIMITS)
    assert result.ok and result.read == 1001


def test_shared_strings_that_expand_past_50_mb_are_refused_before_they_are_parsed(people):
    data = expanding_strings()
    assert len(data) < 2_000_000
    result, peak = check("credits", data, "credits.xlsx")
    assert result.errors == ["The file holds 200 MB once unzipped, more than the 50 MB an XLSX file may hold: "
                             "split it into smaller files, or save it as CSV"]
    assert peak < 5


def test_a_million_shared_strings_inside_50_mb_are_refused_before_they_are_loaded(people):
    result, peak = check("credits", many_strings(), "credits.xlsx")
    assert result.errors == ["The file holds more than 1,000,000 different texts, the most an XLSX file may hold: "
                             "split it into smaller files, or save it as CSV"]
    assert peak < 20


def test_rows_missing_from_a_sheet_count_towards_the_limit():
    data = workbook([header_row(("participant_id",)), b'<row r="900000"><c r="A900000" t="s"><v>0</v></c></row>'],
                    [b"<si><t>P3</t></si>"])
    with pytest.raises(FileProblem, match="more than 200,000 rows"):
        list(read_rows(io.BytesIO(data), "a.xlsx", UPLOAD_LIMITS))


def test_a_cell_far_to_the_right_does_not_widen_every_row():
    far = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c><c r="XFD%d"><v>1</v></c></row>' % (n, n, n)
                   for n in range(2, 1002))
    data = workbook([header_row(("participant_id", "block")), far], [b"<si><t>P3</t></si>"])
    rows = list(read_rows(io.BytesIO(data), "a.xlsx", UPLOAD_LIMITS))
    assert len(rows) == 1001
    assert rows[1] == (2, ["P3", ""])


def test_a_lying_dimension_tag_neither_hides_rows_nor_invents_them():
    sheet = (header_row(("participant_id",)) + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
             + b'<row r="3"><c r="A3" t="s"><v>0</v></c></row>')
    data = workbook([sheet], [b"<si><t>P3</t></si>"], dimension="A1:A2")
    rows = list(read_rows(io.BytesIO(data), "a.xlsx", Limits(rows=5)))
    assert [number for number, _ in rows] == [1, 2, 3]


def test_only_the_first_50_row_errors_are_kept_with_the_count(people):
    rows = [f"P3,1,No Such Activity {n},2022-10-05" for n in range(1000)]
    result = run_bytes("credits", lines(CREDITS, *rows))
    assert result.error_count == 1000 and len(result.errors) == 50
    assert result.error_lines()[-1] == "... and 950 more row errors"
    assert result.errors[0].startswith("row 2: activity: ")


@pytest.mark.parametrize("kind, header, row, message", [
    ("attendance", ATTENDANCE, "P3,1,NPQLT Live Webinar,2022-10-20,attended," + "m" * 121,
     "row 2: marked_by: at most 120 characters"),
    ("participants", "participant_id,full_name,email,delivery_partner,course,cohort,school_contract_signed,"
     "sponsorship_agreement_signed", "N1," + "n" * 201 + ",n@example.org,NORTH,NPQLT,3,yes,yes",
     "row 2: full_name: at most 200 characters"),
    ("participants", "participant_id,full_name,email,delivery_partner,course,cohort,school_contract_signed,"
     "sponsorship_agreement_signed", "N" * 65 + ",Name,n@example.org,NORTH,NPQLT,3,yes,yes",
     "row 2: participant_id: at most 64 characters"),
    ("participants", "participant_id,full_name,email,delivery_partner,course,cohort,school_contract_signed,"
     "sponsorship_agreement_signed", "N1,Name," + "e" * 250 + "@example.org,NORTH,NPQLT,3,yes,yes",
     "row 2: email: at most 254 characters"),
])
def test_a_value_longer_than_its_column_is_a_row_error(people, kind, header, row, message):
    assert refused(kind, header, row) == [message]


def test_a_value_as_long_as_its_column_is_stored_on_either_database(people):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import RegisterEntry

    result = run_bytes("attendance", lines(ATTENDANCE, "P3,1,NPQLT Live Webinar,2022-10-20,attended," + "m" * 120))
    assert result.ok, result.errors
    assert db.session.scalar(select(RegisterEntry.marked_by)) == "m" * 120


def test_a_nul_character_in_a_stored_value_is_a_row_error(people):
    assert refused("attendance", ATTENDANCE, "P3,1,NPQLT Live Webinar,2022-10-20,attended,Ann\x00Lee") == [
        "row 2: marked_by: contains a NUL character, which cannot be stored: type the value again"]


def test_a_file_mixing_utf8_and_windows_1252_is_refused(people):
    header = "participant_id,block,event,session_date,attendance,marked_by\n".encode()
    mixed = header + "P3,1,NPQLT Live Webinar,2022-10-20,attended,José Núñez\n".encode("utf-8") + \
        "P3,1,NPQLT Live Webinar,2022-10-21,attended,Zoë\n".encode("cp1252")
    result = run_bytes("attendance", mixed)
    assert result.errors == ["The file mixes two text encodings (UTF-8 and Windows-1252): "
                             "save it as CSV UTF-8 and upload it again"]


def test_a_file_neither_utf8_nor_windows_1252_is_refused(people):
    data = ATTENDANCE.encode() + b"\nP3,1,NPQLT Live Webinar,2022-10-20,attended,\x81\x8d\n"
    assert run_bytes("attendance", data).errors == [
        "The file is neither UTF-8 nor Windows-1252 text: save it as CSV UTF-8 and upload it again"]


def test_a_windows_1252_file_is_still_read(people):
    data = ATTENDANCE.encode() + "\nP3,1,NPQLT Live Webinar,2022-10-20,attended,José Núñez\n".encode("cp1252")
    result = run_bytes("attendance", data)
    assert result.ok, result.errors
