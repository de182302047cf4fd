"""A delivery partner or EDT downloads the partnership-meeting report from the browser."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tracker.formats import long_date
from tracker.models import DeliveryPartner, PartnershipMeeting

from ..clock import TODAY


def made_report(browser, url: str):
    """Asks for the report, follows to its job's page (the job ran at once: tests/conftest.py) and
    downloads what it made."""
    asked = browser.get(url)
    assert asked.status_code == 302 and "/jobs/" in asked.headers["Location"], asked.status_code
    page = browser.get(asked.headers["Location"]).get_data(as_text=True)
    link = re.search(r'id="result" href="([^"]+)"', page)
    assert link, page
    return browser.get(link.group(1))


def test_a_partner_lead_downloads_their_partnership_report(as_north_lead):
    page = as_north_lead.get("/reports/")
    assert page.status_code == 200 and "Partnership meeting report" in page.get_data(as_text=True)
    response = made_report(as_north_lead, "/reports/partnership.pdf?partner=NORTH&date=24&date=11&date=2026")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "partnership-report-NORTH-2026-11-24.pdf" in response.headers["Content-Disposition"]


def test_the_meeting_date_is_asked_as_day_month_year_like_every_other_date(as_north_lead, session):
    north = session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == "NORTH"))
    next_meeting = TODAY + timedelta(days=9)
    session.add(PartnershipMeeting(partner_id=north.id, meeting_date=TODAY - timedelta(days=20)))
    session.add(PartnershipMeeting(partner_id=north.id, meeting_date=next_meeting))
    session.commit()
    page = as_north_lead.get("/reports/").get_data(as_text=True)
    assert '<legend class="govuk-fieldset__legend">' in page and "Meeting date" in page
    boxes = dict(re.findall(r'id="(date-(?:day|month|year))" name="date" type="text"[^>]*value="([^"]*)"', page))
    assert boxes == {"date-day": f"{next_meeting.day:02}", "date-month": f"{next_meeting.month:02}",
                     "date-year": str(next_meeting.year)}, boxes  # the next meeting, not the last one


def test_a_saved_link_with_a_yyyy_mm_dd_date_still_downloads(as_north_lead):
    response = made_report(as_north_lead, "/reports/partnership.pdf?partner=NORTH&date=2026-11-24")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_partner_cannot_download_another_partners_report(as_north_lead):
    assert as_north_lead.get("/reports/partnership.pdf?partner=SOUTH&date=24&date=11&date=2026").status_code == 404


def test_edt_staff_can_download_any_partners_report(as_edt_staff):
    response = made_report(as_edt_staff, "/reports/partnership.pdf?partner=SOUTH&date=24&date=11&date=2026")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_bad_meeting_date_is_explained_and_linked_to_its_day_box(as_north_lead):
    response = as_north_lead.get("/reports/partnership.pdf?partner=NORTH&date=31&date=2&date=2026")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<a href="#date-day">The meeting date must be a real date, like 27 3 2023</a>' in page
    assert '<title>Error: Partnership meeting report' in page
    empty = as_north_lead.get("/reports/partnership.pdf?partner=NORTH&date=&date=&date=").get_data(as_text=True)
    assert '<a href="#date-day">Enter the meeting date</a>' in empty


def test_the_form_says_the_report_is_worked_out_as_of_the_meeting_date(as_north_lead, session):
    north = session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == "NORTH"))
    session.add(PartnershipMeeting(partner_id=north.id, meeting_date=TODAY + timedelta(days=10), note="Spring"))
    session.commit()
    page = " ".join(re.sub(r"<[^>]+>", " ", as_north_lead.get("/reports/").get_data(as_text=True)).split())
    page = page.replace(" :", ":")
    assert "The report is worked out as of the meeting date" in page
    assert f"from the evidence recorded by today ({long_date(TODAY)})" in page
    assert "Meeting date The report is worked out as of this date." in page  # the date boxes' hint
    ahead = long_date(TODAY + timedelta(days=10))
    assert f"Report for the meeting on {ahead} (Spring): as of {ahead}, 10 days from today" in page
