"""EDT staff review the DfE declarations met outputs make, download them and record DfE's states."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from tracker.declarations.listing import build
from tracker.extensions import db
from tracker.models import AuditEvent, DeclarationEvent, DeclarationRecord

from ..test_examples import example_dataset  # noqa: F401  (fixture)

AS_OF = "2023-03-01"


@pytest.fixture()
def declarations_page(app, example_dataset, two_partners, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "TODAY", AS_OF)
    from .conftest import signed_in

    return signed_in(app, "staff@edt.example")


def upload(browser, text: str, name="states.csv"):
    return browser.post("/declarations/states/upload", {"file": (io.BytesIO(text.encode()), name)},
                        content_type="multipart/form-data")


def state_of(ref: str, kind: str) -> str | None:
    from tracker.models import Participant

    return db.session.scalar(
        select(DeclarationRecord.state).join(Participant, Participant.id == DeclarationRecord.participant_id)
        .where(Participant.participant_id == ref, DeclarationRecord.declaration_type == kind))


def test_a_partner_lead_cannot_see_declarations(as_north_lead):
    assert as_north_lead.get("/declarations").status_code == 403


def test_edt_staff_see_declarations_to_send_and_blocked_ones_with_the_reason(declarations_page):
    page = declarations_page.get("/declarations").get_data(as_text=True)
    assert "Declarations to send" in page
    assert "npq-senior-leadership" in page
    blocked = page.split('id="blocked"')[1]
    assert "School contract not signed" in blocked or "Sponsorship agreement not signed" in blocked


def test_the_json_lines_download_equals_the_command_line_for_the_same_date(app, declarations_page):
    downloaded = declarations_page.get("/declarations/declarations.jsonl")
    assert downloaded.status_code == 200
    assert "attachment" in downloaded.headers["Content-Disposition"]
    cli = app.test_cli_runner().invoke(args=["declarations", "--as-of", AS_OF])
    assert cli.exit_code == 0, cli.output
    assert downloaded.get_data(as_text=True) == cli.output
    assert cli.output.count("\n") > 10


def test_filtering_by_cohort_and_output_narrows_the_downloads(declarations_page):
    lines = declarations_page.get("/declarations/declarations.jsonl?cohort=1&output=2").get_data(as_text=True)
    bodies = [json.loads(line) for line in lines.splitlines()]
    assert bodies and {b["data"]["attributes"]["declaration_type"] for b in bodies} == {"retained-1"}
    page = declarations_page.get("/declarations?cohort=1&output=2").get_data(as_text=True)
    assert all(b["data"]["attributes"]["participant_id"] in page for b in bodies)


def test_the_csv_download_lists_the_declarations_with_their_state(declarations_page):
    text = declarations_page.get("/declarations/declarations.csv").get_data(as_text=True)
    header, *rows = text.splitlines()
    assert header == ("participant_id,delivery_partner,course,cohort,output,declaration_type,declaration_date,"
                      "course_identifier,has_passed,state")
    jsonl = declarations_page.get("/declarations/declarations.jsonl").get_data(as_text=True)
    assert len(rows) == len(jsonl.splitlines())


def first_declaration(browser) -> tuple[str, str]:
    line = browser.get("/declarations/declarations.jsonl").get_data(as_text=True).splitlines()[0]
    attributes = json.loads(line)["data"]["attributes"]
    return attributes["participant_id"], attributes["declaration_type"]


def test_staff_record_a_declarations_state_by_hand_and_see_its_history(declarations_page):
    ref, kind = first_declaration(declarations_page)
    url = f"/declarations/{ref}/{kind}"
    assert "Not recorded yet" in declarations_page.get(url).get_data(as_text=True)
    response = declarations_page.post(url, {"state": "submitted", "note": "Sent on Monday"})
    assert response.status_code == 302
    declarations_page.post(url, {"state": "paid"})
    page = declarations_page.get(url).get_data(as_text=True)
    assert "Sent on Monday" in page and "Paid" in page
    assert state_of(ref, kind) == "paid"
    events = db.session.scalars(select(DeclarationEvent).order_by(DeclarationEvent.id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [(None, "submitted"), ("submitted", "paid")]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "declaration-state").limit(1))


def test_voiding_a_paid_declaration_is_refused_naming_awaiting_clawback(declarations_page):
    ref, kind = first_declaration(declarations_page)
    url = f"/declarations/{ref}/{kind}"
    declarations_page.post(url, {"state": "paid"})
    page = declarations_page.get(url).get_data(as_text=True)
    assert 'value="voided"' not in page  # the choices offer only what may follow
    response = declarations_page.post(url, {"state": "voided"})
    assert response.status_code == 200
    assert "A paid declaration that is voided becomes awaiting-clawback, not voided" in response.get_data(as_text=True)
    assert state_of(ref, kind) == "paid"


def test_a_voided_declaration_offers_no_further_state(declarations_page):
    ref, kind = first_declaration(declarations_page)
    url = f"/declarations/{ref}/{kind}"
    declarations_page.post(url, {"state": "voided"})
    page = declarations_page.get(url).get_data(as_text=True)
    assert "Voided is a final state" in page


def test_an_unknown_declaration_is_not_found(declarations_page):
    assert declarations_page.get("/declarations/EX000/retained-4").status_code == 404
    assert declarations_page.get("/declarations/NOBODY/started").status_code == 404


def test_an_upload_with_a_bad_row_records_nothing_and_names_row_and_column(declarations_page):
    ref, kind = first_declaration(declarations_page)
    text = (f"participant_id,declaration_type,state\n{ref},{kind},eligible\nNOBODY,started,paid\n"
            f"{ref},retained-4,paid\n{ref},{kind},approved\n")
    response = upload(declarations_page, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "row 3: participant_id: &#39;NOBODY&#39; is not a known participant" in page
    assert f"row 4: declaration_type: {ref} has no retained-4 declaration" in page
    assert "row 5: state: &#39;approved&#39; is not one of" in page
    assert db.session.scalar(select(DeclarationRecord.id)) is None


def test_an_upload_records_every_state_and_a_second_upload_changes_nothing(declarations_page):
    lines = declarations_page.get("/declarations/declarations.jsonl").get_data(as_text=True).splitlines()[:3]
    keys = [(json.loads(line)["data"]["attributes"]["participant_id"], json.loads(line)["data"]["attributes"]["declaration_type"]) for line in lines]
    text = "participant_id,declaration_type,state\n" + "".join(f"{r},{k},eligible\n" for r, k in keys)
    response = upload(declarations_page, text)
    assert response.status_code == 302
    assert "created 3" in declarations_page.get("/declarations").get_data(as_text=True)
    assert all(state_of(r, k) == "eligible" for r, k in keys)
    upload(declarations_page, text)
    assert "unchanged 3" in declarations_page.get("/declarations").get_data(as_text=True)
    assert db.session.query(DeclarationEvent).count() == 3


def test_an_upload_that_voids_a_paid_declaration_is_refused(declarations_page):
    ref, kind = first_declaration(declarations_page)
    upload(declarations_page, f"participant_id,declaration_type,state\n{ref},{kind},paid\n")
    page = upload(declarations_page, f"participant_id,declaration_type,state\n{ref},{kind},voided\n").get_data(as_text=True)
    assert (f"row 2: state: {ref}&#39;s {kind} declaration is paid: a paid declaration that is voided becomes "
            "awaiting-clawback, not voided") in page
    assert state_of(ref, kind) == "paid"


def test_a_blocked_declaration_cannot_be_recorded_from_a_file(declarations_page):
    blocked = build(date.fromisoformat(AS_OF)).blocked[0].declaration
    ref, kind = blocked.participant_id, blocked.declaration_type
    page = upload(declarations_page, f"participant_id,declaration_type,state\n{ref},{kind},submitted\n").get_data(as_text=True)
    assert f"{ref}&#39;s {kind} declaration is blocked" in page


def test_long_lists_are_shown_a_page_at_a_time(declarations_page, monkeypatch):
    monkeypatch.setattr("tracker.web.declarations.PER_PAGE", 10)
    page = declarations_page.get("/declarations?cohort=1").get_data(as_text=True)
    assert "Declarations of met outputs, page 1 of" in page
    assert "/declarations?cohort=1&amp;page=2#ready" in page
    second = declarations_page.get("/declarations?cohort=1&page=2").get_data(as_text=True)
    assert "Declarations of met outputs, page 2 of" in second
    blocked = declarations_page.get("/declarations?blocked_page=2").get_data(as_text=True)
    assert "Blocked declarations and why, page 2 of 2" in blocked
