"""`flask import KIND FILE --column FIELD=HEADING --value FIELD=VALUE [--dates month-first]`: a file
in its own headings, with values as people write them (INTERCHANGE.md "Any other file: map its
columns"), through the same import as any file of the kind: all or nothing, once, audited."""
from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, CreditRecord, ImportBatch, RegisterEntry

from ..factories import gen_participant
from .helpers import by_activity, snapshot
from .reports import files

WEEKLY = ["Learner ID", "Learner name", "Activity name", "Block", "Credits achieved", "Date completed"]
ROWS = [
    ["A1", "Ann Lee", "Diagnostic Assessment for Block 1", "Block 1", "2", "17/05/2023, 15:52:06"],
    ["A1", "Ann Lee", "Survey", "B2", "1", "2023-05-18 09:00:00"],
    ["A2", "Bo Li", "Survey", "Block 1", "", "19/5/23"],
]
MAPPING = ["--column", "participant_id=Learner ID", "--column", "activity=Activity name",
           "--column", "credits=Credits achieved", "--column", "completed_on=Date completed",
           "--value", "source=platform"]
STORED = [
    ("A1", 1, "Diagnostic Assessment for Block 1", 2, "2023-05-17", "platform"),
    ("A1", 2, "Survey", 1, "2023-05-18", "platform"),
    ("A2", 1, "Survey", 1, "2023-05-19", "platform"),
]
FOUND = "headings found: Learner ID, Learner name, Activity name, Block, Credits achieved, Date completed"


@pytest.fixture()
def learners(session):
    gen_participant("A1")
    gen_participant("A2")


def credits() -> list[tuple]:
    return by_activity(CreditRecord, CreditRecord.credits, CreditRecord.completed_on, CreditRecord.source)


def csv_file(path, header, rows):
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in [header, *rows]) + "\n",
                    encoding="utf-8")
    return path


def xlsx_file(path, header, rows):
    book = Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    book.save(path)
    return path


def test_the_weekly_platform_report_imports_with_its_columns_mapped(cli, learners, tmp_path):
    path = csv_file(tmp_path / "weekly.csv", WEEKLY, ROWS)
    result = cli("import", "credits", path, *MAPPING)
    assert result.exit_code == 0, result.output
    assert result.stdout == "read 3, created 3, updated 0, unchanged 0\n"
    assert credits() == STORED
    assert db.session.scalars(select(ImportBatch.filename).where(ImportBatch.kind == "credits")).all() == [str(path)]
    audited = db.session.scalars(select(AuditEvent.entity).where(AuditEvent.action == "import",
                                                                 AuditEvent.entity == "credits")).all()
    assert len(audited) == 2  # one per participant it added records for
    again = cli("import", "credits", path, *MAPPING)
    assert again.stdout == "read 3, created 0, updated 0, unchanged 3\n"
    assert credits() == STORED


def test_a_spreadsheet_with_date_cells_and_serial_numbers_imports_the_same(cli, learners, tmp_path):
    rows = [[*ROWS[0][:5], datetime(2023, 5, 17, 15, 52, 6)], [*ROWS[1][:4], 1, 45064], [*ROWS[2][:5], "45065"]]
    result = cli("import", "credits", xlsx_file(tmp_path / "weekly.xlsx", WEEKLY, rows), *MAPPING)
    assert result.exit_code == 0, result.output
    assert credits() == STORED


def test_a_field_the_file_lacks_is_given_one_value_for_every_row(cli, learners, tmp_path):
    header = [heading for heading in WEEKLY if heading != "Block"]
    rows = [["A1", "Ann Lee", "Survey", "1", "17/05/2023"], ["A2", "Bo Li", "Survey", "1", "18/05/2023"]]
    result = cli("import", "credits", csv_file(tmp_path / "block2.csv", header, rows), *MAPPING, "--value", "block=2")
    assert result.exit_code == 0, result.output
    assert credits() == [("A1", 2, "Survey", 1, "2023-05-17", "platform"), ("A2", 2, "Survey", 1, "2023-05-18", "platform")]


def test_a_file_in_other_headings_without_a_mapping_is_refused_listing_the_headings_found(cli, learners, tmp_path):
    before = snapshot()
    result = cli("import", "credits", csv_file(tmp_path / "weekly.csv", WEEKLY, ROWS))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 1: missing columns: participant_id or email, activity, completed_on", FOUND,
        "map the file's headings with --column FIELD=HEADING, or give a field one value for every row with "
        "--value FIELD=VALUE"]
    assert result.stdout == ""
    assert snapshot() == before


@pytest.mark.parametrize("options, problems", [
    (["--column", "grade=Credits achieved"],
     ["'grade' is not a field of credits (its fields are participant_id, block, activity, completed_on, credits, "
      "source, email)"]),
    (["--column", "activity=Activity title", "--value", "week=3"],
     ["'Activity title' is not a heading of the file (for activity)",
      "'week' is not a field of credits (its fields are participant_id, block, activity, completed_on, credits, "
      "source, email)"]),
    (["--value", "block=2", "--column", "block=Block"], ["block is given more than one column or value"]),
])
def test_a_mapping_that_does_not_fit_the_file_is_refused_naming_what_is_wrong(cli, learners, tmp_path, options,
                                                                             problems):
    before = snapshot()
    result = cli("import", "credits", csv_file(tmp_path / "weekly.csv", WEEKLY, ROWS), *MAPPING[:2], *options)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [*problems, FOUND]
    assert snapshot() == before


def test_a_mapped_file_with_a_bad_row_writes_nothing_and_names_each_row_and_column(cli, learners, tmp_path):
    rows = [*ROWS, ["A1", "Ann Lee", "Survey", "Block 9", "1", "17/05/2023"],
            ["A2", "Bo Li", "Survey", "Block one", "1", "17/05/2023"],
            ["A2", "Bo Li", "Survey", "B1", "1", "32/05/2023 10:00"]]
    before = snapshot()
    result = cli("import", "credits", csv_file(tmp_path / "weekly.csv", WEEKLY, rows), *MAPPING)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 5: block: NPQLT has no block 9",
        "row 6: block: 'Block one' is not a whole number",
        "row 7: completed_on: '32/05/2023 10:00' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"]
    assert snapshot() == before


def test_an_option_that_is_not_field_equals_heading_is_a_usage_error(cli, learners, tmp_path):
    result = cli("import", "credits", csv_file(tmp_path / "weekly.csv", WEEKLY, ROWS), "--column", "Learner ID")
    assert result.exit_code == 2
    assert "'Learner ID' is not FIELD=HEADING" in result.stderr


REGISTER = ["ID", "Session", "Date", "Mark"]
REGISTER_MAPPING = ["--column", "participant_id=ID", "--column", "event=Session", "--column", "session_date=Date",
                    "--column", "attendance=Mark", "--value", "block=Block 1"]


def marks() -> list[tuple]:
    return by_activity(RegisterEntry, RegisterEntry.session_date, RegisterEntry.mark)


@pytest.mark.parametrize("order, stored", [([], "2023-05-04"), (["--dates", "day-first"], "2023-05-04"),
                                           (["--dates", "month-first"], "2023-04-05")])
def test_numeric_dates_are_day_first_unless_the_file_is_month_first(cli, learners, tmp_path, order, stored):
    path = csv_file(tmp_path / "register.csv", REGISTER, [["A1", "NPQLT Live Webinar", "4/5/2023", "attended"]])
    result = cli("import", "attendance", path, *REGISTER_MAPPING, *order)
    assert result.exit_code == 0, result.output
    assert marks() == [("A1", 1, "NPQLT Live Webinar", stored, "attended")]


def test_month_first_names_its_own_form_when_a_date_is_still_wrong(cli, learners, tmp_path):
    path = csv_file(tmp_path / "register.csv", REGISTER, [["A1", "NPQLT Live Webinar", "13/5/2023", "attended"]])
    result = cli("import", "attendance", path, *REGISTER_MAPPING, "--dates", "month-first")
    assert result.exit_code == 1
    assert result.stderr == ("row 2: session_date: '13/5/2023' is not a date (use YYYY-MM-DD or MM/DD/YYYY)\n")
    assert marks() == []


def test_the_tracker_s_own_columns_read_lenient_values_without_a_mapping(cli, learners, tmp_path):
    path = csv_file(tmp_path / "credits.csv", ["participant_id", "block", "activity", "completed_on"],
                    [["A1", "Block 1", "Survey", "17/05/2023 15:52"], ["A2", "B2", "Survey", "45064"]])
    result = cli("import", "credits", path)
    assert result.exit_code == 0, result.output
    assert credits() == [("A1", 1, "Survey", 1, "2023-05-17", "platform"), ("A2", 2, "Survey", 1, "2023-05-18",
                                                                            "platform")]


def test_a_mapping_is_not_for_a_report_the_tracker_reads_as_it_comes(cli, learners, tmp_path):
    path = tmp_path / "progress.csv"
    path.write_bytes(files.moodle_completion(["Email address"], [("Survey", "")],
                                             [("Ann Lee", ["a1@example.org"], [("Completed", "2023-05-17 10:00:00")])]))
    result = cli("import", "credits", path, "--course", "NPQLT", "--cohort", 3, "--value", "block=1")
    assert result.exit_code == 2
    assert "--value is for a file of other columns" in result.stderr
    assert credits() == []
