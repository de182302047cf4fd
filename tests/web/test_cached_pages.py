"""EDT's cross-partner pages are cached by the data version: a change made after a view shows on the next."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Participant

from ..factories import gen_participant


def test_the_overview_shows_a_participant_imported_after_it_was_viewed(as_edt_staff):
    first = as_edt_staff.get("/overview").get_data(as_text=True)
    assert "EAST" not in first
    assert "EAST" not in as_edt_staff.get("/overview").get_data(as_text=True)
    gen_participant("E001", partner="EAST")
    assert "EAST" in as_edt_staff.get("/overview").get_data(as_text=True)


def test_the_participant_list_and_dashboard_follow_an_edit_made_after_a_view(as_edt_staff):
    assert "E001" not in as_edt_staff.get("/participants/").get_data(as_text=True)
    as_edt_staff.get("/dashboard")
    gen_participant("E001", partner="EAST")
    assert "E001" in as_edt_staff.get("/participants/").get_data(as_text=True)
    participant = db.session.scalar(select(Participant).where(Participant.participant_id == "E001"))
    participant.full_name = "Renamed Person"
    db.session.commit()
    assert "Renamed Person" in as_edt_staff.get("/participants/").get_data(as_text=True)


def test_a_partner_lead_never_gets_the_edt_list(as_edt_staff, as_north_lead):
    assert "S001" in as_edt_staff.get("/participants/").get_data(as_text=True)
    page = as_north_lead.get("/participants/").get_data(as_text=True)
    assert "N001" in page and "S001" not in page
