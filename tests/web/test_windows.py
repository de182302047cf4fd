"""Block completion windows: EDT admins set them; behind on a block shows on the participant page, the dashboard
and the participants list; until a cohort's windows are set nobody is behind and the pages say so."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, BlockWindow, Deferral, Participant

from ..factories import import_text
from .conftest import signed_in


@pytest.fixture(autouse=True)
def first_of_march(app, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")


@pytest.fixture()
def some_block_1_credits(two_partners):
    """N001 (NPQLT cohort 3) has the Survey of block 1: 1 of its 46 credits."""
    assert import_text("credits", "participant_id,block,activity,completed_on", "N001,1,Survey,2022-11-01").ok


def set_window(browser, cohort=3, group="specialist", block=1, opens=("1", "10", "2022"), closes=("16", "12", "2022")):
    return browser.post(f"/reference/windows/{cohort}/{group}/{block}", {"opens": list(opens), "closes": list(closes)})


def test_until_windows_are_set_nobody_is_behind_and_the_pages_say_so(app, some_block_1_credits):
    lead = signed_in(app, "lead@north.example")
    assert "Block completion windows are not set for cohort 3" in lead.get("/participants/N001").get_data(as_text=True)
    assert "Block completion windows are not set yet" in lead.get("/dashboard").get_data(as_text=True)
    assert "N001" not in lead.get("/participants/?behind=yes").get_data(as_text=True).split("<tbody")[-1]


def test_an_admin_sets_a_window_and_a_participant_short_of_90_percent_is_behind(app, some_block_1_credits):
    admin = signed_in(app, "admin@edt.example")
    assert "Not set" in admin.get("/reference/windows").get_data(as_text=True)
    response = set_window(admin)
    assert response.status_code == 302
    window = db.session.scalars(select(BlockWindow)).one()
    assert (window.cohort, window.course_group, window.block) == (3, "specialist", 1)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "block_window")).one().actor == "admin@edt.example"

    lead = signed_in(app, "lead@north.example")
    page = lead.get("/participants/N001").get_data(as_text=True)
    assert "Behind on Block 1 (1 of 46 credits; window closed 16 December 2022)" in page
    dashboard = lead.get("/dashboard").get_data(as_text=True)
    assert "Name N001 (N001)" in dashboard.split('id="behind-list"')[1].split("</ul>")[0]
    listed = lead.get("/participants/?behind=yes").get_data(as_text=True)
    assert "Name N001" in listed


def test_a_window_that_closes_before_it_opens_is_refused(app, two_partners):
    admin = signed_in(app, "admin@edt.example")
    page = set_window(admin, opens=("1", "12", "2022"), closes=("1", "11", "2022")).get_data(as_text=True)
    assert "2022-11-01 is before the window opens (2022-12-01)" in page
    assert db.session.scalars(select(BlockWindow)).all() == []


def test_edt_staff_read_windows_but_cannot_set_them(app, two_partners):
    staff = signed_in(app, "staff@edt.example")
    assert staff.get("/reference/windows").status_code == 200
    assert staff.get("/reference/windows/3/specialist/1").status_code == 403
    assert signed_in(app, "admin@edt.example").get("/reference/windows/3/specialist/6").status_code == 404


def test_credits_dated_inside_a_deferral_count_neither_for_behind_nor_on_the_bars(app, some_block_1_credits):
    # Given N001 deferred from 10 November to 5 December 2022, with 38 block 1 credits dated inside it
    rows = "\n".join(f"N001,1,{title},2022-11-20" for title in (
        "NPQLT F2F Training Session", "NPQLT Live Webinar", "S 1.1a The Importance of Teachers and Teaching",
        "S 1.1b Improving Pupil Outcomes in Practice", "S 1.1c Best Evidence in Teacher Professional Development",
        "S 1.1d Developing a Theory of Change", "S 1.1e Using Assessment Information and Data",
        "S 1.1f Understanding and Making Use of Existing Frameworks"))
    assert import_text("credits", "participant_id,block,activity,completed_on", rows).ok
    pk = db.session.scalar(select(Participant.id).where(Participant.participant_id == "N001"))
    db.session.add(Deferral(participant_id=pk, deferred_on=date(2022, 11, 10), returned_on=date(2022, 12, 5),
                            note="", recorded_by="lead@north.example", recorded_at=datetime(2022, 11, 10, 9)))
    db.session.commit()
    assert set_window(signed_in(app, "admin@edt.example")).status_code == 302
    # When the lead reads the participant page and the dashboard
    lead = signed_in(app, "lead@north.example")
    page = lead.get("/participants/N001").get_data(as_text=True)
    # Then only the survey of 1 November counts, as it does for met_on
    assert "Behind on Block 1 (1 of 46 credits; window closed 16 December 2022)" in page
    assert "1 of 46 credits (2%)" in page
    assert "Name N001 (N001)" in lead.get("/dashboard").get_data(as_text=True).split('id="behind-list"')[1]
