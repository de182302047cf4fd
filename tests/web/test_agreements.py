"""School contract and sponsorship agreement: dated, recorded by partner leads and EDT, and blocked as of a date."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.engagement.standing import participants_query, standings
from tracker.extensions import db
from tracker.models import AuditEvent, Participant
from tracker.rules.status import signed_by

from ..factories import PARTICIPANT_HEADER, import_text
from .conftest import signed_in


def status_of(ref: str, number: int, on: str) -> str:
    db.session.expire_all()
    found = standings(date.fromisoformat(on), participants_query().where(Participant.participant_id == ref))[0]
    return found.outputs[number - 1].status


def test_an_agreement_counts_from_the_day_it_was_signed():
    assert signed_by(True, None, date(2000, 1, 1))
    assert not signed_by(True, date(2023, 1, 10), date(2023, 1, 9))
    assert signed_by(True, date(2023, 1, 10), date(2023, 1, 10))
    assert not signed_by(False, None, date(2030, 1, 1))


@pytest.fixture()
def met_output_one(two_partners):
    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,1,NPQLT F2F Training Session,2022-11-01,attended").ok


def test_the_participants_file_takes_the_date_a_contract_was_signed(met_output_one):
    assert import_text("participants", PARTICIPANT_HEADER,
                       "N001,Name N001,n001@example.org,NORTH,NPQLT,3,2022-11-20,yes,active").ok
    assert status_of("N001", 1, "2022-11-15") == "blocked"
    assert status_of("N001", 1, "2022-11-20") == "met"
    again = import_text("participants", PARTICIPANT_HEADER,
                        "N001,Name N001,n001@example.org,NORTH,NPQLT,3,yes,yes,active")
    assert again.unchanged == 1  # a plain yes keeps the recorded date
    refused = import_text("participants", PARTICIPANT_HEADER,
                          "N001,Name N001,n001@example.org,NORTH,NPQLT,3,maybe,yes,active")
    assert refused.errors == ["row 2: school_contract_signed: 'maybe' is not yes, no or the date it was signed"]


def test_a_partner_lead_records_a_signed_contract_with_its_date_and_it_is_audited(app, met_output_one, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    import_text("participants", PARTICIPANT_HEADER, "N001,Name N001,n001@example.org,NORTH,NPQLT,3,no,yes,active")
    lead = signed_in(app, "lead@north.example")
    dashboard = lead.get("/dashboard").get_data(as_text=True)
    assert "Name N001 (N001)" in dashboard.split('id="blocked"')[1]
    assert "Record a signed agreement" in lead.get("/participants/N001").get_data(as_text=True)
    response = lead.post("/participants/N001/agreements", {"agreement": "school_contract",
                                                           "signed_on": ["10", "1", "2023"]})
    assert response.status_code == 302
    assert status_of("N001", 1, "2023-01-09") == "blocked"
    assert status_of("N001", 1, "2023-01-10") == "met"
    page = lead.get("/participants/N001").get_data(as_text=True)
    assert "Signed on 10 January 2023" in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "record-agreement")).one()
    assert event.actor == "lead@north.example" and '"school_contract_signed_on": "2023-01-10"' in event.after
    assert "No met output is blocked for payment." in lead.get("/dashboard").get_data(as_text=True)


def test_a_signed_date_in_the_future_is_refused(app, met_output_one, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    lead = signed_in(app, "lead@north.example")
    page = lead.post("/participants/N001/agreements", {"agreement": "sponsorship_agreement",
                                                       "signed_on": ["2", "3", "2023"]}).get_data(as_text=True)
    assert "The date signed must be today or in the past" in page


def test_facilitators_cannot_record_agreements_and_other_partners_cannot_see_them(app, two_partners):
    assert signed_in(app, "facilitator@north.example").get("/participants/N001/agreements").status_code == 403
    assert signed_in(app, "lead@south.example").get("/participants/N001/agreements").status_code == 404
    assert signed_in(app, "staff@edt.example").get("/participants/N001/agreements").status_code == 200
