"""EDT staff review the DfE declarations met outputs make, download them and record DfE's states."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from tracker.declarations.listing import BLOCKED, rows
from tracker.extensions import db
from tracker.models import AuditEvent, DeclarationEvent, DeclarationRecord

from ..factories import give_dfe_ids, ref_of
from ..test_examples import example_dataset  # noqa: F401  (fixture)

AS_OF = "2023-03-01"


@pytest.fixture()
def declarations_page(app, example_dataset, two_partners, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "TODAY", AS_OF)
    give_dfe_ids()
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
    blocked = declarations_page.get("/declarations?state=blocked").get_data(as_text=True).split('id="shown"')[1]
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
    assert all(ref_of(b["data"]["attributes"]["participant_id"]) in page for b in bodies)


def test_the_csv_download_lists_the_declarations_to_send(declarations_page):
    text = declarations_page.get("/declarations/declarations.csv").get_data(as_text=True)
    header, *rows = text.splitlines()
    assert header == ("participant_id,delivery_partner,course,cohort,output,declaration_type,declaration_date,"
                      "course_identifier,has_passed")
    jsonl = declarations_page.get("/declarations/declarations.jsonl").get_data(as_text=True)
    assert len(rows) == len(jsonl.splitlines())


def first_declaration(browser) -> tuple[str, str]:
    line = browser.get("/declarations/declarations.jsonl").get_data(as_text=True).splitlines()[0]
    attributes = json.loads(line)["data"]["attributes"]
    return ref_of(attributes["participant_id"]), attributes["declaration_type"]


def test_staff_record_a_declarations_state_by_hand_and_see_its_history(declarations_page):
    ref, kind = first_declaration(declarations_page)
    url = f"/declarations/{ref}/{kind}"
    assert "Not recorded yet" in declarations_page.get(url).get_data(as_text=True)
    response = declarations_page.post(url, {"state": "submitted", "note": "Sent on Monday"})
    assert response.status_code == 302
    refused = declarations_page.post(url, {"state": "paid"})
    assert refused.status_code == 200 and 'value="paid"' not in refused.get_data(as_text=True)
    assert state_of(ref, kind) == "submitted"
    declarations_page.post(url, {"state": "eligible"})
    page = declarations_page.get(url).get_data(as_text=True)
    assert "Sent on Monday" in page and "Eligible" in page
    assert state_of(ref, kind) == "eligible"
    events = db.session.scalars(select(DeclarationEvent).order_by(DeclarationEvent.id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [(None, "submitted"), ("submitted", "eligible")]
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
    assert "row 4: declaration_type: &#39;retained-4&#39; is not one of started, retained-1, retained-2, completed" in page
    assert "row 5: state: &#39;approved&#39; is not one of" in page
    assert db.session.scalar(select(DeclarationRecord.id)) is None


def test_an_upload_records_every_state_and_a_second_upload_changes_nothing(declarations_page):
    lines = declarations_page.get("/declarations/declarations.jsonl").get_data(as_text=True).splitlines()[:3]
    keys = [(ref_of(json.loads(line)["data"]["attributes"]["participant_id"]), json.loads(line)["data"]["attributes"]["declaration_type"]) for line in lines]
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
    blocked = next(r for r in rows(date.fromisoformat(AS_OF), date.fromisoformat(AS_OF)) if r.standing == BLOCKED).declaration
    ref, kind = blocked.participant_id, blocked.declaration_type
    page = upload(declarations_page, f"participant_id,declaration_type,state\n{ref},{kind},submitted\n").get_data(as_text=True)
    assert f"{ref}&#39;s {kind} declaration is blocked" in page


def test_long_lists_are_shown_a_page_at_a_time(declarations_page, monkeypatch):
    monkeypatch.setattr("tracker.web.paging.PER_PAGE", 10)
    page = declarations_page.get("/declarations?cohort=1").get_data(as_text=True)
    assert "To send, page 1 of" in page
    assert "/declarations?cohort=1&amp;page=2#shown" in page
    second = declarations_page.get("/declarations?cohort=1&page=2").get_data(as_text=True)
    assert "To send, page 2 of" in second
    blocked = declarations_page.get("/declarations?state=blocked&page=2").get_data(as_text=True)
    assert "Blocked, page 2 of 2" in blocked


def count_to_send(page: str) -> int:
    return int(page.split("Declarations to send (")[1].split(")")[0])


def test_the_count_and_downloads_leave_out_what_dfe_already_holds(declarations_page):
    page = declarations_page.get("/declarations").get_data(as_text=True)
    total = count_to_send(page)
    ref, kind = first_declaration(declarations_page)
    declarations_page.post(f"/declarations/{ref}/{kind}", {"state": "paid"})
    page = declarations_page.get("/declarations").get_data(as_text=True)
    assert count_to_send(page) == total - 1
    assert (ref, kind) != first_declaration(declarations_page)
    lines = declarations_page.get("/declarations/declarations.jsonl").get_data(as_text=True).splitlines()
    assert len(lines) == total - 1
    csv_rows = declarations_page.get("/declarations/declarations.csv").get_data(as_text=True).splitlines()[1:]
    assert len(csv_rows) == total - 1 and not any(r.startswith(f"{ref},") and f",{kind}," in r for r in csv_rows)
    paid = declarations_page.get("/declarations?state=paid").get_data(as_text=True)
    assert "Paid (1)" in paid and f">{ref}<" in paid.split('id="shown"')[1]


def test_staff_change_the_state_of_many_at_once_from_a_selection(declarations_page):
    lines = declarations_page.get("/declarations/declarations.jsonl").get_data(as_text=True).splitlines()[:3]
    keys = [(ref_of(a["participant_id"]), a["declaration_type"]) for a in (json.loads(x)["data"]["attributes"] for x in lines)]
    response = declarations_page.post("/declarations", {"selected": [f"{r}/{k}" for r, k in keys],
                                                        "new_state": "submitted", "new_note": "batch 1"})
    assert response.status_code == 302
    assert all(state_of(r, k) == "submitted" for r, k in keys)
    assert "Submitted (3)" in declarations_page.get("/declarations?state=submitted").get_data(as_text=True)


def test_a_selection_with_one_change_dfe_refuses_changes_nothing(declarations_page):
    (ref, kind), = [first_declaration(declarations_page)]
    declarations_page.post(f"/declarations/{ref}/{kind}", {"state": "paid"})
    other = first_declaration(declarations_page)
    response = declarations_page.post("/declarations?state=paid", {"selected": [f"{ref}/{kind}", f"{other[0]}/{other[1]}"],
                                                                   "new_state": "eligible"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"{ref} {kind}: a declaration cannot go from paid to eligible" in page
    assert state_of(ref, kind) == "paid" and state_of(*other) is None


def test_a_selection_of_nothing_is_refused(declarations_page):
    response = declarations_page.post("/declarations", {"new_state": "eligible"})
    assert response.status_code == 400
    assert "Select at least one declaration" in response.get_data(as_text=True)


def test_the_page_filters_by_partner(declarations_page):
    page = declarations_page.get("/declarations?partner=south").get_data(as_text=True)
    rows = page.split('id="shown"')[1].split("</table>")[0]
    assert "<td class=\"govuk-table__cell\" data-label=\"Partner\">SOUTH</td>" in rows and "NORTH</td>" not in rows


def test_staff_reopen_a_voided_declaration_and_it_is_to_send_again(declarations_page):
    ref, kind = first_declaration(declarations_page)
    url = f"/declarations/{ref}/{kind}"
    declarations_page.post(url, {"state": "voided"})
    assert first_declaration(declarations_page) != (ref, kind)
    assert "Reopen this declaration" in declarations_page.get(url).get_data(as_text=True)
    assert declarations_page.post(url + "/reopen", {}, form_url=url).status_code == 302
    assert first_declaration(declarations_page) == (ref, kind)
    page = declarations_page.get(url).get_data(as_text=True)
    assert "Not recorded yet" in page and "Voided" in page  # the history keeps the voided record


def test_the_recorded_states_download_imports_back_unchanged(declarations_page):
    ref, kind = first_declaration(declarations_page)
    declarations_page.post(f"/declarations/{ref}/{kind}", {"state": "eligible", "note": "checked"})
    text = declarations_page.get("/declarations/states.csv").get_data(as_text=True)
    assert text.splitlines() == ["participant_id,declaration_type,state,declaration_id,note", f"{ref},{kind},eligible,,checked"]
    upload(declarations_page, text)
    assert "unchanged 1" in declarations_page.get("/declarations").get_data(as_text=True)
