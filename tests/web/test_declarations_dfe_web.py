"""EDT admins send declarations to DfE from the page: a confirmation naming how many, then a
result per declaration; fetch DfE's changes; void one. Against the stand-in API on loopback."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import DeclarationRecord

from bench.dfe_stand_in import TOKEN

from ..declarations.stand_in import dfe  # noqa: F401  (fixture)
from ..test_examples import example_dataset  # noqa: F401  (fixture)

AS_OF = "2023-03-01"


@pytest.fixture()
def admin(app, example_dataset, two_partners, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "TODAY", AS_OF)
    from .conftest import signed_in

    return signed_in(app, "admin@edt.example")


def test_edt_staff_who_are_not_admins_cannot_send(as_edt_staff):
    assert as_edt_staff.get("/declarations/submit").status_code == 403
    assert "Send the declarations to send to DfE" not in as_edt_staff.get("/declarations").get_data(as_text=True)


def test_an_admin_confirms_how_many_are_sent_then_sees_a_result_for_each(admin, dfe):
    count = len(admin.get("/declarations/declarations.jsonl?partner=NORTH").get_data(as_text=True).splitlines())
    confirm = admin.get("/declarations/submit?partner=NORTH").get_data(as_text=True)
    assert f"{count} declarations will be sent to DfE for NORTH" in confirm
    assert dfe.received == []
    first = json.loads(admin.get("/declarations/declarations.jsonl?partner=NORTH").get_data(as_text=True).splitlines()[0])
    ref = first["data"]["attributes"]["participant_id"]
    kind = first["data"]["attributes"]["declaration_type"]
    dfe.refuse[(ref, kind)] = ["The participant is not eligible"]
    result = admin.post("/declarations/submit?partner=NORTH", {}, form_url="/declarations/submit?partner=NORTH")
    page = result.get_data(as_text=True)
    assert result.status_code == 200
    assert f"{count - 1} of {count} sent." in page
    assert "The participant is not eligible" in page and page.count("govuk-tag--green") == count - 1
    assert len([r for r in dfe.received if r["method"] == "POST"]) == count
    again = admin.get("/declarations/submit?partner=NORTH").get_data(as_text=True)
    assert "1 declaration will be sent to DfE for NORTH" in again
    assert TOKEN not in page and TOKEN not in again


def test_an_admin_fetches_dfes_changes_and_voids_a_declaration(admin, dfe):
    admin.post("/declarations/submit?partner=SOUTH", {}, form_url="/declarations/submit?partner=SOUTH")
    dfe_id = next(iter(dfe.declarations))
    dfe.set_state(dfe_id, "paid")
    response = admin.post("/declarations/refresh", {}, form_url="/declarations")
    assert response.status_code == 302
    assert "DfE&#39;s changes: read" in admin.get("/declarations").get_data(as_text=True)
    record = db.session.scalar(select(DeclarationRecord).where(DeclarationRecord.dfe_id == dfe_id))
    assert record.state == "paid"
    ref = dfe.declarations[dfe_id]["attributes"]["participant_id"]
    kind = dfe.declarations[dfe_id]["attributes"]["declaration_type"]
    url = f"/declarations/{ref}/{kind}"
    assert "Void this declaration at DfE" in admin.get(url).get_data(as_text=True)
    assert admin.post(url + "/void", {}, form_url=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(DeclarationRecord, record.id).state == "awaiting-clawback"
    assert "Awaiting clawback" in admin.get(url).get_data(as_text=True)


def test_without_dfes_api_configured_nothing_is_sent_and_the_page_says_why(admin, monkeypatch):
    monkeypatch.delenv("DFE_API_URL", raising=False)
    monkeypatch.delenv("DFE_API_TOKEN", raising=False)
    assert "not configured on this server" in admin.get("/declarations/submit").get_data(as_text=True)
    admin.post("/declarations/submit", {}, form_url="/declarations/submit")
    assert "DFE_API_URL is not set" in admin.get("/declarations/submit").get_data(as_text=True)
    assert db.session.scalar(select(DeclarationRecord.id)) is None
