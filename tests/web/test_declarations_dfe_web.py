"""EDT admins send declarations to DfE from the page: a confirmation naming how many, then the send
job's page with its counts and a result per declaration; fetch DfE's changes (a job too); void one.
Against the stand-in API on loopback; jobs run at once in the test's process."""
from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select, update

from tracker.extensions import db
from tracker.jobs import kinds, start
from tracker.models import DeclarationRecord, Job

from bench.dfe_stand_in import TOKEN

from ..declarations.stand_in import dfe  # noqa: F401  (fixture)
from ..factories import give_dfe_ids, ref_of
from ..test_examples import example_dataset  # noqa: F401  (fixture)
from .test_uploads import text_of

AS_OF = "2023-03-01"


@pytest.fixture()
def admin(app, example_dataset, two_partners, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "TODAY", AS_OF)
    give_dfe_ids()
    from .conftest import signed_in

    return signed_in(app, "admin@edt.example")


def test_edt_staff_who_are_not_admins_cannot_send(as_edt_staff):
    assert as_edt_staff.get("/declarations/submit").status_code == 403
    assert "Send the declarations to send to DfE" not in as_edt_staff.get("/declarations").get_data(as_text=True)


def test_an_admin_confirms_how_many_are_sent_then_the_send_jobs_page_counts_them_and_lists_each(admin, dfe):
    count = len(admin.get("/declarations/declarations.jsonl?partner=NORTH").get_data(as_text=True).splitlines())
    confirm = admin.get("/declarations/submit?partner=NORTH").get_data(as_text=True)
    assert f"{count} declarations will be sent to DfE for NORTH" in confirm
    assert dfe.received == []
    first = json.loads(admin.get("/declarations/declarations.jsonl?partner=NORTH").get_data(as_text=True).splitlines()[0])
    ref = ref_of(first["data"]["attributes"]["participant_id"])
    kind = first["data"]["attributes"]["declaration_type"]
    dfe.refuse[(first["data"]["attributes"]["participant_id"], kind)] = ["The participant is not eligible"]
    result = admin.post("/declarations/submit?partner=NORTH", {}, form_url="/declarations/submit?partner=NORTH")
    assert result.status_code == 302 and result.headers["Location"].startswith("/jobs/")
    job = db.session.scalar(select(Job))
    assert (job.kind, job.partner_id, job.started_by) == ("declarations-to-dfe", None, "admin@edt.example")
    page = admin.get(result.headers["Location"]).get_data(as_text=True)
    assert f"{count - 1} of {count} declarations sent; 1 refused by DfE." in page
    assert "Declarations of NORTH sent to DfE" in page
    outcomes = admin.get(f"/jobs/{job.id}/result").get_data(as_text=True)
    assert outcomes.count(",sent,") == count - 1
    assert f"{ref},{kind},refused,The participant is not eligible" in outcomes
    assert len([r for r in dfe.received if r["method"] == "POST"]) == count
    again = admin.get("/declarations/submit?partner=NORTH").get_data(as_text=True)
    assert "1 declaration will be sent to DfE for NORTH" in again
    assert TOKEN not in page and TOKEN not in again and TOKEN not in outcomes


def test_an_admin_fetches_dfes_changes_through_a_job_and_voids_a_declaration(admin, dfe):
    admin.post("/declarations/submit?partner=SOUTH", {}, form_url="/declarations/submit?partner=SOUTH")
    dfe_id = next(iter(dfe.declarations))
    dfe.set_state(dfe_id, "paid")
    response = admin.post("/declarations/refresh", {}, form_url="/declarations")
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{len(dfe.declarations)} of DfE&#39;s declarations read; 1 changed." in page
    record = db.session.scalar(select(DeclarationRecord).where(DeclarationRecord.dfe_id == dfe_id))
    assert record.state == "paid"
    ref = ref_of(dfe.declarations[dfe_id]["attributes"]["participant_id"])
    kind = dfe.declarations[dfe_id]["attributes"]["declaration_type"]
    url = f"/declarations/{ref}/{kind}"
    assert "Void this declaration at DfE" in admin.get(url).get_data(as_text=True)
    assert admin.post(url + "/void", {}, form_url=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(DeclarationRecord, record.id).state == "awaiting-clawback"
    assert "Awaiting clawback" in admin.get(url).get_data(as_text=True)
    assert db.session.scalar(select(Job.kind).order_by(Job.id.desc()).limit(1)) == "void-at-dfe"  # DfE's pace kept
    again = admin.post(url + "/void", {}, form_url=url)  # e.g. from a page left open
    assert again.status_code == 302
    assert ("Nothing was done at DfE: DfE refused to void it (422): The declaration will or has been be refunded."
            in text_of(admin.get(url).get_data(as_text=True)))


def test_while_a_dfe_job_is_under_way_another_gives_its_page(admin, dfe):
    under_way = start(kinds.REFRESH_FROM_DFE, {"actor": "nightly refresh"}, actor="nightly refresh", partner_id=None)
    db.session.execute(update(Job).where(Job.id == under_way.id).values(state="running"))
    db.session.commit()
    response = admin.post("/declarations/submit?partner=NORTH", {}, form_url="/declarations/submit?partner=NORTH")
    assert response.headers["Location"] == f"/jobs/{under_way.id}"
    assert "Another job talking to DfE is under way" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert not [r for r in dfe.received if r["method"] == "POST"]


def test_partner_users_never_see_dfe_jobs_which_are_edts(admin, dfe, app):
    from .conftest import signed_in

    job_url = admin.post("/declarations/refresh", {}, form_url="/declarations").headers["Location"]
    lead = signed_in(app, "lead@north.example")
    assert lead.get(job_url).status_code == 404
    assert lead.get(job_url + "/result").status_code == 404
    assert lead.post(job_url + "/retry", {}, form_url="/dashboard").status_code == 404
    assert "DfE" not in lead.get("/jobs/").get_data(as_text=True)


def test_without_dfes_api_configured_nothing_is_sent_and_the_page_says_why(admin, monkeypatch):
    monkeypatch.delenv("DFE_API_URL", raising=False)
    monkeypatch.delenv("DFE_API_TOKEN", raising=False)
    listing = html.unescape(admin.get("/declarations").get_data(as_text=True))
    assert "Sending declarations to DfE is not set up on this server yet" in listing
    assert "The people who run the tracker's server for EDT set it up" in listing
    assert "Send the declarations to send to DfE" not in listing and "Fetch DfE's changes" not in listing
    confirm = html.unescape(admin.get("/declarations/submit").get_data(as_text=True))
    assert "is not set up on this server yet" in confirm and "DFE_API_URL" not in confirm
    assert re.search(r"\d+ declarations? would be sent to DfE once it is set up", confirm)
    assert "govuk-button" not in confirm.split("</h1>")[1].split("</main>")[0]  # no button to press
    admin.post("/declarations/submit", {}, form_url="/declarations/submit")  # a form kept open from before
    again = html.unescape(admin.get("/declarations/submit").get_data(as_text=True))
    assert "is not set up on this server yet" in again and "DFE_API_URL" not in again
    assert db.session.scalar(select(DeclarationRecord.id)) is None
