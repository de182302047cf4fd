"""A partner uploads a Teams, Zoom or Moodle report as it came, reviews what it proposes, and
confirms it (INTERCHANGE.md "Reports as people have them"): each format of FORMATS.md, in its real
bytes (tests/imports/reports/files.py), through the browser."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import (AuditEvent, CreditRecord, ImportBatch, OtherEmail, Participant, PendingUpload,
                            RegisterEntry, RegisterSession)

from ..conftest import EXAMPLES
from ..factories import PARTICIPANT_HEADER, import_text
from ..imports.helpers import by_activity
from ..imports.reports import files
from ..imports.reports.conftest import EXTRA
from ..imports.reports.test_cli_attendance import ACTIVITIES, PARTICIPANTS, SUMMARY, TEAMS, ZOOM_MEETING, ZOOM_ROWS, \
    _legacy, moodle
from ..imports.reports.test_cli_credits import ACTIVITIES as COLUMNS, LEARNERS
from ..imports.reports.test_zoom import WEBINAR
from .conftest import signed_in
from .test_uploads import text_of

FACILITATOR = "facilitator@north.example"


@pytest.fixture()
def north(app, two_partners, monkeypatch):
    """The sample dataset's participants and EXTRA (NORTH's NPQLT cohort 4 is EX036, EX100 and
    EX102; EX034 is on NPQLTD); NORTH's facilitator signed in on 10 May 2023."""
    lines = (EXAMPLES / "participants.csv").read_text(encoding="utf-8").strip().splitlines()
    assert import_text("participants", PARTICIPANT_HEADER, *lines[1:], *EXTRA).ok
    monkeypatch.setitem(app.config, "TODAY", "2023-05-10")
    return signed_in(app, FACILITATOR)


def upload(browser, content: bytes, filename: str, kind="attendance"):
    return browser.post("/uploads", {"kind": kind, "file": (io.BytesIO(content), filename)},
                        content_type="multipart/form-data")


def review_url(response) -> str:
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:3000]
    url = response.headers["Location"]
    assert url.startswith("/uploads/report/"), url
    return url


def event_value(page: str, label: str) -> str:
    match = re.search(r'<option value="(\d+)"[^>]*>' + re.escape(label) + "</option>", page)
    assert match, label
    return match.group(1)


def choose(browser, url, *, event="NPQLT – Block 2 – NPQLT Live Webinar", groups=("NPQLT:4", "NPQLTD:4"),
           day=("", "", ""), minimum="", action="update", **extra):
    page = browser.get(url).get_data(as_text=True)
    data = {"event": event_value(page, event), "groups": list(groups), "session_date": list(day),
            "minimum": minimum, "action": action, **extra}
    return browser.post(url, data)


def selected(page: str, name: str) -> list[str]:
    """The labels of the options chosen in the select NAME."""
    select_ = re.search(r'<select[^>]*name="' + name + r'"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [text_of(label).strip() for label in re.findall(r'<option[^>]*selected[^>]*>(.*?)</option>', select_)]


def marks() -> list[tuple]:
    return by_activity(RegisterEntry, RegisterEntry.session_date, RegisterEntry.mark, RegisterEntry.marked_by)


def nothing_written():
    return (db.session.scalar(select(func.count()).select_from(RegisterEntry)),
            db.session.scalar(select(func.count()).select_from(CreditRecord)),
            db.session.scalar(select(func.count()).select_from(ImportBatch)))


JOINT_MARKS = [
    ("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "absent", FACILITATOR),
    ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", FACILITATOR),
    ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "absent", FACILITATOR),
    ("EX102", 2, "NPQLT Live Webinar", "2023-04-17", "absent", FACILITATOR),
]


@pytest.mark.parametrize("layout", TEAMS)
def test_a_teams_report_is_reviewed_as_a_register_and_confirmed_with_the_facilitator_as_marker(north, layout):
    url = review_url(upload(north, files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES, **TEAMS[layout]),
                            "NPQLT Live Webinar - Attendance report 17-04-23.csv"))
    page = north.get(url).get_data(as_text=True)
    words = text_of(page)
    assert "Check the proposed register" in words
    # the report's title names NPQLT's live webinar, not which block's: the first is proposed
    assert selected(page, "event") == ["NPQLT – Block 1 – NPQLT Live Webinar"]
    assert "Present at least 60 minutes is attended" in words  # half of two hours, as the command line
    before = nothing_written()
    shown = text_of(choose(north, url).get_data(as_text=True))
    assert "Name EX036 (EX036) 17 Apr 2023 Attended 100" in shown or "(EX036)" in shown
    assert "Facil Itator facil@partner.example 120" in shown
    assert nothing_written() == before  # nothing is written before Confirm
    done = choose(north, url, action="confirm")
    assert done.status_code == 302 and done.headers["Location"] == "/uploads"
    assert marks() == JOINT_MARKS
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.kind == "attendance"))
    assert batch.imported_by == FACILITATOR and batch.filename.startswith("NPQLT Live Webinar")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "attendance", AuditEvent.actor == FACILITATOR)) == 4
    assert db.session.scalar(select(PendingUpload.state)) == "imported"
    # once only: the page now shows what the import did, and a second Confirm imports nothing
    assert "What importing it did" in text_of(north.get(url, follow_redirects=True).get_data(as_text=True))
    north.post(url, {"action": "confirm"}, form_url="/uploads")
    assert marks() == JOINT_MARKS
    assert db.session.scalar(select(func.count()).select_from(ImportBatch).where(ImportBatch.kind == "attendance")) == 1


def test_a_teams_report_resaved_in_excel_is_reviewed_the_same(north):
    url = review_url(upload(north, files.excel_resave(files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES)), "r.csv"))
    assert choose(north, url, action="confirm").status_code == 302
    assert marks() == JOINT_MARKS


ZOOM_MARKS = [("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "absent", FACILITATOR),
              ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", FACILITATOR),
              ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "absent", FACILITATOR),
              ("EX102", 2, "NPQLT Live Webinar", "2023-04-17", "absent", FACILITATOR)]


@pytest.mark.parametrize("layout", ["2025", "legacy"])
def test_zoom_participants_reports_in_each_layout(north, layout):
    if layout == "2025":
        data = files.zoom_2025(ZOOM_MEETING, ZOOM_ROWS)
    else:
        data = files.zoom_legacy([ZOOM_MEETING[1], ZOOM_MEETING[0], ZOOM_MEETING[4], ZOOM_MEETING[5],
                                  "facil@partner.example", "120", "4"], _legacy(ZOOM_ROWS))
    url = review_url(upload(north, data, "participants_84784749718_2023_04_16.csv"))
    shown = text_of(choose(north, url).get_data(as_text=True))
    # EX100 was in 59 minutes of 120: absent, with the minutes beside the mark
    assert "Name EX100 (EX100) 17 Apr 2023 Absent 59" in shown
    assert "Jo C none given 30 No email to remember them by" in shown
    assert "Participants of the group not in the report: absent" in shown and "Ann Lee (EX102)" in shown
    assert choose(north, url, action="confirm").status_code == 302
    assert marks() == ZOOM_MARKS


def test_a_zoom_report_without_the_session_s_length_asks_for_the_minimum_and_update_reproposes(north):
    url = review_url(upload(north, files.zoom_legacy(None, _legacy(ZOOM_ROWS)), "participants.csv"))
    before = nothing_written()
    asked = text_of(choose(north, url).get_data(as_text=True))
    assert "the report does not give the session's length: give the minimum minutes" in asked
    assert "Confirm the register" not in asked
    shown = text_of(choose(north, url, minimum="55").get_data(as_text=True))
    assert "Present at least 55 minutes is attended" in shown and "Name EX100 (EX100) 17 Apr 2023 Attended 59" in shown
    assert nothing_written() == before
    assert choose(north, url, minimum="55", action="confirm").status_code == 302
    assert ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "attended", FACILITATOR) in marks()


def test_a_zoom_webinar_attendee_report_with_the_session_date_given(north):
    url = review_url(upload(north, WEBINAR.encode("utf-8"), "webinar.csv"))
    page = north.get(url).get_data(as_text=True)
    assert selected(page, "event") == ["Choose a training event"]  # "NPQ Joint Webinar" names none
    shown = text_of(choose(north, url, day=("17", "4", "2023")).get_data(as_text=True))
    assert "Ann Lee (EX102) 17 Apr 2023 Absent 49" in shown and "Present at least 64 minutes" in shown
    assert choose(north, url, day=("17", "4", "2023"), action="confirm").status_code == 302
    assert ("EX102", 2, "NPQLT Live Webinar", "2023-04-17", "absent", FACILITATOR) in marks()


@pytest.mark.parametrize("form", ["txt", "xlsx"])
def test_a_moodle_attendance_export_is_a_register_per_session_and_e_may_be_contingency(north, form):
    url = review_url(upload(north, moodle(form), f"NPQLT4_Attendances_20230502-0900.{form}"))
    page = text_of(north.get(url).get_data(as_text=True))
    assert "Moodle's E (excused) is" in page and "Minimum minutes" not in page
    shown = text_of(choose(north, url, excused="contingency").get_data(as_text=True))
    assert "Name EX034 (EX034) 17 Apr 2023 Contingency" in shown and "Name EX036 (EX036) 24 Apr 2023 Attended" in shown
    assert "Gil Guest gil@elsewhere.example" in shown
    assert choose(north, url, excused="contingency", action="confirm").status_code == 302
    assert marks() == [
        ("EX034", 2, "NPQLTD Live Webinar", "2023-04-17", "contingency", FACILITATOR),
        ("EX034", 2, "NPQLTD Live Webinar", "2023-04-24", "absent", FACILITATOR),
        ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", FACILITATOR),
        ("EX036", 2, "NPQLT Live Webinar", "2023-04-24", "attended", FACILITATOR),
        ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "absent", FACILITATOR),
        ("EX100", 2, "NPQLT Live Webinar", "2023-04-24", "absent", FACILITATOR),
        ("EX102", 2, "NPQLT Live Webinar", "2023-04-24", "attended", FACILITATOR),
    ]


def credits() -> list[tuple]:
    return by_activity(CreditRecord, CreditRecord.credits, CreditRecord.completed_on, CreditRecord.source)


@pytest.mark.parametrize("excel", [False, True])
def test_moodle_s_completion_report_becomes_credits_for_the_course_and_cohort_chosen(north, excel):
    lead = signed_in(north.client.application, "lead@north.example")
    data = files.moodle_completion(["Email address"], COLUMNS, LEARNERS, excel=excel)
    url = review_url(upload(lead, data, "progress.npqlt4.csv", kind="credits"))
    assert "Check the proposed credits" in text_of(lead.get(url).get_data(as_text=True))
    before = nothing_written()
    shown = text_of(lead.post(url, {"group": "NPQLT:4", "action": "update"}).get_data(as_text=True))
    assert "Survey Block 1: Survey" in shown and "Survey Block 2: Survey" in shown
    assert "Columns that are not an activity of NPQLT: skipped Forum: introduce yourself" in shown
    assert "Gil Guest (gil@elsewhere.example)" in shown and "Name EX034 (ex034@example.org)" in shown
    assert "Would create 5" in shown
    assert nothing_written() == before
    assert lead.post(url, {"group": "NPQLT:4", "action": "confirm"}).status_code == 302
    assert credits() == [
        ("EX036", 1, "Diagnostic Assessment for Block 1", 2, "2023-02-21", "platform"),
        ("EX036", 1, "Live Webinars Survey", 1, "2023-02-22", "platform"),
        ("EX036", 2, "Live Webinars Survey", 1, "2023-04-18", "platform"),
        ("EX036", 2, "Survey", 1, "2023-05-02", "platform"),
        ("EX100", 1, "Survey", 1, "2023-03-02", "platform"),
    ]


def test_this_is_records_the_report_s_address_as_the_participant_s_other_email_and_matches_them(north):
    url = review_url(upload(north, files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES), "report.csv"))
    page = choose(north, url).get_data(as_text=True)
    offered = selected_options(page, "this-is-0")
    assert "Ann Lee (EX102)" in offered and not any("EX013" in o for o in offered)  # SOUTH's EX013 is not offered
    assert not any("EX038" in o for o in offered)  # only the group's participants
    shown = text_of(choose(north, url, **{"this-is-0": "EX100", "action_": ""}, action="match-0")
                    .get_data(as_text=True))
    assert "facil@partner.example is now an other email of Name EX100 (EX100)" in shown
    assert "Name EX100 (EX100) 17 Apr 2023 Attended 120" in shown
    assert "Facil Itator" not in shown.split("People in the report who are not matched")[-1]
    assert db.session.scalar(select(OtherEmail.email)) == "facil@partner.example"
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "participant"))
    assert (change.actor, change.action) == (FACILITATOR, "update") and "facil@partner.example" in change.after
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0  # the register still waits
    # an address already someone's is refused naming both
    refused = text_of(choose(north, url, **{"this-is-1": "EX102"}, action="match-1").get_data(as_text=True))
    assert ("ex013@example.org is already an address of a participant of another delivery partner: it cannot "
            "also be Ann Lee (EX102)'s") in refused


def selected_options(page: str, name: str) -> list[str]:
    select_ = re.search(r'<select[^>]*name="' + name + r'"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [text_of(label).strip() for label in re.findall(r'<option[^>]*>(.*?)</option>', select_)]


def test_an_address_another_participant_of_the_partner_has_is_refused_naming_both(north):
    url = review_url(upload(north, files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES), "report.csv"))
    choose(north, url, **{"this-is-0": "EX100"}, action="match-0")
    # the same address again, now for EX102: refused, naming EX100
    from tracker.registers.report_reviews import record_other_email
    from tracker.refusal import Refusal
    partner = db.session.scalar(select(Participant.partner_id).where(Participant.participant_id == "EX100"))
    with pytest.raises(Refusal, match=r"Facil@Partner.example is already an address of Name EX100 \(EX100\): it "
                                      r"cannot also be Ann Lee \(EX102\)'s"):
        record_other_email("EX102", "Facil@Partner.example", partner, FACILITATOR)


def test_a_file_that_is_no_report_the_tracker_reads_is_refused_naming_what_it_expected(north):
    before = nothing_written()
    page = text_of(upload(north, "Name\tWhen\nAnn\tMonday\n".encode("utf-16"), "attendance.csv")
                   .get_data(as_text=True))
    assert "This file is not a report the tracker recognises" in page and "Expected a Moodle attendance export" in page
    listed = text_of(upload(north, "Full Name\tUser Action\tTimestamp\nAnn\tJoined\t4/17/23\n".encode("utf-16"),
                            "list.csv").get_data(as_text=True))
    assert "which the tracker does not read" in listed and "download the meeting's attendance report" in listed
    other = text_of(upload(north, files.moodle_completion(["Email address"], COLUMNS, LEARNERS), "p.csv")
                    .get_data(as_text=True))
    assert "This file is a Moodle activity completion report, which holds credits: import it as credits" in other
    assert nothing_written() == before and db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0


def test_a_report_with_no_matching_person_says_so_and_offers_no_confirm(north):
    nobody = [row for row in PARTICIPANTS if "EX0" not in row[0]]
    url = review_url(upload(north, files.teams(SUMMARY, nobody, None), "report.csv"))
    shown = text_of(choose(north, url, groups=()).get_data(as_text=True))
    assert "No one in the report is a participant: there is nothing to import" in shown
    assert "Confirm the register" not in shown
    choose(north, url, groups=(), action="confirm")
    assert nothing_written()[0] == 0


def test_another_partner_cannot_see_or_confirm_a_proposed_register(north, app):
    url = review_url(upload(north, files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES), "report.csv"))
    south = signed_in(app, "lead@south.example")
    assert south.get(url).status_code == 404
    token = south.csrf("/uploads")
    assert south.client.post(url, data={"csrf_token": token, "action": "confirm"}).status_code == 404
    assert nothing_written()[0] == 0
    # nor may the uploader say an attendee is another partner's participant
    shown = text_of(choose(north, url, **{"this-is-1": "EX013"}, action="match-1").get_data(as_text=True))
    assert "Choose a participant of the group" in shown
    assert db.session.scalar(select(func.count()).select_from(OtherEmail)) == 0


def test_an_imported_register_is_opened_from_the_registers_page_and_corrected_by_who_corrects_it(north, app):
    url = review_url(upload(north, files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES), "report.csv"))
    assert choose(north, url, action="confirm").status_code == 302
    lead = signed_in(app, "lead@north.example")
    listing = lead.get("/registers").get_data(as_text=True)
    assert "Registers imported from attendance files" in listing
    form = re.search(r'<form method="post" action="/registers/imported".*?</form>', listing, re.S).group(0)
    fields = dict(re.findall(r'name="(event|cohort|session_date)" value="([^"]+)"', form))
    opened = lead.post("/registers/imported", fields, form_url="/registers")
    assert opened.status_code == 302
    register = opened.headers["Location"]
    session = db.session.scalar(select(RegisterSession))
    assert session.created_by == "lead@north.example" and session.cohort == 4
    page = text_of(lead.get(register).get_data(as_text=True))
    assert "Name EX036" in page and "Name EX100" in page
    # the imported marks now belong to the register: the imported list no longer shows them
    imported = re.search(r'<table class="govuk-table app-table--cards" id="imported-registers">.*?</table>',
                         lead.get("/registers").get_data(as_text=True), re.S).group(0)
    assert "NPQLTD – Block 2" in imported and "NPQLT – Block 2" not in imported  # NPQLTD's is a register of its own
    ex100 = db.session.scalar(select(Participant.id).where(Participant.participant_id == "EX100"))
    saved = lead.post(register, {f"p{ex100}": "attended"}, follow_redirects=True)
    assert "1 mark saved" in text_of(saved.get_data(as_text=True))
    assert ("EX100", 2, "NPQLT Live Webinar", "2023-04-17", "attended", "lead@north.example") in marks()
    assert ("EX036", 2, "NPQLT Live Webinar", "2023-04-17", "attended", FACILITATOR) in marks()  # untouched
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.actor == "lead@north.example")
                                 .order_by(AuditEvent.id)).all()
    assert [(e.action, e.entity) for e in audited] == [("create", "register_session"), ("update", "attendance")]
    # opened again, it is the same register
    assert lead.post("/registers/imported", fields, form_url="/registers").headers["Location"] == register
    # another partner cannot open it
    south = signed_in(app, "lead@south.example")
    assert south.post("/registers/imported", fields, form_url="/registers").status_code == 404
    assert south.get(register).status_code == 404


def test_the_review_lists_a_mark_the_register_would_change_with_who_set_it(north):
    assert import_text("attendance", "participant_id,block,event,session_date,attendance,marked_by",
                       "EX036,2,NPQLT Live Webinar,2023-04-17,absent,lead@north.example").ok
    url = review_url(upload(north, files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES, **TEAMS[next(iter(TEAMS))]),
                            "NPQLT Live Webinar - Attendance report 17-04-23.csv"))
    shown = text_of(choose(north, url).get_data(as_text=True))
    assert "Records it would change" in shown
    assert re.search(r"EX036 .*NPQLT Block 2 NPQLT Live Webinar, 17 April 2023 absent \(marked by "
                     r"lead@north\.example\) attended", shown), shown[shown.find("Records it would change"):][:600]
