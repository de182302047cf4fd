"""Partner A signed in tries every partner-B URL the app has: each is a 404 (or 403 for EDT's
pages), nothing of B's shows, and nothing of B's changes. A new route with a parameter this
test does not know how to fill makes it fail, so isolation is checked by construction."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models.dfe import DfeEnrolment
from tracker.models import (
    Activity, AuditEvent, Block, Course, DeliveryPartner, EmailBatch, EmailSent, Job, Participant, PartnershipMeeting,
    PendingUpload, RegisterEntry, RegisterSession, User, WithdrawalRequest,
)
from tracker.web.access import PUBLIC

from ..factories import gen_participant


@pytest.fixture()
def south_records(two_partners):
    """Records that belong to SOUTH: a participant, a register, an upload, a withdrawal proposal."""
    gen_participant("S002", partner="SOUTH", course="NPQLT", cohort=3)
    south = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == "SOUTH"))
    s001 = db.session.scalar(select(Participant).where(Participant.participant_id == "S001"))
    event = db.session.scalar(
        select(Activity).join(Block).join(Course)
        .where(Course.code == "NPQLT", Block.number == 1, Activity.component == "training-event").limit(1)
    )
    register = RegisterSession(partner_id=south.id, activity_id=event.id, cohort=3, session_date=date(2022, 11, 10),
                               created_by="lead@south.example", created_at=datetime(2022, 11, 10))
    db.session.add(register)
    lead = db.session.scalar(select(User).where(User.email == "lead@south.example"))
    upload = PendingUpload(token="south-upload-token", kind="credits", filename="south.csv", content=b"x",
                           user_id=lead.id, partner_id=south.id, created_at=datetime(2026, 11, 24))
    proposal = WithdrawalRequest(participant_id=s001.id, proposed_on=date(2026, 11, 1), reason="other", note="",
                                 proposed_by="lead@south.example")
    meeting = PartnershipMeeting(partner_id=south.id, meeting_date=date(2026, 12, 1), note="South only")
    emails = EmailBatch(token="south-email-token", partner_id=south.id, sent_by=lead.email,
                        started_at=datetime(2026, 11, 24), requested=1)
    job = Job(kind="partnership-report", params='{"date": "2026-12-01", "partner": "SOUTH"}', partner_id=south.id,
              started_by=lead.email, state="failed", error="South's job stopped", created_at=datetime(2026, 11, 24))
    # DfE lists SOUTH's participant; only EDT's DfE page shows DfE's enrolments
    enrolment = DfeEnrolment(dfe_participant_id="5a0b6c1d-0000-4000-8000-000000000001", full_name="Name S001",
                             email="s001@example.org", course_identifier="npq-senior-leadership", participant_id=s001.id)
    db.session.add_all([upload, proposal, meeting, emails, job, enrolment])
    db.session.flush()
    db.session.add(EmailSent(batch_id=emails.id, participant_id=s001.id, to_address="s001@example.org",
                             subject="South's email", sent=True, at=datetime(2026, 11, 24)))
    db.session.commit()
    return {
        "meeting_id": meeting.id,
        "participant_id": "S001",
        "session_id": register.id,
        "token": upload.token,
        "proposal_id": proposal.id,
        "user_id": lead.id,
        "batch_id": emails.id,
        "job_id": job.id,
        "enrolment_id": enrolment.id,
        # Reference data is shared by all partners (and only EDT may open these pages):
        "code": "NPQLT", "activity_id": event.id, "number": 1, "cohort": 3, "group": "specialist",
        "output": 1, "kind": "started", "block": 1,
    }


def _south_state():
    return (
        db.session.scalar(select(func.count()).select_from(RegisterEntry)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
        db.session.scalar(select(func.count()).select_from(PendingUpload)),
        tuple(db.session.execute(select(Participant.participant_id, Participant.status)).all()),
        tuple(db.session.execute(select(WithdrawalRequest.state)).scalars()),
    )


def _routes(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in ("static", "auth.sign_out") or view.access_rule == PUBLIC:
            continue  # signing out would end the attack early; it touches no partner's data
        yield rule, view.access_rule


def test_a_partner_user_cannot_reach_any_of_another_partners_records(app, as_north_lead, south_records):
    before = _south_state()
    token = as_north_lead.csrf("/dashboard")
    checked = 0
    for rule, allowed in _routes(app):
        unknown = set(rule.arguments) - set(south_records)
        assert not unknown, f"{rule.rule}: teach this test how to fill {unknown}"
        url = rule.build({name: south_records[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            send = as_north_lead.client.get if method == "GET" else as_north_lead.client.post
            data = {"csrf_token": token} if method == "POST" else None
            query = "" if rule.arguments or method == "POST" else "?partner=SOUTH"
            response = send(url + query, data=data)
            body = response.get_data(as_text=True)
            if "partner-lead" not in allowed:
                assert response.status_code == 403, f"{method} {url}: {response.status_code}"
            elif rule.arguments & {"participant_id", "session_id", "token", "proposal_id", "user_id", "batch_id",
                                   "job_id"}:
                assert response.status_code == 404, f"{method} {url}: {response.status_code}"
            else:
                assert response.status_code in (200, 302, 404), f"{method} {url}{query}: {response.status_code}"
            assert not re.search(r"\bS00[12]\b|Name S00", body), f"{method} {url}{query} shows SOUTH's participant"
            assert "for SOUTH" not in body and "South's job" not in body, f"{method} {url}{query} shows SOUTH's job"
            checked += 1
    assert checked > 40
    assert _south_state() == before


def test_an_upload_job_shows_to_its_partner_with_the_preview_for_its_uploader_only_and_to_edt(
        app, two_partners, monkeypatch):
    """A large upload's check job: NORTH's lead (who uploaded) sees the job and the file's preview with
    Confirm; NORTH's facilitator and EDT see the job, not the preview; SOUTH's lead sees neither."""
    from .conftest import signed_in
    from .test_uploads import GOOD_ROWS, csv_bytes, text_of, upload

    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    monkeypatch.setitem(app.config, "UPLOAD_JOB_BYTES", 100)
    uploader = signed_in(app, "lead@north.example")
    job_url = upload(uploader, csv_bytes(*GOOD_ROWS)).headers["Location"]
    token = db.session.scalar(select(PendingUpload.token))
    page = uploader.get(job_url).get_data(as_text=True)
    assert "Would create 3" in text_of(page) and "Confirm import" in page
    for email, status, listed in (("facilitator@north.example", 200, True), ("staff@edt.example", 200, True),
                                  ("lead@south.example", 404, False)):
        browser = signed_in(app, email)
        response = browser.get(job_url)
        body = response.get_data(as_text=True)
        assert response.status_code == status, email
        assert "Confirm import" not in body and token not in body and "Would create" not in body, email
        assert ("Checking credits.csv" in browser.get("/jobs/").get_data(as_text=True)) is listed, email
        assert browser.get(f"/uploads/{token}").status_code == 404, email
        confirm = browser.post(f"/uploads/{token}/confirm", form_url="/uploads")
        assert confirm.status_code == 404, email
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1  # nobody else started an import


def test_a_partner_cannot_review_confirm_or_match_on_another_partners_report_nor_open_their_imported_register(
        app, two_partners, monkeypatch):
    """SOUTH's proposed register (a Teams report SOUTH's lead uploaded) is a 404 to NORTH, whatever is
    posted; NORTH's own review offers only NORTH's participants for "This is ..."; SOUTH's imported
    register cannot be opened from NORTH."""
    from ..imports.reports import files
    from ..imports.reports.test_cli_attendance import ACTIVITIES, PARTICIPANTS, SUMMARY
    from .conftest import signed_in
    from .test_report_uploads import review_url, selected_options, upload

    monkeypatch.setitem(app.config, "TODAY", "2023-05-10")
    gen_participant("S004", partner="SOUTH", course="NPQLT", cohort=4)
    gen_participant("N004", partner="NORTH", course="NPQLT", cohort=4)
    report = files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES)
    south, north = signed_in(app, "lead@south.example"), signed_in(app, "lead@north.example")
    url = review_url(upload(south, report, "south.csv"))
    before = _south_state()
    token = north.csrf("/uploads")
    for action in ("update", "confirm", "match-0"):
        response = north.client.post(url, data={"csrf_token": token, "action": action, "this-is-0": "N004"})
        assert response.status_code == 404 and "S004" not in response.get_data(as_text=True)
    assert north.get(url).status_code == 404
    assert _south_state() == before
    own = north.get(review_url(upload(north, report, "north.csv"))).get_data(as_text=True)
    offered = selected_options(own, "this-is-0")
    assert any("N004" in option for option in offered) and not any("S00" in option for option in offered)
    s004 = db.session.scalar(select(Participant.id).where(Participant.participant_id == "S004"))
    event = db.session.scalar(select(Activity.id).join(Block).join(Course).where(
        Course.code == "NPQLT", Block.number == 2, Activity.title == "NPQLT Live Webinar"))
    db.session.add(RegisterEntry(participant_id=s004, activity_id=event, session_date=date(2023, 4, 17),
                                 mark="attended", marked_by="command line"))
    db.session.commit()
    fields = {"event": str(event), "cohort": "4", "session_date": "2023-04-17", "partner": "SOUTH"}
    assert north.post("/registers/imported", fields, form_url="/registers").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(RegisterSession)) == 0
