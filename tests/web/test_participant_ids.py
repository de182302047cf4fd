"""Participant IDs are kept as given and matched ignoring case: on pages, in searches and in every import."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import CreditRecord, Participant

from ..factories import PARTICIPANT_HEADER, import_text
from ..test_examples import example_dataset  # noqa: F401  (fixture)
from ..factories import ref_of
from .test_declarations_web import declarations_page, state_of, upload  # noqa: F401  (fixture)


def stored_ids() -> list[str]:
    return db.session.scalars(select(Participant.participant_id).order_by(Participant.participant_id)).all()


def test_a_participants_page_opens_whatever_the_case_of_its_id_but_never_another_partners(as_north_lead):
    page = as_north_lead.get("/participants/n001")
    assert page.status_code == 200 and "Name N001" in page.get_data(as_text=True)
    assert as_north_lead.get("/participants/s001").status_code == 404


def test_the_assessments_page_finds_a_participant_typed_in_lower_case(as_edt_staff):
    response = as_edt_staff.get("/assessments?participant_id=n001")
    assert response.status_code == 302 and response.headers["Location"].endswith("/assessments/N001/new")
    assert "There is no participant with the ID nobody" in as_edt_staff.get(
        "/assessments?participant_id=nobody").get_data(as_text=True)


def test_the_participants_list_search_ignores_case(as_north_lead):
    assert 'data-participant="N001"' in as_north_lead.get("/participants/?q=n001").get_data(as_text=True)


def test_an_evidence_file_names_participants_in_any_case(two_partners):
    result = import_text("attendance", "participant_id,block,event,session_date,attendance",
                         "n001,1,NPQLT F2F Training Session,2022-11-01,attended")
    assert result.ok and result.created == 1, result.errors
    # a partner's own upload still cannot name another partner's participant, in any case
    north = db.session.scalar(select(Participant.partner_id).where(Participant.participant_id == "N001"))
    refused = import_text("credits", "participant_id,block,activity,completed_on", "s001,1,Anything,2022-11-01",
                          partner_id=north)
    assert refused.errors == ["row 2: participant_id: 's001' is not a known participant"]
    assert db.session.scalar(select(func.count()).select_from(CreditRecord)) == 0


def test_a_participants_file_updates_a_participant_named_in_another_case_and_keeps_the_stored_id(two_partners):
    result = import_text("participants", PARTICIPANT_HEADER,
                         "n001,Renamed Person,n001@example.org,NORTH,NPQLT,3,yes,yes,active",
                         "New-Mixed-Case-9,New Person,new@example.org,NORTH,NPQLT,3,yes,yes,active")
    assert (result.created, result.updated) == (1, 1), result.errors
    assert stored_ids() == ["N001", "New-Mixed-Case-9", "S001"]
    assert db.session.scalar(select(Participant.full_name).where(Participant.participant_id == "N001")) == "Renamed Person"
    again = import_text("participants", PARTICIPANT_HEADER,
                        "NEW-MIXED-CASE-9,New Person,new@example.org,NORTH,NPQLT,3,yes,yes,active")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_two_rows_whose_ids_differ_only_by_case_are_one_participant_and_refused(two_partners):
    result = import_text("participants", PARTICIPANT_HEADER,
                         "X001,One,one@example.org,NORTH,NPQLT,3,yes,yes,active",
                         "x001,Two,two@example.org,NORTH,NPQLT,3,yes,yes,active")
    assert result.errors == ["row 3: participant_id: 'x001' is the same participant as 'X001' on row 2 "
                             "(IDs match ignoring case)"]
    assert stored_ids() == ["N001", "S001"]


def test_a_declaration_states_file_names_participants_in_any_case(declarations_page):
    line = declarations_page.get("/declarations/declarations.jsonl").get_data(as_text=True).splitlines()[0]
    attributes = json.loads(line)["data"]["attributes"]
    ref, kind = ref_of(attributes["participant_id"]), attributes["declaration_type"]
    response = upload(declarations_page, f"participant_id,declaration_type,state\n{ref.lower()},{kind},eligible\n")
    assert response.status_code == 302
    assert state_of(ref, kind) == "eligible"
