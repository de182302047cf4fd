"""Zoom participants and webinar attendee reports (FORMATS.md sections 4 and 5) from their real bytes."""
from __future__ import annotations

from datetime import datetime

import pytest

from tracker.imports.reading import FileProblem
from tracker.imports.reports import DAY_FIRST, MONTH_FIRST, read_report

from . import files

MEETING_2025 = ["NPQLT Live Webinar", "84784749718", "Facil Itator (facil@partner.example)", "128",
                "03/04/2023 03:58:12 PM", "03/04/2023 06:05:40 PM", "3"]
ROWS_2025 = [
    ["Facil Itator", "facil@partner.example", "03/04/2023 03:58:12 PM", "03/04/2023 06:05:40 PM", "128", "No", "No"],
    # the real file's rounding: 6 seconds shows as 1 minute, and the rejoin straight after as 157
    ["126_Nisarg P (he/him)", "nisarg@school.example", "03/04/2023 06:38:11 AM", "03/04/2023 06:38:17 AM", "1",
     "Yes", "No"],
    ["Jo C", "", "03/04/2023 03:59:00 PM", "03/04/2023 04:10:00 PM", "11", "Yes", "Yes"],  # waiting room
    ["Jo C", "", "03/04/2023 04:10:00 PM", "03/04/2023 05:00:30 PM", "51", "Yes", "No"],
    ["Sam's iPad", "Sam@School.example", "03/04/2023 04:00:00 PM", "03/04/2023 05:00:00 PM", "60", "Yes", "No"],
    ["Sam Smith", "sam@school.example", "03/04/2023 04:30:00 PM", "03/04/2023 05:30:00 PM", "60", "Yes", "No"],
    ["Only Waited", "", "03/04/2023 04:00:00 PM", "03/04/2023 04:20:00 PM", "20", "Yes", "Yes"],
]


def by_name(report):
    return {attendee.name: attendee for attendee in report.attendees}


def test_the_2025_layout_bom_quoted_dates_waiting_room_and_rounding():
    data = files.zoom_2025(MEETING_2025, ROWS_2025)
    assert data.startswith(b"\xef\xbb\xbfTopic,ID,Host,") and b'"03/04/2023 03:58:12 PM"' in data
    report = read_report(data)
    assert report.format == "zoom-2025" and report.title == "NPQLT Live Webinar"
    # month first: 03/04/2023 is 4 March, and nothing in the file says otherwise
    assert report.start == datetime(2023, 3, 4, 15, 58, 12) and report.end == datetime(2023, 3, 4, 18, 5, 40)
    assert report.dates.order == MONTH_FIRST and report.dates.settled_by == "default"
    people = by_name(report)
    assert people["Facil Itator"].role == "organiser" and people["Jo C"].role is None
    # before the meeting started: clipped to nothing, not Zoom's rounded-up minute
    assert people["126_Nisarg P (he/him)"].seconds == 0
    # the waiting-room row is not presence; the admitted row is: 16:10:00-17:00:30
    assert people["Jo C"].seconds == 50 * 60 + 30 and people["Jo C"].minutes == 50
    assert people["Jo C"].emails == () and people["Jo C"].rows == (7, 8)
    # two devices of one address are one identity: 16:00-17:30
    assert people["Sam's iPad"].minutes == 90 and "Sam Smith" not in people
    assert people["Only Waited"].intervals == ()


def test_a_crlf_copy_reads_the_same():
    assert read_report(files.zoom_2025(MEETING_2025, ROWS_2025, newline="\r\n")) == read_report(
        files.zoom_2025(MEETING_2025, ROWS_2025))


def test_the_legacy_layout_with_trailing_commas_and_extra_columns():
    data = files.zoom_legacy(
        ["84784749718", "Block 3 session", "03/15/2023 03:58:12 PM", "03/15/2023 06:05:40 PM",
         "facil@partner.example", "128", "2"],
        [["Facil Itator", "facil@partner.example", "03/15/2023 03:58:12 PM", "03/15/2023 06:05:40 PM", "128",
          "No", "Y", "No"],
         ["Ann Lee (Ann)", "ann@school.example", "03/15/2023 04:00:00 PM", "03/15/2023 04:45:00 PM", "45", "Yes", "",
          "No"]])
    assert data.startswith(b"Meeting ID,Topic,Start Time,") and data.split(b"\n")[1].endswith(b",")
    report = read_report(data)
    assert report.format == "zoom-legacy" and report.title == "Block 3 session"
    assert report.dates.settled_by == "file" and report.date.isoformat() == "2023-03-15"
    people = by_name(report)
    assert people["Facil Itator"].role == "organiser" and people["Ann Lee (Ann)"].minutes == 45


def test_a_report_without_meeting_data_proposes_the_first_join_s_date():
    data = files.zoom_legacy(None, [["Ann", "ann@school.example", "03/04/2023 04:00:00 PM",
                                     "03/04/2023 04:45:00 PM", "45", "Yes", "", "No"]])
    report = read_report(data)
    assert report.format == "zoom" and report.title is None and report.start is None and report.span is None
    assert report.date.isoformat() == "2023-03-04" and by_name(report)["Ann"].minutes == 45


def test_a_day_first_date_in_the_file_settles_the_order():
    data = files.zoom_legacy(None, [["Ann", "", "13/03/2023 16:00:00", "13/03/2023 16:30:00", "30", "No", "", "No"],
                                    ["Bob", "", "03/04/2023 16:00:00", "03/04/2023 16:30:00", "30", "No", "", "No"]])
    report = read_report(data)
    assert report.dates.order == DAY_FIRST and by_name(report)["Bob"].intervals[0].start == datetime(2023, 4, 3, 16)


def test_a_show_unique_users_export_is_refused():
    data = files.zoom_legacy(None, [["Ann", "ann@school.example", "45", "Yes"]],
                             header="Name (Original Name),User Email,Total Duration (Minutes),Guest")
    with pytest.raises(FileProblem, match="Show unique users"):
        read_report(data)


WEBINAR = """Attendee Report,
Report Generated:,"Sep 28, 2023 9:14 AM"
Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,Unique Viewers,Total Users,Max Concurrent Views
NPQ Joint Webinar,812 3456 7890,"Mar 28, 2020 2:00 PM", 126, 16, 1,15,16,15
Host Details,
Attended,User Name,Email,Join Time,Leave Time,Time in Session (minutes),Country/Region Name
Yes,Facil Itator,facil@partner.example,"Mar 28, 2020 13:58:00","Mar 28, 2020 16:06:00",128,United Kingdom
Panelist Details,
Attended,User Name,Email,Join Time,Leave Time,Time in Session (minutes),Country/Region Name
Yes,Pan Elist,pan@partner.example,"Mar 28, 2020 14:00:00","Mar 28, 2020 15:00:00",60,United Kingdom
Attendee Details,
Attended,First Name,Last Name,Email,Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),Country/Region Name
Yes,Ann,Lee,ann@school.example,"Mar 20, 2020 10:00:00",approved,"Mar 28, 2020 14:05:00","Mar 28, 2020 14:24:15",20,United Kingdom
Yes,Ann,Lee,ann@school.example,,,"Mar 28, 2020 14:30:00","Mar 28, 2020 15:00:00",30,United Kingdom
No,Bob,Ray,bob@school.example,"Mar 21, 2020 10:00:00",approved,--,--,--,--
Other Attended,
User Name,Join Time,Leave Time,Time in Session (minutes),Country/Region Name
Guest Phone,"Mar 28, 2020 2:20 PM","Mar 28, 2020 2:50 PM",30,United Kingdom
"""


def test_the_webinar_attendee_report_sections_roles_and_two_date_styles():
    report = read_report(WEBINAR.encode("utf-8"))
    assert report.format == "zoom-webinar" and report.title == "NPQ Joint Webinar"
    assert report.start == datetime(2020, 3, 28, 14) and report.end == datetime(2020, 3, 28, 16, 7)
    people = by_name(report)
    assert people["Facil Itator"].role == "organiser" and people["Pan Elist"].role == "presenter"
    # 14:05:00-14:24:15 and 14:30:00-15:00:00; Zoom's rounded 20 + 30 are not used
    assert people["Ann Lee"].seconds == 19 * 60 + 15 + 30 * 60 and people["Ann Lee"].role == "attendee"
    assert people["Bob Ray"].intervals == () and people["Bob Ray"].email == "bob@school.example"
    assert people["Guest Phone"].emails == () and people["Guest Phone"].minutes == 30
    # the host joined before the actual start: clipped to it
    assert people["Facil Itator"].intervals[0].start == datetime(2020, 3, 28, 14)
    assert report.problems == ()
