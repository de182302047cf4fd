"""EDT staff record a participant's summative assessment in the browser and see the final output."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tracker.engagement.book import Book
from tracker.extensions import db
from tracker.models import AssessmentRecord, AuditEvent

from ..factories import import_text

URL = "/assessments/N001/new"


def every_credit(ref: str, course: str, on: str) -> tuple[str, ...]:
    """Credit rows for every activity of the course with known credits, all completed on one day."""
    rows = []
    for (block, _), activity in sorted(Book().by_code[course].activities.items(), key=lambda i: i[1].id):
        if activity.credits is not None:
            out = io.StringIO()
            csv.writer(out).writerow([ref, block, activity.title, on])
            rows.append(out.getvalue().strip())
    return tuple(rows)


@pytest.fixture()
def ready_for_assessment(app, two_partners, monkeypatch):
    """N001 (NPQLT, cohort 3) has met outputs 1 and 2 and all credits; only the assessment is missing."""
    monkeypatch.setitem(app.config, "TODAY", "2024-03-05")
    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,1,NPQLT F2F Training Session,2022-11-01,attended").ok
    assert import_text("credits", "participant_id,block,activity,completed_on", *every_credit("N001", "NPQLT", "2023-01-10")).ok
    return two_partners


@pytest.fixture()
def as_staff(app, ready_for_assessment):
    from .conftest import signed_in

    return signed_in(app, "staff@edt.example")


def test_a_partner_user_cannot_record_assessments(as_north_lead):
    assert as_north_lead.get("/assessments").status_code == 403
    assert as_north_lead.get(URL).status_code == 403


def test_staff_record_a_moderated_pass_and_see_the_final_output_met(as_staff):
    page = as_staff.get(URL).get_data(as_text=True)
    assert "Not met" in page or "Pending" in page
    response = as_staff.post(URL, {"status": "moderated", "result": "pass", "recorded_on": ["1", "3", "2024"]})
    assert response.status_code == 302
    page = as_staff.get(URL).get_data(as_text=True)
    assert "Assessment for N001 recorded. Final output: met late (met on 2024-03-01)." in page
    stored = db.session.scalars(select(AssessmentRecord)).all()
    assert [(r.status, r.result, r.recorded_on.isoformat()) for r in stored] == [("moderated", "pass", "2024-03-01")]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "assessments"))
    assert event.action == "create" and event.actor == "staff@edt.example" and '"pass"' in event.after


def test_the_same_participant_and_date_again_updates_that_record(as_staff):
    as_staff.post(URL, {"status": "marked", "result": "fail", "recorded_on": ["1", "3", "2024"]})
    as_staff.post(URL, {"status": "moderated", "result": "fail", "recorded_on": ["1", "3", "2024"]})
    stored = db.session.scalars(select(AssessmentRecord)).all()
    assert [(r.status, r.result) for r in stored] == [("moderated", "fail")]
    assert "Final output: met late" in as_staff.get(URL).get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "assessments").order_by(AuditEvent.id)).all()
    assert actions == ["create", "update"]


def test_an_assessment_dated_in_the_future_is_refused(as_staff):
    response = as_staff.post(URL, {"status": "submitted", "result": "", "recorded_on": ["6", "3", "2024"]})
    assert response.status_code == 200
    assert "2024-03-06 is in the future" in response.get_data(as_text=True)
    assert db.session.scalar(select(AssessmentRecord.id)) is None


def test_a_result_needs_the_assessment_marked_or_moderated(as_staff):
    response = as_staff.post(URL, {"status": "submitted", "result": "pass", "recorded_on": ["1", "3", "2024"]})
    assert "A result needs status marked or moderated, not submitted" in response.get_data(as_text=True)
    assert db.session.scalar(select(AssessmentRecord.id)) is None


def test_the_status_and_date_are_required(as_staff):
    page = as_staff.post(URL, {}).get_data(as_text=True)
    assert "Choose the assessment status" in page and "Enter the date recorded" in page


def test_the_assessments_page_lists_recent_records_and_finds_a_participant(as_staff):
    as_staff.post(URL, {"status": "submitted", "result": "", "recorded_on": ["1", "2", "2024"]})
    page = as_staff.get("/assessments").get_data(as_text=True)
    assert "Name N001 (N001)" in page and "Submitted" in page
    found = as_staff.get("/assessments?participant_id=S001")
    assert found.status_code == 302 and found.headers["Location"].endswith("/assessments/S001/new")
    missing = as_staff.get("/assessments?participant_id=NOBODY").get_data(as_text=True)
    assert "There is no participant with the ID NOBODY" in missing


def test_an_unknown_participant_is_not_found(as_staff):
    assert as_staff.get("/assessments/NOBODY/new").status_code == 404
