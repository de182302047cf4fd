"""Pages cached by the data version (EDT's cross-partner pages, a partner's dashboard): a change
made after a view shows on the next."""
from __future__ import annotations

from sqlalchemy import event, select

from tracker.extensions import db
from tracker.models import Participant

from ..factories import gen_participant
from .conftest import signed_in


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


def test_a_partner_leads_dashboard_follows_a_change_made_after_a_view(as_north_lead):
    assert ">1</span> participants" in as_north_lead.get("/dashboard").get_data(as_text=True)
    assert ">1</span> participants" in as_north_lead.get("/dashboard").get_data(as_text=True)
    gen_participant("N002", partner="NORTH")
    assert ">2</span> participants" in as_north_lead.get("/dashboard").get_data(as_text=True)


def test_each_partner_gets_its_own_cached_dashboard(app, as_north_lead):
    gen_participant("N002", partner="NORTH")
    assert ">2</span> participants" in as_north_lead.get("/dashboard").get_data(as_text=True)
    south = signed_in(app, "lead@south.example")
    page = south.get("/dashboard").get_data(as_text=True)
    assert "Dashboard: " in page and ">1</span> participants" in page


def test_a_second_view_of_the_dashboard_on_unchanged_data_comes_from_the_cache(as_north_lead):
    def output_queries() -> list[str]:
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert as_north_lead.get("/dashboard").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return [s for s in statements if "output_record" in s]

    assert output_queries()  # computed: the output records are read
    assert not output_queries()  # the same data: from the cache
    gen_participant("N002", partner="NORTH")
    assert output_queries()
