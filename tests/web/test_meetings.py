"""EDT schedules partnership meetings; partners see their own; gaps before review dates are flagged; iCalendar."""
from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, PartnershipMeeting

from .conftest import signed_in
from .test_reports_web import made_report


@pytest.fixture(autouse=True)
def new_year(app, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-01-10")


def schedule(browser, partner="NORTH", day=("10", "5", "2023"), note="Spring review"):
    return browser.post("/meetings/new", {"partner": partner, "meeting_date": list(day), "note": note})


def test_edt_schedules_moves_and_cancels_a_meeting_and_each_step_is_audited(app, two_partners):
    staff = signed_in(app, "staff@edt.example")
    page = staff.get("/meetings").get_data(as_text=True)
    assert "No partnership meeting is scheduled." in page
    assert "NORTH has no meeting in the 42 days before 22 June 2023" in page  # cohort 3 Output 2 review

    assert schedule(staff).status_code == 302
    meeting = db.session.scalars(select(PartnershipMeeting)).one()
    assert "NORTH has no meeting in the 42 days before 22 June 2023" in staff.get("/meetings").get_data(as_text=True)
    moved = staff.post(f"/meetings/{meeting.id}", {"meeting_date": ["1", "6", "2023"], "note": "Moved for half term"})
    assert moved.status_code == 302
    page = staff.get("/meetings").get_data(as_text=True)
    assert "NORTH has no meeting in the 42 days before 22 June 2023" not in page
    assert "NORTH has no meeting in the 42 days before 22 February 2024" in page
    assert "1 June 2023" in page and "Moved for half term" in page

    assert "Cancel this meeting" in staff.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    cancelled = staff.post(f"/meetings/{meeting.id}/cancel", {"note": "Partner lead ill"})
    assert cancelled.status_code == 302
    db.session.expire_all()
    assert db.session.get(PartnershipMeeting, meeting.id).cancelled_at is not None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "partnership_meeting")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["schedule-meeting", "move-meeting", "cancel-meeting"]
    lead = signed_in(app, "lead@north.example")
    assert "1 June 2023" not in lead.get("/dashboard").get_data(as_text=True)


def test_a_partner_sees_its_own_meetings_on_the_page_and_the_dashboard(app, two_partners):
    staff = signed_in(app, "staff@edt.example")
    schedule(staff, "NORTH", ("10", "5", "2023"), "North spring")
    schedule(staff, "SOUTH", ("11", "5", "2023"), "South spring")
    lead = signed_in(app, "lead@north.example")
    page = lead.get("/meetings").get_data(as_text=True)
    assert "North spring" in page and "South spring" not in page
    assert "has no meeting in the 42 days" not in page  # warnings are for EDT
    assert "10 May 2023" in lead.get("/dashboard").get_data(as_text=True)
    assert lead.get("/meetings/new").status_code == 403
    assert lead.get("/meetings/SOUTH.ics").status_code == 404
    report = lead.get("/reports/?partner=NORTH").get_data(as_text=True)
    boxes = dict(re.findall(r'id="(date-(?:day|month|year))" name="date" type="text"[^>]*value="([^"]*)"', report))
    assert boxes == {"date-day": "10", "date-month": "05", "date-year": "2023"}, boxes  # the next meeting


def test_the_calendar_file_has_the_meetings_and_the_review_dates(app, two_partners):
    schedule(signed_in(app, "staff@edt.example"))
    response = signed_in(app, "lead@north.example").get("/meetings/NORTH.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events["Partnership meeting: NORTH and EDT"].isoformat() == "2023-05-10"
    assert events["Review date: cohort 3 specialist Output 2"].isoformat() == "2023-06-22"


def test_a_meeting_without_a_date_is_refused(app, two_partners):
    staff = signed_in(app, "staff@edt.example")
    page = staff.post("/meetings/new", {"partner": "NORTH", "meeting_date": ["", "", ""]}).get_data(as_text=True)
    assert "Enter the meeting date" in page
    assert db.session.scalars(select(PartnershipMeeting)).all() == []


def test_the_report_page_offers_a_report_for_each_recent_and_coming_meeting(app, two_partners):
    staff = signed_in(app, "staff@edt.example")
    for day, note in ((("1", "12", "2022"), "Autumn"), (("10", "5", "2023"), "Spring"), (("5", "7", "2023"), "Summer"),
                      (("1", "10", "2022"), "Too long ago")):
        assert schedule(staff, "NORTH", day, note).status_code == 302
    schedule(staff, "SOUTH", ("11", "5", "2023"), "South spring")
    lead = signed_in(app, "lead@north.example")
    page = lead.get("/reports/?partner=NORTH").get_data(as_text=True)
    links = re.findall(r'href="(/reports/partnership.pdf\?[^"]+)">Report for the meeting on ([^<]+)</a>', page)
    assert [text for _, text in links] == ["1 December 2022", "10 May 2023", "5 July 2023"]
    assert "South spring" not in page and "Too long ago" not in page
    response = made_report(lead, links[1][0].replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "partnership-report-NORTH-2023-05-10.pdf" in response.headers["Content-Disposition"]
    db.session.execute(PartnershipMeeting.__table__.delete().where(PartnershipMeeting.note == "South spring"))
    db.session.commit()
    assert "No meeting is scheduled for SOUTH" in signed_in(app, "lead@south.example").get("/reports/").get_data(as_text=True)
