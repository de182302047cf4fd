"""Teams attendance reports (FORMATS.md sections 1-3) read from their real bytes."""
from __future__ import annotations

from datetime import datetime

import pytest

from tracker.imports.reading import FileProblem
from tracker.imports.reports import DAY_FIRST, MONTH_FIRST, read_report

from . import files


def us(time: str) -> str:
    return f"4/17/23, {time}"


SUMMARY_2023 = [("Meeting title", "NPQLT Live Webinar 3"), ("Attended participants", "4"),
                ("Start time", us("7:29:57 PM")), ("End time", us("9:30:00 PM")),
                ("Meeting duration", "2h 3s"), ("Average attendance time", "58m 2s")]
PARTICIPANTS_2023 = [
    ["Facil Itator", us("7:29:57 PM"), us("9:30:00 PM"), "2h 3s", "Facil@Partner.example",
     "facil@partner.example", "Organizer"],
    ["One, Person", us("7:31:00 PM"), us("7:36:15 PM"), "3m 30s", "one.person@school.example",
     "one.person@school.example", "Presenter"],
    ["Person Two (Guest)", us("7:40:00 PM"), us("8:10:00 PM"), "30m", "", "", "Attendee"],
    ["Jo External", us("7:45:00 PM"), us("9:00:00 PM"), "1h 15m", "jo@school.example",
     "jo_school.example#EXT#@partner.onmicrosoft.com", "Attendee"],
]
ACTIVITIES_2023 = [
    ["Facil Itator", us("7:29:57 PM"), us("9:30:00 PM"), "2h 3s", "Facil@Partner.example", "Organizer"],
    ["One, Person", us("7:31:00 PM"), us("7:34:16 PM"), "3m 16s", "one.person@school.example", "Presenter"],
    # the leave-only artefact rows Teams writes before a rejoin: no join, the next join as leave, twice
    ["One, Person", "", us("7:36:01 PM"), "", "one.person@school.example", "Presenter"],
    ["One, Person", "", us("7:36:01 PM"), "", "one.person@school.example", "Presenter"],
    ["One, Person", us("7:36:01 PM"), us("7:36:15 PM"), "14s", "one.person@school.example", "Presenter"],
    ["Person Two (Guest)", us("7:40:00 PM"), us("8:10:00 PM"), "30m", "", "Attendee"],
    ["Jo External", us("7:45:00 PM"), us("8:45:00 PM"), "1h", "jo@school.example", "Attendee"],
    ["Jo External", us("8:00:00 PM"), us("9:00:00 PM"), "1h", "jo@school.example", "Attendee"],  # a second device
]


def report_2023(**options) -> bytes:
    return files.teams(SUMMARY_2023, PARTICIPANTS_2023, ACTIVITIES_2023, **options)


def by_name(report):
    return {attendee.name: attendee for attendee in report.attendees}


def test_a_2023_report_utf16le_crlf_padded_and_quoted_is_read():
    data = report_2023()
    assert data[:2] == b"\xff\xfe" and b"\r\x00\n\x00" in data and '"4/17/23, 7:29:57 PM"'.encode("utf-16-le") in data
    report = read_report(data)
    assert report.format == "teams"
    assert report.title == "NPQLT Live Webinar 3"
    assert (report.start, report.end) == (datetime(2023, 4, 17, 19, 29, 57), datetime(2023, 4, 17, 21, 30))
    assert report.date.isoformat() == "2023-04-17" and report.minutes == 120
    assert report.dates.order == MONTH_FIRST and report.dates.settled_by == "file"  # 4/17 can only be April
    people = by_name(report)
    assert list(people) == ["Facil Itator", "One, Person", "Person Two (Guest)", "Jo External"]
    assert people["Facil Itator"].role == "organiser" and people["Facil Itator"].email == "facil@partner.example"
    # section 2 says 3m 30s, first join to last leave spans 5m 15s: the intervals give 3m 16s + 14s
    assert people["One, Person"].seconds == 210 and people["One, Person"].minutes == 3
    assert people["Person Two (Guest)"].emails == () and people["Person Two (Guest)"].minutes == 30
    # two devices at once count once: 19:45-21:00
    assert people["Jo External"].minutes == 75
    assert people["Jo External"].emails == ("jo@school.example",)  # the #EXT# UPN unwraps to the same address
    assert report.problems == ()


def test_a_2022_report_utf16be_lf_unpadded_unquoted_with_lower_case_headings_is_read():
    def be(time):
        return f"15/11/22, {time}"

    data = files.teams(
        [("Meeting title", "Block 2 session"), ("Attended participants", "2"), ("Start time", be("09:30:17")),
         ("End time", be("11:00:00")), ("Meeting duration", "1h 29m 43s"), ("Average attendance time", "1h")],
        [["Goliath, David", be("09:30:17"), be("11:00:00"), "1h 29m 43s", "Johnny.Walker@school.example",
          "jwalker@other.example", "Organizer"],
         ["JANSSENS JAN (EXT)", be("09:35:00"), be("10:05:00"), "30m", "jan@school.example",
          "jan_school.example#EXT#@partner.onmicrosoft.com", "Presenter"]],
        [["Goliath, David", be("09:30:17"), be("11:00:00"), "1h 29m 43s", "Johnny.Walker@school.example", "Organizer"],
         ["JANSSENS JAN (EXT)", be("09:35:00"), be("10:05:00"), "30m", "jan@school.example", "Presenter"]],
        encoding="utf-16-be", newline="\n", width=0, quote=False,
        labels=("1. Summary", "2. Participants", "3. In-Meeting activities"),
        participant_header=("Name", "First join", "Last leave", "In-meeting duration", "Email",
                            "Participant ID (UPN)", "Role"),
        activity_header=("Name", "Join time", "Leave time", "Duration", "Email", "Role"))
    assert data[:2] == b"\xfe\xff" and b"\x00\r" not in data
    report = read_report(data)
    assert report.dates.order == DAY_FIRST and report.dates.settled_by == "file"
    assert report.start == datetime(2022, 11, 15, 9, 30, 17)
    people = by_name(report)
    # Email and UPN differ: both are keys, the Email first
    assert people["Goliath, David"].emails == ("johnny.walker@school.example", "jwalker@other.example")
    assert people["Goliath, David"].minutes == 89
    assert people["JANSSENS JAN (EXT)"].emails == ("jan@school.example",)
    assert people["JANSSENS JAN (EXT)"].role == "presenter" and people["JANSSENS JAN (EXT)"].minutes == 30


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-8"])
def test_every_byte_order_and_utf8_reads_the_same(encoding):
    assert read_report(report_2023(encoding=encoding)) == read_report(report_2023())


def test_a_report_re_saved_by_excel_as_csv_reads_the_same():
    data = files.excel_resave(report_2023())
    assert data.startswith(b"\xef\xbb\xbf1. Summary,,,,,,\r\n") and b"\t" not in data
    assert read_report(data) == read_report(report_2023())


def test_the_webinar_variant_prefers_the_registration_email():
    header = ("Name", "First Join", "Last Leave", "In-Meeting Duration", "Email", "Participant ID (UPN)", "Role",
              "Registration First Name", "Registration Last Name", "Registration Email", "Registration Time",
              "Registration Status")
    summary = [("Meeting title", "Joint webinar"), ("Registration page views", "40"),
               ("Registered participants", "3"), ("Canceled registrations", "0"), *SUMMARY_2023[1:]]
    participants = [
        PARTICIPANTS_2023[0] + ["", "", "", "", ""],
        ["Sam (Guest)", us("7:40:00 PM"), us("8:40:00 PM"), "1h", "sam.home@mail.example", "", "Attendee",
         "Sam", "Smith", "Sam.Smith@School.example", us("3:00:00 PM"), "Registered"],
    ]
    activities = [ACTIVITIES_2023[0],
                  ["Sam (Guest)", us("7:40:00 PM"), us("8:40:00 PM"), "1h", "sam.home@mail.example", "Attendee"]]
    data = files.teams(summary, participants, activities, width=12, participant_header=header)
    assert "\t" * 11 in data.decode("utf-16")
    report = read_report(data)
    assert report.format == "teams-webinar"
    sam = by_name(report)["Sam (Guest)"]
    assert sam.emails == ("sam.smith@school.example", "sam.home@mail.example") and sam.minutes == 60


def test_an_empty_activities_section_falls_back_to_each_identity_s_total_from_its_first_join():
    report = read_report(files.teams(SUMMARY_2023, PARTICIPANTS_2023, []))
    people = by_name(report)
    # never last leave - first join (5m 15s): the section 2 total from the first join
    assert people["One, Person"].seconds == 210
    assert people["Jo External"].minutes == 75


def test_a_report_without_the_activities_section_or_without_participants():
    assert by_name(read_report(files.teams(SUMMARY_2023, PARTICIPANTS_2023, None)))["Person Two (Guest)"].minutes == 30
    empty = read_report(files.teams(SUMMARY_2023, [], []))
    assert empty.attendees == () and empty.problems == () and empty.minutes == 120


def test_a_person_joining_twice_and_rejoining_is_counted_once_and_capped_at_the_meeting():
    summary = [("Meeting title", "T"), ("Start time", "17/05/2023, 15:00:00"), ("End time", "17/05/2023, 16:00:00")]
    rows = [["Ann", "17/05/2023, 14:50:00", "17/05/2023, 15:20:00", "30m", "ann@school.example", "Attendee"],
            ["Ann", "17/05/2023, 15:10:00", "17/05/2023, 15:30:00", "20m", "ann@school.example", "Attendee"],
            ["Ann", "17/05/2023, 15:45:00", "17/05/2023, 16:30:00", "45m", "ann@school.example", "Attendee"]]
    report = read_report(files.teams(summary, [], rows))
    (ann,) = report.attendees
    # 15:00-15:30 (the join before the start clipped), then 15:45-16:00 (the leave after the end clipped)
    assert ann.minutes == 45 and len(ann.intervals) == 2
    assert report.dates.order == DAY_FIRST


def test_ambiguous_dates_are_day_first_by_default_and_the_caller_can_say_otherwise():
    summary = [("Meeting title", "T"), ("Start time", "5/4/2023, 10:00:00"), ("End time", "5/4/2023, 11:00:00")]
    data = files.teams(summary, [], [])
    default = read_report(data)
    assert default.date.isoformat() == "2023-04-05" and default.dates.settled_by == "default"
    asked = read_report(data, dates="month-first")
    assert asked.date.isoformat() == "2023-05-04" and asked.dates.settled_by == "caller"


def test_a_file_writing_dates_both_ways_is_refused():
    summary = [("Meeting title", "T"), ("Start time", "17/05/2023, 10:00:00"), ("End time", "5/17/2023, 11:00:00")]
    with pytest.raises(FileProblem, match="both day first .*17/05/2023.* and month first"):
        read_report(files.teams(summary, [], []))


def test_a_narrow_no_break_space_before_pm_and_excel_s_own_date_form_read():
    summary = [("Meeting title", "T"), ("Start time", "4/17/23, 7:00:00\u202fPM"), ("End time", "4/17/2023 20:00")]
    report = read_report(files.teams(summary, [], []))
    assert (report.start, report.end) == (datetime(2023, 4, 17, 19), datetime(2023, 4, 17, 20))


def test_an_unreadable_row_is_listed_naming_its_line_and_person_and_the_rest_is_read():
    rows = [["Ann", us("7:30:00 PM"), "soon", "1m", "ann@school.example", "Attendee"],
            ["Bob", us("8:00:00 PM"), us("7:50:00 PM"), "1m", "bob@school.example", "Attendee"],
            ["Cat", us("7:30:00 PM"), us("8:00:00 PM"), "30m", "cat@school.example", "Attendee"]]
    report = read_report(files.teams(SUMMARY_2023, [], rows))
    assert [str(p) for p in report.problems] == [
        "line 14: Ann: leave: 'soon' is not a date and time (month-first)",
        "line 15: Bob: leaves (4/17/23, 7:50:00 PM) before joining (4/17/23, 8:00:00 PM)"]
    assert by_name(report)["Cat"].minutes == 30 and by_name(report)["Ann"].intervals == ()


def test_the_2021_meeting_summary_layout_is_read():
    def gb(time):
        return f"11/12/2020, {time}"

    data = files.teams_2021(
        [("Total Number of Participants", "2"), ("Meeting Title", "Block 1 session"),
         ("Meeting Start Time", gb("12:27:24")), ("Meeting End Time", gb("13:30:00")), ("Meeting Id", "abc")],
        [["Facil Itator", gb("12:27:24"), gb("13:30:00"), "1h 2m 36s", "facil@partner.example", "Organizer",
          "facil@partner.example"],
         ["Ann Lee", gb("12:30:00"), gb("12:50:00"), "20m", "ann@school.example", "Attendee", "ann@school.example"],
         ["Ann Lee", gb("13:00:00"), gb("13:10:00"), "10m", "ann@school.example", "Attendee", "ann@school.example"]])
    assert not data.endswith("\n".encode("utf-16-le"))
    report = read_report(data)
    assert report.format == "teams-2021" and report.title == "Block 1 session"
    assert report.start == datetime(2020, 12, 11, 12, 27, 24) and report.dates.settled_by == "default"
    people = by_name(report)
    assert people["Ann Lee"].minutes == 30 and people["Ann Lee"].rows == (10, 11)  # the header is line 8
    assert people["Facil Itator"].role == "organiser"


def test_an_unreadable_start_time_is_listed_as_a_summary_problem():
    summary = [("Meeting title", "T"), ("Start time", "godz. 10"), ("End time", "17/05/2023, 11:00:00")]
    report = read_report(files.teams(summary, [], []))
    assert report.start is None and report.span is None and report.date is None
    assert [str(p) for p in report.problems] == ["summary: start time: 'godz. 10' is not a date and time (day-first)"]
