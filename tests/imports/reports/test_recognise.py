"""One place recognises a report from its content, never its name (FORMATS.md section 8), and
refuses anything else naming what it expected."""
from __future__ import annotations

import io
import random

import pytest
from openpyxl import Workbook

from tracker.imports.reading import FileProblem
from tracker.imports.reports import FORMATS, identify, read_report, recognise

from . import files
from .test_moodle import ACTIVITIES, HEADER, LEARNERS, ROWS
from .test_teams import report_2023
from .test_zoom import MEETING_2025, ROWS_2025, WEBINAR

EXAMPLES = [  # (the registry's name, the layout read, the file)
    *(("teams", "teams", data) for data in (report_2023(), report_2023(encoding="utf-16-be"),
                                            report_2023(encoding="utf-8"), files.excel_resave(report_2023()))),
    ("teams-2021", "teams-2021", files.teams_2021([("Meeting Title", "T")], [])),
    ("zoom", "zoom-2025", files.zoom_2025(MEETING_2025, ROWS_2025)),
    ("zoom", "zoom-legacy", files.zoom_legacy(["1", "T", "03/15/2023 03:58:12 PM", "03/15/2023 06:05:40 PM",
                                               "h@x.example", "1", "1"], [])),
    ("zoom", "zoom", files.zoom_legacy(None, [])),
    ("zoom-webinar", "zoom-webinar", WEBINAR.encode("utf-8")),
    *(("moodle-completion", "moodle-completion", files.moodle_completion(["Email address"], ACTIVITIES, LEARNERS,
                                                                         excel=excel)) for excel in (False, True)),
    ("moodle-attendance-text", "moodle-attendance-text", files.attendance_txt("C", "All participants", HEADER, ROWS)),
    ("moodle-attendance-xlsx", "moodle-attendance-xlsx", files.attendance_xlsx("C", "All participants", HEADER, ROWS)),
]


@pytest.mark.parametrize("name,layout,data", EXAMPLES)
def test_each_format_is_recognised_from_its_content(name, layout, data):
    assert recognise(data).name == name
    assert read_report(data).format == layout


def test_every_readable_format_has_an_example():
    assert {f.name for f in FORMATS if f.read} == {name for name, _, _ in EXAMPLES}


def _refusal(data: bytes) -> str:
    with pytest.raises(FileProblem) as refused:
        identify(data)
    return str(refused.value)


def test_the_tracker_s_own_credits_csv_is_not_a_report_and_the_refusal_names_what_was_expected():
    data = b"participant_id,block,activity,credits,completed_on\nP1,1,Survey,1,2023-03-01\n"
    assert recognise(data) is None
    message = _refusal(data)
    assert "its first line is 'participant_id,block,activity,credits,completed_on'" in message
    for title in ("a Teams meeting or webinar attendance report (first line '1. Summary')",
                  "a Zoom meeting participants report", "a Zoom webinar attendee report",
                  "a Moodle activity completion report", "a Moodle attendance export (text)",
                  "a Moodle attendance export (Excel) (an XLSX file with a sheet 'Attendances')"):
        assert title in message


def test_a_moodle_looking_file_of_other_columns_is_not_taken_for_a_completion_report():
    assert recognise(b",participant_id,block\n0,P1,1\n") is None


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_refused_naming_what_was_expected(seed):
    data = random.Random(seed).randbytes(2000)
    message = _refusal(data)
    assert "not a report the tracker recognises" in message and ". Expected a Moodle attendance export" in message
    assert "a Teams meeting or webinar attendance report" in message


def test_an_empty_file_and_binary_noise_are_refused_as_not_text():
    assert "does not start as text" in _refusal(b"")
    assert "does not start as text (its first bytes are 00 01 02" in _refusal(bytes(range(40)))


def test_an_ordinary_workbook_is_not_a_report():
    book = Workbook()
    book.active.append(["participant_id", "block"])
    out = io.BytesIO()
    book.save(out)
    assert recognise(out.getvalue()) is None
    assert "without a sheet named 'Attendances'" in _refusal(out.getvalue())


def test_known_formats_the_tracker_does_not_read_say_what_to_download_instead():
    listed = b"\xff\xfe" + "Full Name\tUser Action\tTimestamp\nAnn\tJoined\t11/4/2020, 9:50:12 AM".encode("utf-16-le")
    assert "Teams attendance list (2020-21), which the tracker does not read" in _refusal(listed)
    resaved = b'Full Name,User Action,Timestamp\nAnn,Joined,"11/4/2020, 9:50:12 AM"\n'
    assert "attendance report from its Attendance tab" in _refusal(resaved)
    live = b"Session Id,Participant Id,Full Name,UserAgent,UTC Event Timestamp,Action,Role\n"
    assert "Live Events" in _refusal(live)
