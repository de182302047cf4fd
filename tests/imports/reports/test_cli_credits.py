"""`flask import credits REPORT --course CODE --cohort K [--partner CODE]` for Moodle's activity
completion report, both downloads built in their real bytes (files.py), on the sample dataset."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import CreditRecord, ImportBatch

from ..helpers import by_activity, snapshot
from . import files


def credits() -> list[tuple]:
    return by_activity(CreditRecord, CreditRecord.credits, CreditRecord.completed_on, CreditRecord.source)


# NPQLT's activities titled `Live Webinars Survey` and `Survey` close blocks 1, 2, 3 and 5: the n-th
# column of a title is the course's n-th activity of that title
ACTIVITIES = [("Diagnostic Assessment for Block 1", ""), ("Live Webinars Survey", "2023-03-01 00:00:00"),
              ("Survey", ""), ("Live Webinars Survey", ""), ("Forum: introduce yourself", ""), ("Survey", "")]
LEARNERS = [
    ("Name EX036", ["EX036@Example.org"],
     [("Completed", "2023-02-21 21:51:48"), ("Completed (achieved pass grade)", "2023-02-22 10:00:00"),
      ("Not completed", "2023-02-23 09:00:00"), ("Completed (set by Facil Itator)", "2023-04-18 12:00:00"),
      ("Completed", "2023-02-21 22:00:00"), ("Completed (did not achieve pass grade)", "2023-05-02 08:00:00")]),
    ("Name EX100", ["ex100@example.org"],
     [("Not completed (set by Facil Itator)", "2023-02-24 09:00:00"), ("Not completed", ""),
      ("Completed", "2023-03-02 08:00:00"), ("Not completed", ""), ("Not completed", ""), ("Not completed", "")]),
    ("Gil Guest", ["gil@elsewhere.example"], [("Completed", "2023-02-21 08:00:00")] + [("Not completed", "")] * 5),
    ("Name EX034", ["ex034@example.org"], [("Completed", "2023-02-21 08:00:00")] + [("Not completed", "")] * 5),
]
EXPECTED = [
    ("EX036", 1, "Diagnostic Assessment for Block 1", 2, "2023-02-21", "platform"),
    ("EX036", 1, "Live Webinars Survey", 1, "2023-02-22", "platform"),
    ("EX036", 2, "Live Webinars Survey", 1, "2023-04-18", "platform"),
    ("EX036", 2, "Survey", 1, "2023-05-02", "platform"),
    ("EX100", 1, "Survey", 1, "2023-03-02", "platform"),
]
LINES = [
    "read 5, created 5, updated 0, unchanged 0",
    "not an activity of NPQLT: Forum: introduce yourself",
    "not matched: Gil Guest <gil@elsewhere.example>",
    "not matched: Name EX034 <ex034@example.org>",  # on NPQLTD, not the report's course
]


@pytest.mark.parametrize("excel", [False, True])
def test_both_downloads_of_the_completion_report_become_credits(cli, sample, excel):
    path = sample / "progress.npqlt4.csv"
    path.write_bytes(files.moodle_completion(["Email address"], ACTIVITIES, LEARNERS, excel=excel))
    result = cli("import", "credits", path, "--course", "NPQLT", "--cohort", 4, "--partner", "NORTH")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == LINES
    assert credits() == EXPECTED
    assert db.session.scalar(select(ImportBatch.filename).where(ImportBatch.kind == "credits")) == str(path)
    again = cli("import", "credits", path, "--course", "NPQLT", "--cohort", 4, "--partner", "NORTH")
    assert again.stdout.splitlines()[0] == "read 5, created 0, updated 0, unchanged 5"
    assert credits() == EXPECTED


def test_a_participant_id_the_report_shows_matches_before_the_address(cli, sample):
    path = sample / "progress.csv"
    path.write_bytes(files.moodle_completion(
        ["Email address", "ID number"], ACTIVITIES[:1],
        [("Name EX036", ["personal@home.example", "ex036"], [("Completed", "2023-02-21 21:51:48")])]))
    result = cli("import", "credits", path, "--course", "npqlt", "--cohort", 4)
    assert result.exit_code == 0, result.output
    assert result.stdout == "read 1, created 1, updated 0, unchanged 0\n"
    assert credits() == [EXPECTED[0]]


def test_the_partner_confines_the_learners(cli, sample):
    path = sample / "progress.csv"
    path.write_bytes(files.moodle_completion(["Email address"], ACTIVITIES[:1], [
        ("Name EX013", ["ex013@example.org"], [("Completed", "2023-02-21 21:51:48")])]))  # SOUTH's
    result = cli("import", "credits", path, "--course", "NPQLT", "--cohort", 4, "--partner", "NORTH")
    assert result.stdout.splitlines() == ["read 0, created 0, updated 0, unchanged 0",
                                          "not matched: Name EX013 <ex013@example.org>"]
    assert credits() == []


def test_a_completion_the_import_rules_refuse_stores_nothing(cli, sample):
    learners = [LEARNERS[0], ("Name EX100", ["ex100@example.org"],
                              [("Completed", "2023-01-05 08:00:00")] + [("Not completed", "")] * 5)]
    path = sample / "progress.csv"
    path.write_bytes(files.moodle_completion(["Email address"], ACTIVITIES, learners))
    before = snapshot()
    result = cli("import", "credits", path, "--course", "NPQLT", "--cohort", 4)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "row 3: completed_on: 2023-01-05 is before cohort 4 started (2023-02-01)\n"
    assert snapshot() == before


@pytest.mark.parametrize("args, says", [
    (["--course", "NPQXX", "--cohort", 4], "--course: 'NPQXX' is not a course"),
    (["--course", "NPQLT", "--cohort", 9], "--cohort: NPQLT is not offered in cohort 9"),
])
def test_a_course_or_cohort_that_is_not_is_refused(cli, sample, args, says):
    path = sample / "progress.csv"
    path.write_bytes(files.moodle_completion(["Email address"], ACTIVITIES, LEARNERS))
    result = cli("import", "credits", path, *args)
    assert result.exit_code == 1 and result.stderr.startswith(says)


def test_the_report_needs_course_and_cohort_and_an_attendance_report_is_not_credits(cli, sample):
    path = sample / "progress.csv"
    path.write_bytes(files.moodle_completion(["Email address"], ACTIVITIES, LEARNERS))
    result = cli("import", "credits", path)
    assert result.exit_code == 2 and "--course and --cohort are required" in result.stderr
    path.write_bytes(files.attendance_txt("C", "All participants", ["Last name", "First name",
                                                                   "17 Apr 2023 7.00PM All students"],
                                          [["Lee", "Ann", "P (2/2)"]]))
    before = snapshot()
    result = cli("import", "credits", path, "--course", "NPQLT", "--cohort", 4)
    assert result.exit_code == 1
    assert "This file is a Moodle attendance export (text), which holds attendance: import it as attendance" \
        in result.stderr
    assert snapshot() == before
