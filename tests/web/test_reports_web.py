"""A delivery partner or EDT downloads the partnership-meeting report from the browser."""
from __future__ import annotations


def test_a_partner_lead_downloads_their_partnership_report(as_north_lead):
    page = as_north_lead.get("/reports/")
    assert page.status_code == 200 and "Partnership meeting report" in page.get_data(as_text=True)
    response = as_north_lead.get("/reports/partnership.pdf?partner=NORTH&date=2026-11-24")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "partnership-report-NORTH-2026-11-24.pdf" in response.headers["Content-Disposition"]


def test_a_partner_cannot_download_another_partners_report(as_north_lead):
    assert as_north_lead.get("/reports/partnership.pdf?partner=SOUTH&date=2026-11-24").status_code == 404


def test_edt_staff_can_download_any_partners_report(as_edt_staff):
    response = as_edt_staff.get("/reports/partnership.pdf?partner=SOUTH&date=2026-11-24")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_bad_meeting_date_is_explained(as_north_lead):
    response = as_north_lead.get("/reports/partnership.pdf?partner=NORTH&date=24/11/2026")
    assert response.status_code == 200
    assert "Enter the meeting date as YYYY-MM-DD" in response.get_data(as_text=True)
