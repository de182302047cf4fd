"""EDT schedules partnership meetings; partners see their own; gaps before review dates are flagged; iCalendar."""
from __future__ import annotations

import re
from datetime import date

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


def test_a_meeting_has_a_start_time_length_and_online_link_shown_and_in_the_calendar(app, two_partners):
    staff = signed_in(app, "staff@edt.example")
    link = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=x"
    assert staff.post("/meetings/new", {"partner": "NORTH", "meeting_date": ["10", "5", "2023"], "note": "Spring",
                                        "start_time": "2:30pm", "minutes": "90", "online_link": link}).status_code == 302
    meeting = db.session.scalars(select(PartnershipMeeting)).one()
    assert (meeting.start_time.isoformat(), meeting.minutes, meeting.online_link) == ("14:30:00", 90, link)
    lead = signed_in(app, "lead@north.example")
    page = lead.get("/meetings").get_data(as_text=True)
    assert "10 May 2023<br><span class=\"govuk-body-s\">2:30pm to 4pm</span>" in page
    assert f'href="{link.replace("&", "&amp;")}"' in page and "Join online" in page
    calendar = Calendar.from_ical(lead.get("/meetings/NORTH.ics").data)
    event = next(e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Partnership meeting: NORTH and EDT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.isoformat() == "2023-05-10T14:30:00+01:00" and (end - start).seconds == 90 * 60  # BST
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["url"]) == link and str(event["location"]) == link
    assert link in str(event["description"]) and "Spring" in str(event["description"])
    # Moved to an hour in the morning, without a link: the calendar follows
    assert staff.post(f"/meetings/{meeting.id}", {"meeting_date": ["11", "5", "2023"], "start_time": "09:00",
                                                   "minutes": "", "online_link": "", "note": ""}).status_code == 302
    event = next(e for e in Calendar.from_ical(lead.get("/meetings/NORTH.ics").data).walk("VEVENT")
                 if str(e["summary"]).startswith("Partnership meeting"))
    assert event.decoded("dtstart").isoformat() == "2023-05-11T09:00:00+01:00"
    assert (event.decoded("dtend") - event.decoded("dtstart")).seconds == 3600 and "url" not in event
    moved = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "move-meeting")).one()
    assert '"start_time": "09:00"' in moved.after and '"start_time": "14:30"' in moved.before


@pytest.mark.parametrize("field, value, message", [
    ("start_time", "25:00", "Enter the start time like 14:30 or 2:30pm"),
    ("start_time", "soon", "Enter the start time like 14:30 or 2:30pm"),
    ("minutes", "ninety", "Enter the length in minutes, a whole number from 1 to 480"),
    ("online_link", "javascript:alert(1)", "Enter the online link as a full web address starting https://"),
    ("online_link", "teams meeting", "Enter the online link as a full web address starting https://"),
])
def test_a_bad_time_length_or_link_is_refused_in_words(app, two_partners, field, value, message):
    staff = signed_in(app, "staff@edt.example")
    data = {"partner": "NORTH", "meeting_date": ["10", "5", "2023"], "start_time": "14:00", "minutes": "",
            "online_link": "", field: value}
    page = staff.post("/meetings/new", data).get_data(as_text=True)
    assert message in page
    assert db.session.scalars(select(PartnershipMeeting)).all() == []


def test_a_meeting_without_a_time_stays_an_all_day_event(app, two_partners):
    schedule(signed_in(app, "staff@edt.example"))
    calendar = Calendar.from_ical(signed_in(app, "lead@north.example").get("/meetings/NORTH.ics").data)
    event = next(e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Partnership meeting"))
    assert event.decoded("dtstart").isoformat() == "2023-05-10" and event.decoded("dtend").isoformat() == "2023-05-11"


def test_the_calendar_holds_only_the_review_dates_from_today(app, two_partners, monkeypatch):
    lead = signed_in(app, "lead@north.example")
    every = {e.decoded("dtstart") for e in Calendar.from_ical(lead.get("/meetings/NORTH.ics").data).walk("VEVENT")
             if str(e["summary"]).startswith("Review date")}
    assert every and min(every).isoformat() >= "2023-01-10"  # the suite's day here: new_year
    assert date(2022, 12, 13) not in every and date(2023, 6, 22) in every  # cohort 3 Output 1 was in December

    def reviews_on(day: str) -> set:
        monkeypatch.setitem(app.config, "TODAY", day)
        return {e.decoded("dtstart") for e in Calendar.from_ical(lead.get("/meetings/NORTH.ics").data).walk("VEVENT")
                if str(e["summary"]).startswith("Review date")}

    assert reviews_on("2023-06-22") == every  # a review date today is still in
    assert reviews_on("2023-06-23") == every - {date(2023, 6, 22)}
