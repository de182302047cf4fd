"""EDT's DfE page: an admin syncs with DfE (a job), sees DfE's enrolments the tracker lacks and the
tracker's active participants DfE lacks, adds one of DfE's to the tracker for a partner, and chooses a
partner's DfE id from DfE's list; the declarations page gives the next cut-off. Partner users never
reach it. Against the stand-in API on loopback; jobs run at once in the test's process."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, DeliveryPartner, Job, Participant

from ..declarations.stand_in import dfe  # noqa: F401  (fixture)
from .test_uploads import text_of


def synced(browser, dfe):  # noqa: F811
    n001 = dfe.enrol("Name N001", "n001@example.org", "npq-leading-teaching", schedule="npq-specialist-autumn",
                     cohort=2022)
    dana = dfe.enrol("Dana New", "dana@new.example", "npq-headship", schedule="npq-leadership-autumn", cohort=2022)
    hub = dfe.add_delivery_partner("North hub at DfE", [2024])
    dfe.add_statement("December", 2026, 2024, "2026-11-20", "2026-12-24")
    dfe.add_statement("January", 2027, 2024, "2026-12-31", "2027-01-25")
    result = browser.post("/dfe/sync", {}, form_url="/dfe")
    assert result.status_code == 302 and result.headers["Location"].startswith("/jobs/")
    job = db.session.scalar(select(Job))
    assert (job.kind, job.state) == ("dfe-sync", "done")
    assert "2 of DfE's enrolments read; 1 matched" in text_of(browser.get(result.headers["Location"]).get_data(
        as_text=True))
    return {"N001": n001, "dana": dana, "hub": hub}


def test_an_admin_syncs_then_sees_who_differs_and_adds_dfes_participant_for_a_partner(as_edt_admin, dfe):  # noqa: F811
    ids = synced(as_edt_admin, dfe)
    page = as_edt_admin.get("/dfe").get_data(as_text=True)
    words = text_of(page)
    assert "At DfE, not in the tracker (1)" in words and "Dana New" in words and ids["dana"] in words
    assert "Active in the tracker, not at DfE (1)" in words and "S001" in words
    assert "Last synced with DfE" in words
    enrolment = page.split('id="enrolment-')[1].split('"')[0]
    refused = as_edt_admin.post(f"/dfe/enrolments/{enrolment}/add", {"partner": "", "participant_id": "N900"},
                                form_url="/dfe")
    assert "Choose the delivery partner of Dana New" in text_of(as_edt_admin.get(refused.headers["Location"])
                                                                .get_data(as_text=True))
    taken = as_edt_admin.post(f"/dfe/enrolments/{enrolment}/add", {"partner": "NORTH", "participant_id": "n001"},
                              form_url="/dfe")
    assert "n001 is already a participant" in text_of(as_edt_admin.get(taken.headers["Location"])
                                                      .get_data(as_text=True))
    added = as_edt_admin.post(f"/dfe/enrolments/{enrolment}/add", {"partner": "NORTH", "participant_id": "N900"},
                              form_url="/dfe")
    assert added.headers["Location"] == "/participants/N900"
    dana = db.session.scalar(select(Participant).where(Participant.participant_id == "N900"))
    assert (dana.full_name, dana.email, dana.partner.code, dana.course.code, dana.cohort, dana.dfe_participant_id,
            dana.dfe_schedule_identifier, dana.dfe_cohort) == (
        "Dana New", "dana@new.example", "NORTH", "NPQH", 3, ids["dana"], "npq-leadership-autumn", 2022)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.participant_id == dana.id))
    assert "At DfE, not in the tracker (0)" in text_of(as_edt_admin.get("/dfe").get_data(as_text=True))


def test_an_admin_chooses_a_partners_dfe_id_from_dfes_list(as_edt_admin, dfe):  # noqa: F811
    ids = synced(as_edt_admin, dfe)
    result = as_edt_admin.post("/dfe/partners", {"partner": "SOUTH", "dfe_id": ids["hub"]}, form_url="/dfe")
    assert result.status_code == 302
    south = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == "SOUTH"))
    assert (south.dfe_id, south.dfe_cohorts) == (ids["hub"], "2024")
    not_listed = as_edt_admin.post("/dfe/partners", {"partner": "SOUTH", "dfe_id": "made-up"}, form_url="/dfe")
    assert "Choose one of DfE's delivery partners" in text_of(as_edt_admin.get(not_listed.headers["Location"])
                                                              .get_data(as_text=True))
    assert db.session.scalar(select(DeliveryPartner.dfe_id).where(DeliveryPartner.code == "SOUTH")) == ids["hub"]


def test_the_declarations_page_gives_the_next_cut_off(as_edt_admin, dfe):  # noqa: F811
    assert "DfE's next cut-off date is not known" in text_of(as_edt_admin.get("/declarations").get_data(as_text=True))
    synced(as_edt_admin, dfe)
    words = text_of(as_edt_admin.get("/declarations").get_data(as_text=True))
    assert "Send by 31 December 2026 to be paid in January 2027" in words


def test_edt_staff_see_the_page_without_its_buttons_and_partner_users_never_reach_it(
        as_edt_staff, as_north_lead, as_facilitator):
    page = as_edt_staff.get("/dfe").get_data(as_text=True)
    assert "Sync with DfE" not in page and "Add to the tracker" not in text_of(page)
    for browser in (as_north_lead, as_facilitator):
        assert browser.get("/dfe").status_code == 403
        assert browser.post("/dfe/sync", {}, form_url="/dashboard").status_code == 403
    assert db.session.scalar(select(Job)) is None
