"""Moodle's activity completion report and the attendance plugin's export (FORMATS.md sections 6
and 7) from their real bytes."""
from __future__ import annotations

from datetime import datetime

import pytest

from tracker.imports.reading import FileProblem, Limits
from tracker.imports.reports import (MARKED, NOT_IN_GROUP, NOT_TAKEN, OUTSIDE_ENROLMENT, UNREADABLE, read_report,
                                     recognise)

from . import files

ACTIVITIES = [("Welcome", ""), ("Survey", "2023-03-01 00:00:00"), ("NPQLTD Live Webinar", ""), ("Survey", "")]
LEARNERS = [
    ("Ann Lee", ["ann@school.example"],
     [("Completed", "2023-02-21 21:51:48"), ("Completed (achieved pass grade)", "2023-02-22 10:00:00"),
      ("Not completed", "2023-02-23 09:00:00"), ("Completed (set by Facil Itator)", "2023-03-01 12:00:00")]),
    ('Bo "Bobby" Ray', ["Bo@School.example"],
     [("Completed (did not achieve pass grade)", "2023-02-21 08:00:00"), ("Not completed (set by Facil Itator)",
                                                                          "2023-02-24 09:00:00"),
      ("Not completed", ""), ("Not completed", "")]),
]


@pytest.mark.parametrize("excel", [False, True])
def test_the_completion_report_in_both_downloads(excel):
    data = files.moodle_completion(["Email address"], ACTIVITIES, LEARNERS, excel=excel)
    if excel:
        assert data.startswith(b"\xff\xfe\t\x00\"\x00E\x00") and b"\n\x00" in data
    else:
        assert data.startswith(b',"Email address","Welcome","",') and b"\t" not in data
    assert recognise(data).name == "moodle-completion"
    report = read_report(data)
    assert report.identity_headings == ("Email address",)
    # read by position: the two activities titled Survey stay apart, in order
    assert [(a.position, a.title) for a in report.activities] == [
        (1, "Welcome"), (2, "Survey"), (3, "NPQLTD Live Webinar"), (4, "Survey")]
    assert report.activities[1].expected == datetime(2023, 3, 1)
    ann, bo = report.learners
    assert ann.name == "Ann Lee" and ann.email == "ann@school.example" and ann.row == 2
    assert [c.completed for c in ann.completions] == [True, True, False, True]
    # a date does not mean completed
    assert ann.completions[2].on == datetime(2023, 2, 23, 9) and not ann.completions[2].completed
    assert ann.completions[3].set_by == "Facil Itator"
    assert ann.completions[0].on == datetime(2023, 2, 21, 21, 51, 48)
    # csv_quote() turned the quotes inside the name into apostrophes
    assert bo.name == "Bo 'Bobby' Ray" and bo.email == "bo@school.example"
    assert [c.completed for c in bo.completions] == [True, False, False, False]
    assert bo.completions[1].set_by == "Facil Itator" and bo.completions[3].on is None
    assert report.problems == ()


def test_the_two_downloads_read_the_same():
    assert read_report(files.moodle_completion(["Email address"], ACTIVITIES, LEARNERS, excel=True)) == \
        read_report(files.moodle_completion(["Email address"], ACTIVITIES, LEARNERS))


@pytest.mark.parametrize("identity", [[], ["Email address", "ID number"], ["ID number"]])
def test_any_number_of_identity_fields(identity):
    values = {"Email address": "ann@school.example", "ID number": "T-0042"}
    data = files.moodle_completion(identity, ACTIVITIES[:2], [("Ann Lee", [values[f] for f in identity],
                                                               LEARNERS[0][2][:2])])
    report = read_report(data)
    assert report.identity_headings == tuple(identity)
    (ann,) = report.learners
    assert [a.title for a in report.activities] == ["Welcome", "Survey"]
    assert ann.field("id number") == ("T-0042" if "ID number" in identity else None)
    assert ann.email == ("ann@school.example" if "Email address" in identity else None)


def test_a_completion_report_with_no_learners_reads_its_activities():
    report = read_report(files.moodle_completion(["Email address"], ACTIVITIES, []))
    assert len(report.activities) == 4 and report.learners == ()


def test_an_unknown_state_or_date_is_a_problem_naming_the_row_and_activity():
    data = files.moodle_completion(["Email address"], ACTIVITIES[:2], [
        ("Ann Lee", ["ann@school.example"], [("Completed", "2023-02-21 21:51:48"), ("Terminé", "yesterday")])])
    report = read_report(data)
    assert [str(p) for p in report.problems] == [
        "line 2: Ann Lee: Survey (activity 2): 'yesterday' is not a date",
        "line 2: Ann Lee: Survey (activity 2): 'Terminé' is not a completion state"]
    assert not report.learners[0].completions[1].completed


HEADER = ["Last name", "First name", "Email address", "Student ID", "4 Mar 2023 9.30AM All students", "",
          "11 Mar 2023 2.00PM Group B Reading circle", "18 Mar 2023 9.30AM All students",
          "P", "L", "E", "A", "Taken sessions", "Points", "Percentage"]
ROWS = [
    ["Lee", "Ann", "Ann@School.example", "1001", "P (2/2)", "on time", "L (1/2)", "?", "1", "1", "0", "0", "2",
     "3 / 4", "75.0"],
    ["Ray", "Bo", "bo@school.example", "1002", "A (0/2)", "", "", "E (1/2)", "0", "0", "1", "1", "2",
     "1 / 4", "25.0"],
    ["Yu", "Cy", "", "1003", "User enrolment starts 6.03.2023", "", "←", "-X (0/2)", "0", "0", "0", "0", "1",
     "0 / 2", "0.0"],
]


def _check_register(report):
    assert report.course == "NPQ Leading Teaching, cohort 4" and report.group == "All participants"
    assert [(s.column, s.starts, s.label) for s in report.sessions] == [
        (5, datetime(2023, 3, 4, 9, 30), "All students"),
        (7, datetime(2023, 3, 11, 14), "Group B Reading circle"),
        (8, datetime(2023, 3, 18, 9, 30), "All students")]
    ann, bo, cy = report.people
    assert (ann.name, ann.email, ann.row) == ("Ann Lee", "ann@school.example", ann.row)
    assert ann.identity == (("Student ID", "1001"),)
    first = ann.marks[0]
    assert (first.state, first.acronym, first.points, first.out_of, first.remark) == (MARKED, "P", 2, 2, "on time")
    assert ann.marks[2].state == NOT_TAKEN
    assert [m.state for m in bo.marks] == [MARKED, NOT_IN_GROUP, MARKED]
    assert bo.marks[2].acronym == "E"
    assert cy.email is None
    assert [m.state for m in cy.marks] == [OUTSIDE_ENROLMENT, OUTSIDE_ENROLMENT, MARKED]
    assert cy.marks[2].hidden and cy.marks[2].acronym == "X"
    assert report.problems == ()


def test_the_attendance_export_as_text():
    data = files.attendance_txt("NPQ Leading Teaching, cohort 4", "All participants", HEADER, ROWS)
    assert data.startswith(b"Course\tNPQ Leading Teaching, cohort 4\nGroup\tAll participants\n\n")
    assert recognise(data).name == "moodle-attendance-text"
    report = read_report(data)
    assert report.format == "moodle-attendance-text"
    _check_register(report)
    assert [p.row for p in report.people] == [5, 6, 7]


def test_the_attendance_export_as_xlsx_with_numbers_and_a_merged_remarks_heading():
    rows = [[int(v) if v.isdigit() else float(v) if v.replace(".", "").isdigit() else v for v in row] for row in ROWS]
    data = files.attendance_xlsx("NPQ Leading Teaching, cohort 4", "All participants", HEADER, rows)
    assert data[:4] == b"PK\x03\x04"
    assert recognise(data).name == "moodle-attendance-xlsx"
    report = read_report(data)
    _check_register(report)
    assert [p.row for p in report.people] == [5, 6, 7]


def test_the_xlsx_export_is_read_within_the_upload_limits():
    data = files.attendance_xlsx("C", "All participants", HEADER, ROWS * 5)
    with pytest.raises(FileProblem, match="more than 10 rows"):
        read_report(data, limits=Limits(rows=10))
    with pytest.raises(FileProblem, match="more than 5 rows"):
        read_report(files.attendance_txt("C", "G", HEADER, ROWS * 5), limits=Limits(rows=5))


def test_an_unreadable_register_cell_is_a_problem_naming_the_row_and_session():
    rows = [["Lee", "Ann", "ann@school.example", "1001", "Present!", "", "", "?"]]
    report = read_report(files.attendance_txt("C", "G", HEADER[:8], rows))
    assert [str(p) for p in report.problems] == [
        "line 5: Ann Lee: 4 Mar 2023 9.30AM All students: 'Present!' is not a mark like 'P (2/2)'"]
    assert report.people[0].marks[0].state == UNREADABLE


def test_an_attendance_export_without_session_columns_is_refused():
    with pytest.raises(FileProblem, match="no session columns"):
        read_report(files.attendance_txt("C", "G", ["Last name", "First name", "4 mars 2023 9.30", "Points"],
                                         [["Lee", "Ann", "P (2/2)", "2 / 2"]]))
