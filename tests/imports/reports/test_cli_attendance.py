"""`flask import attendance REPORT --event TITLE --block N ...` (INTERCHANGE.md "Reports as people
have them") on the sample dataset, each report built in its real bytes (files.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, ImportBatch, RegisterEntry

from ..helpers import by_activity, snapshot
from . import files
from .test_teams import us
from .test_zoom import WEBINAR


def marks() -> list[tuple]:
    return by_activity(RegisterEntry, RegisterEntry.session_date, RegisterEntry.mark, RegisterEntry.marked_by)


SUMMARY = [("Meeting title", "NPQLT and NPQLTD Live Webinar"), ("Attended participants", "6"),
           ("Start time", us("7:00:00 PM")), ("End time", us("9:00:00 PM")),
           ("Meeting duration", "2h"), ("Average attendance time", "1h")]
PARTICIPANTS = [
    ["Facil Itator", us("7:00:00 PM"), us("9:00:00 PM"), "2h", "Facil@Partner.example", "facil@partner.example",
     "Organizer"],
    ["Name, EX036", us("7:05:00 PM"), us("8:50:00 PM"), "1h 30m", "EX036@Example.org", "ex036@example.org",
     "Presenter"],
    # a guest of the partner's tenant: no Email, the UPN in its #EXT# form
    ["Name EX034 (EXT)", us("7:10:00 PM"), us("7:44:30 PM"), "34m 30s", "",
     "ex034_example.org#EXT#@partner.onmicrosoft.com", "Attendee"],
    ["Person Two (Guest)", us("7:40:00 PM"), us("8:10:00 PM"), "30m", "", "", "Attendee"],
    ["Name EX013", us("7:00:00 PM"), us("8:40:00 PM"), "1h 40m", "ex013@example.org", "ex013@example.org",
     "Attendee"],
]
ACTIVITIES = [
    ["Facil Itator", us("7:00:00 PM"), us("9:00:00 PM"), "2h", "Facil@Partner.example", "Organizer"],
    ["Name, EX036", us("7:05:00 PM"), us("7:50:00 PM"), "45m", "EX036@Example.org", "Presenter"],
    ["Name, EX036", "", us("8:05:00 PM"), "", "EX036@Example.org", "Presenter"],  # Teams' leave-only rows
    ["Name, EX036", "", us("8:05:00 PM"), "", "EX036@Example.org", "Presenter"],
    ["Name, EX036", us("8:05:00 PM"), us("8:50:00 PM"), "45m", "EX036@Example.org", "Presenter"],
    ["Name EX034 (EXT)", us("7:10:00 PM"), us("7:44:30 PM"), "34m 30s", "", "Attendee"],
    ["Person Two (Guest)", us("7:40:00 PM"), us("8:10:00 PM"), "30m", "", "Attendee"],
    ["Name EX013", us("7:00:00 PM"), us("8:40:00 PM"), "1h 40m", "ex013@example.org", "Attendee"],
]
JOINT = ["--event", "NPQLT Live Webinar", "--block", 2, "--group", "NPQLT:4", "--group", "NPQLTD:4",
         "--partner", "NORTH"]
JOINT_LINES = [
    "read 4, created 4, updated 0, unchanged 0",
    "not matched: Facil Itator <facil@partner.example>: 120 minutes",
    "not matched: Person Two (Guest): 30 minutes",
    "not matched: Name EX013 <ex013@example.org>: 100 minutes",
    "below 60 minutes: EX034: 34 minutes",
]
JOINT_MARKS = [
    ("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "absent", "command line"),
    ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", "command line"),
    ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "absent", "command line"),
    ("EX102", 2, "NPQLT Live Webinar", "2023-04-17", "absent", "command line"),
]


def imported(cli, path, *options) -> list[str]:
    """The lines `import attendance` prints for a report it reads (exit 0)."""
    result = cli("import", "attendance", path, *options)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def write(folder, name: str, data: bytes):
    path = folder / name
    path.write_bytes(data)
    return path


TEAMS = {
    "utf-16-le": dict(),  # April 2023: FF FE, CRLF, padded, quoted
    "utf-16-be": dict(encoding="utf-16-be", newline=files.LF, width=0, quote=False),  # November 2022
}


@pytest.mark.parametrize("layout", TEAMS)
def test_a_joint_webinar_on_teams_is_one_register_for_two_courses(cli, sample, layout):
    path = write(sample, "NPQLT Live Webinar - Attendance report 17-04-23.csv",
                 files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES, **TEAMS[layout]))
    # NORTH's group: EX036 and EX100 on NPQLT, EX034 on NPQLTD (cohort 4); EX101 is withdrawn; EX013 is SOUTH's
    assert imported(cli, path, *JOINT) == JOINT_LINES
    assert marks() == JOINT_MARKS
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.kind == "attendance"))
    assert (batch.kind, batch.filename, batch.imported_by) == ("attendance", str(path), "command line")
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "attendance")).all()
    assert len(audited) == 4
    again = cli("import", "attendance", path, *JOINT)
    assert again.exit_code == 0 and again.stdout.splitlines()[0] == "read 4, created 0, updated 0, unchanged 4"
    assert marks() == JOINT_MARKS


def test_the_minimum_decides_and_a_mark_changes_on_a_second_import(cli, sample):
    path = write(sample, "report.csv", files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES))
    assert cli("import", "attendance", path, *JOINT).exit_code == 0
    lines = imported(cli, path, *JOINT, "--minimum-minutes", 30)
    assert lines[0] == "read 4, created 0, updated 1, unchanged 3"
    assert not any(line.startswith("below") for line in lines)
    assert ("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "attended", "command line") in marks()


def test_without_a_group_only_the_people_in_the_report_get_a_mark(cli, sample):
    path = write(sample, "report.csv", files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES))
    assert imported(cli, path, "--event", "NPQLT Live Webinar", "--block", 2,
                    "--session-date", "2023-04-18", "--minimum-minutes", 90) == [
        "read 3, created 3, updated 0, unchanged 0",
        "not matched: Facil Itator <facil@partner.example>: 120 minutes",
        "not matched: Person Two (Guest): 30 minutes",
        "below 90 minutes: EX034: 34 minutes",
    ]
    # everyone's own course's webinar, whichever partner; EX013 (SOUTH) is matched without --partner
    assert marks() == [("EX013", 2, "NPQLT Live Webinar", "2023-04-18", "attended", "command line"),
                       ("EX034", 2, "NPQLTD Live Webinar", "2023-04-18", "absent", "command line"),
                       ("EX036", 2, "NPQLT Live Webinar", "2023-04-18", "attended", "command line")]


def test_a_teams_report_resaved_in_excel_reads_the_same(cli, sample):
    path = write(sample, "report.csv", files.excel_resave(files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES)))
    imported(cli, path, *JOINT)
    assert marks() == JOINT_MARKS


ZOOM_MEETING = ["NPQLT Live Webinar", "84784749718", "Facil Itator (facil@partner.example)", "120",
                "04/17/2023 07:00:00 PM", "04/17/2023 09:00:00 PM", "4"]
ZOOM_ROWS = [
    ["Facil Itator", "facil@partner.example", "04/17/2023 07:00:00 PM", "04/17/2023 09:00:00 PM", "120", "No", "No"],
    ["EX036 (she/her)", "ex036@example.org", "04/17/2023 06:55:00 PM", "04/17/2023 07:05:00 PM", "10", "Yes", "Yes"],
    ["EX036 (she/her)", "ex036@example.org", "04/17/2023 07:05:00 PM", "04/17/2023 08:30:00 PM", "85", "Yes", "No"],
    ["EX036's iPad", "EX036@example.org", "04/17/2023 08:00:00 PM", "04/17/2023 08:45:00 PM", "45", "Yes", "No"],
    ["Jo C", "", "04/17/2023 07:10:00 PM", "04/17/2023 07:40:00 PM", "30", "Yes", "No"],
    ["EX100", "ex100@example.org", "04/17/2023 07:00:00 PM", "04/17/2023 07:59:59 PM", "60", "Yes", "No"],
]
ZOOM_LINES = [
    "read 4, created 4, updated 0, unchanged 0",
    "not matched: Facil Itator <facil@partner.example>: 120 minutes",
    "not matched: Jo C: 30 minutes",
    "below 60 minutes: EX100: 59 minutes",
]
ZOOM_MARKS = [("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "absent", "command line"),
              ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", "command line"),
              ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "absent", "command line"),
              ("EX102", 2, "NPQLT Live Webinar", "2023-04-17", "absent", "command line")]


def _legacy(rows):
    return [row[:6] + [""] + row[6:] for row in rows]  # Recording Consent before In Waiting Room


@pytest.mark.parametrize("layout", ["2025", "legacy", "no meeting lines"])
def test_zoom_participants_reports_in_each_layout(cli, sample, layout):
    if layout == "2025":
        data = files.zoom_2025(ZOOM_MEETING, ZOOM_ROWS)
    else:
        meeting = None if layout == "no meeting lines" else [ZOOM_MEETING[1], ZOOM_MEETING[0], ZOOM_MEETING[4],
                                                              ZOOM_MEETING[5], "facil@partner.example", "120", "4"]
        data = files.zoom_legacy(meeting, _legacy(ZOOM_ROWS))
    path = write(sample, "participants_84784749718_2023_04_16.csv", data)
    options = ["--minimum-minutes", 60] if layout == "no meeting lines" else []
    lines = imported(cli, path, *JOINT, *options)
    # the waiting room is no presence, and EX036's two devices count once (7:05 to 8:45)
    assert lines == ZOOM_LINES
    assert marks() == ZOOM_MARKS


def test_a_zoom_report_without_the_session_s_length_needs_a_minimum(cli, sample):
    path = write(sample, "participants.csv", files.zoom_legacy(None, _legacy(ZOOM_ROWS)))
    before = snapshot()
    result = cli("import", "attendance", path, *JOINT)
    assert result.exit_code == 1
    assert "--minimum-minutes: the report does not give the session's length" in result.stderr
    assert snapshot() == before


def test_a_zoom_webinar_attendee_report(cli, sample):
    path = write(sample, "webinar.csv", WEBINAR.encode("utf-8"))
    # the readers' webinar (test_zoom.py) held on another day: 14:00 for 126 minutes, rounded up to 127;
    # Ann Lee is in twice, 19 min 15 s and 30 min; a registrant who never joined has no minutes
    assert imported(cli, path, *JOINT, "--session-date", "2023-04-17") == [
        "read 4, created 4, updated 0, unchanged 0",
        "not matched: Facil Itator <facil@partner.example>: 126 minutes",
        "not matched: Pan Elist <pan@partner.example>: 60 minutes",
        "not matched: Bob Ray <bob@school.example>: 0 minutes",
        "not matched: Guest Phone: 30 minutes",
        "below 64 minutes: EX102: 49 minutes",
    ]
    assert ("EX102", 2, "NPQLT Live Webinar", "2023-04-17", "absent", "command line") in marks()


MOODLE_HEADER = ["Last name", "First name", "Email address", "17 Apr 2023 7.00PM All students", "",
                 "24 Apr 2023 7.00PM All students", "1 May 2023 7.00PM All students", "P", "L", "E", "A",
                 "Taken sessions", "Points", "Percentage"]
MOODLE_ROWS = [
    ["EX036", "Name", "EX036@example.org", "P (2/2)", "on time", "L (1/2)", "?", "1", "1", "0", "0", "2", "3 / 4",
     "75.0"],
    ["EX034", "Name", "ex034@example.org", "E (1/2)", "", "A (0/2)", "?", "0", "0", "1", "1", "2", "1 / 4", "25.0"],
    ["Lee", "Ann", "ann@school.example", "", "", "P (2/2)", "?", "1", "0", "0", "0", "1", "2 / 2", "100.0"],
    ["Guest", "Gil", "gil@elsewhere.example", "P (2/2)", "", "P (2/2)", "?", "2", "0", "0", "0", "2", "4 / 4", "100.0"],
]


def moodle(form: str) -> bytes:
    if form == "txt":
        return files.attendance_txt("NPQ Leading Teaching, cohort 4", "All participants", MOODLE_HEADER, MOODLE_ROWS)
    rows = [[float(v) if v.replace(".", "").isdigit() else v for v in row] for row in MOODLE_ROWS]
    return files.attendance_xlsx("NPQ Leading Teaching, cohort 4", "All participants", MOODLE_HEADER, rows)


@pytest.mark.parametrize("form", ["txt", "xlsx"])
def test_a_moodle_attendance_export_is_a_register_per_session(cli, sample, form):
    path = write(sample, f"NPQLT4_Attendances_20230502-0900.{form}", moodle(form))
    assert imported(cli, path, *JOINT) == ["read 7, created 7, updated 0, unchanged 0",
                                           "not matched: Gil Guest <gil@elsewhere.example>"]
    # 1 May is not taken yet (?): no register; EX100 is in no session column: absent from both taken
    assert marks() == [
        ("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "absent", "command line"),  # E: absent by default
        ("EX034", 2, "NPQLTD Live Webinar", "2023-04-24", "absent", "command line"),
        ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", "command line"),
        ("EX036", 2, "NPQLT Live Webinar", "2023-04-24", "attended", "command line"),  # L is attended
        ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "absent", "command line"),
        ("EX100", 2, "NPQLT Live Webinar", "2023-04-24", "absent", "command line"),
        ("EX102", 2, "NPQLT Live Webinar", "2023-04-24", "attended", "command line"),  # blank on the 17th: no mark
    ]


def test_excused_is_contingency_when_the_partner_says_so_and_a_date_picks_a_session(cli, sample):
    path = write(sample, "register.txt", moodle("txt"))
    lines = imported(cli, path, "--event", "NPQLT Live Webinar", "--block", 2, "--partner", "NORTH",
                     "--excused", "contingency", "--session-date", "2023-04-17")
    assert lines[0] == "read 2, created 2, updated 0, unchanged 0"
    assert marks() == [("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "contingency", "command line"),
                       ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", "command line")]


def test_a_session_date_the_export_does_not_hold_is_refused(cli, sample):
    path = write(sample, "register.txt", moodle("txt"))
    result = cli("import", "attendance", path, "--event", "NPQLT Live Webinar", "--block", 2,
                 "--session-date", "2023-04-18")
    assert result.exit_code == 1
    assert result.stderr == ("--session-date: the export holds no session on 2023-04-18 (its sessions are on "
                             "2023-04-17, 2023-04-24, 2023-05-01)\n")


def test_a_row_the_import_rules_refuse_stores_nothing(cli, sample):
    early = [(key, value.replace("4/17/23", "1/17/23")) for key, value in SUMMARY]
    rows = [[cell.replace("4/17/23", "1/17/23") for cell in row] for row in ACTIVITIES]
    path = write(sample, "report.csv", files.teams(early, [], rows))
    before = snapshot()
    result = cli("import", "attendance", path, *JOINT)
    assert result.exit_code == 1
    # cohort 4 started on 1 February 2023: a line per mark, the report's line, or the absentee named
    assert "session_date: 2023-01-17 is before cohort 4 started (2023-02-01)" in result.stderr
    assert "participant EX100: session_date:" in result.stderr
    assert snapshot() == before


@pytest.mark.parametrize("data, says", [
    (b"\xff\xfe" + "Full Name\tUser Action\tTimestamp\nAnn\tJoined\t1/1/2023\n".encode("utf-16-le"),
     "This file is a Teams attendance list (2020-21), which the tracker does not read"),
    (files.moodle_completion(["Email address"], [("Survey", "")], [("Ann Lee", ["a@b.example"], [("Completed", "")])]),
     "This file is a Moodle activity completion report, which holds credits: import it as credits"),
    (b"\xff\xfe" + "1. Summary\nMeeting title\tX\n".encode("utf-16-le"), "needs its '2. Participants' section"),
    (b"\xff\xfe" + "1. Summary\n".encode("utf-16-le") + b"\x00\xd8", "not readable utf-16-le text"),
], ids=["teams-2020-list", "completion-report", "no-participants", "damaged-utf-16"])
def test_a_report_it_cannot_import_is_refused_naming_what_is_wrong_and_stores_nothing(cli, sample, data, says):
    path = write(sample, "report.csv", data)
    before = snapshot()
    result = cli("import", "attendance", path, *JOINT)
    assert result.exit_code == 1 and says in result.stderr and result.stdout == ""
    assert snapshot() == before


def test_an_event_a_course_of_the_group_lacks_is_refused(cli, sample):
    path = write(sample, "report.csv", files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES))
    result = cli("import", "attendance", path, "--event", "NPQLT F2F Training Session", "--block", 2,
                 "--group", "NPQLT:4")
    assert result.exit_code == 1
    assert result.stderr == "--event: 'NPQLT F2F Training Session' is not a training event of NPQLT block 2\n"


def test_a_report_needs_its_event_and_block(cli, sample):
    path = write(sample, "report.csv", files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES))
    result = cli("import", "attendance", path)
    assert result.exit_code == 2 and "--event and --block are required" in result.stderr


def test_a_dry_run_of_a_report_counts_and_writes_nothing(cli, sample):
    path = write(sample, "report.csv", files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES))
    before = snapshot()
    result = cli("import", "attendance", path, *JOINT, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "dry run: read 4, created 4, updated 0, unchanged 0"
    assert snapshot() == before


def test_an_attendance_file_in_the_tracker_s_columns_keeps_its_path(cli, sample):
    path = write(sample, "attendance.csv", b"participant_id,block,event,session_date,attendance\n"
                                           b"EX036,2,NPQLT Live Webinar,2023-04-17,attended\n")
    result = cli("import", "attendance", path)
    assert result.exit_code == 0 and result.stdout == "read 1, created 1, updated 0, unchanged 0\n"
    assert marks() == [("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", None)]
    refused = cli("import", "attendance", path, "--event", "NPQLT Live Webinar")
    assert refused.exit_code == 2 and "--event is for a Teams, Zoom or Moodle report" in refused.stderr


@pytest.mark.parametrize("dates, day", [(None, "2023-04-05"), ("month-first", "2023-05-04")])
def test_dates_that_read_both_ways_are_day_first_unless_told(cli, sample, dates, day):
    ambiguous = [(key, value.replace("4/17/23", "5/4/23")) for key, value in SUMMARY]
    rows = [[cell.replace("4/17/23", "5/4/23") for cell in row] for row in ACTIVITIES]
    path = write(sample, "report.csv", files.teams(ambiguous, [], rows))
    imported(cli, path, *JOINT, *(["--dates", dates] if dates else []))
    assert {mark[3] for mark in marks()} == {day}


def test_a_teams_report_matches_participants_by_their_other_emails(cli, sample):
    # EX100 signs in to Teams with the partner's account; EX102 joins as a guest from home
    others = sample / "others.csv"
    others.write_text("participant_id,full_name,email,delivery_partner,course,cohort,school_contract_signed,"
                      "sponsorship_agreement_signed,other_emails\n"
                      "EX100,Name EX100,ex100@example.org,NORTH,NPQLT,4,yes,yes,Ex100.Teams@Partner.example\n"
                      "EX102,Ann Lee,Ann@School.example,NORTH,NPQLT,4,yes,yes,ann.lee@home.example\n", encoding="utf-8")
    assert cli("import", "participants", others).stdout == "read 2, created 0, updated 2, unchanged 0\n"
    teams_rows = [["Name EX100", us("7:00:00 PM"), us("8:30:00 PM"), "1h 30m", "ex100.teams@partner.example",
                   "ex100.teams@partner.example", "Attendee"],
                  ["Ann (Guest)", us("7:40:00 PM"), us("8:10:00 PM"), "30m", "",
                   "ann.lee_home.example#EXT#@partner.onmicrosoft.com", "Attendee"]]
    activities = [row[:5] + row[6:] for row in teams_rows]  # the In-Meeting Activities section has no UPN
    path = write(sample, "report.csv", files.teams(SUMMARY, PARTICIPANTS + teams_rows, ACTIVITIES + activities))
    assert imported(cli, path, *JOINT) == JOINT_LINES + ["below 60 minutes: EX102: 30 minutes"]
    assert [mark[:5] for mark in marks()] == [
        ("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "absent"),
        ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended"),
        ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "attended"),
        ("EX102", 2, "NPQLT Live Webinar", "2023-04-17", "absent"),
    ]
