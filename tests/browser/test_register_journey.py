"""A facilitator takes a register, and the register's marks decide a participant's Output 1."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tracker.models.evidence import RegisterEntry
from tracker.models.people import Participant
from tracker.rules.facts import ATTENDED, CONTINGENCY

from ..factories import gen_participant
from ..web.conftest import make_user
from .steps import Journey

pytestmark = pytest.mark.browser


@pytest.fixture()
def north_group(session):
    """Two NORTH participants on NPQLT cohort 3 with no evidence yet, and a SOUTH one on the same course."""
    gen_participant("N001", partner="NORTH", course="NPQLT", cohort=3)
    gen_participant("N002", partner="NORTH", course="NPQLT", cohort=3)
    gen_participant("S001", partner="SOUTH", course="NPQLT", cohort=3)
    make_user("facilitator@north.example", "facilitator", "NORTH")


def create_the_npqlt_block_1_register(journey) -> None:
    """On "Take a register": NPQLT block 1's F2F session for cohort 3, held on 10 November 2022."""
    page = journey.page
    page.get_by_label("Training event").select_option(label="NPQLT – Block 1 – NPQLT F2F Training Session")
    page.get_by_label("Cohort").select_option(label="Cohort 3 (October 2022)")
    date = page.get_by_role("group", name="Session date")
    date.get_by_label("Day").fill("10")
    date.get_by_label("Month").fill("11")
    date.get_by_label("Year").fill("2022")
    journey.press("Create the register")


def test_a_facilitator_takes_a_register_and_the_participants_output_1_turns_met(journey, north_group):
    page = journey.page
    # Given a NORTH facilitator, signed in
    journey.sign_in("facilitator@north.example")

    # When they go to Registers and take the register of NPQLT block 1's F2F session for cohort 3,
    # held on 10 November 2022 (before Output 1's review date, 24 November 2022)
    journey.follow("Registers", exact=True)
    assert journey.heading() == "Registers"
    journey.press("Take a register")
    create_the_npqlt_block_1_register(journey)

    # Then the register lists their own two participants, no one from another partner
    assert "Register created" in journey.banner()
    marks = page.get_by_role("table")
    assert "N001" in marks.inner_text() and "N002" in marks.inner_text()
    assert "S001" not in page.content()

    # When they mark everyone as attended, then mark N002 absent and save
    journey.press("Mark everyone as attended")
    assert "2 marks saved" in journey.banner()
    page.get_by_role("group", name="Mark for Name N002 (N002)").get_by_label("Absent").check()
    journey.press("Save marks")
    assert "1 mark saved" in journey.banner()

    # Then the register shows N001 attended and N002 absent
    assert page.get_by_role("row", name="Name N001").get_by_text("Attended", exact=True).first.is_visible()
    assert page.get_by_role("row", name="Name N002").get_by_label("Absent").is_checked()

    # When they open N001's page from the participants list
    journey.follow("Participants", exact=True)
    journey.open_participant("N001")
    assert journey.heading() == "Name N001"

    # Then Output 1 is met, on the day of the session, on the evidence of the register
    output_1 = page.get_by_role("row", name=re.compile(r"^Output 1: "))
    assert output_1.get_by_text("Met", exact=True).is_visible(), output_1.inner_text()
    assert "10 Nov 2022" in output_1.inner_text()
    assert "Facilitator register" in output_1.inner_text()

    # And N002, marked absent, has not met Output 1
    journey.follow("All participants")
    journey.open_participant("N002")
    output_1 = page.get_by_role("row", name=re.compile(r"^Output 1: "))
    assert output_1.get_by_text("Not met", exact=True).is_visible(), output_1.inner_text()


def test_a_facilitator_marks_a_register_with_their_thumbs_on_a_phone(chromium, live_server, as_of, north_group, session):
    # Given a NORTH facilitator on a 390 px phone that takes taps, not clicks
    context = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, has_touch=True,
                                   is_mobile=True, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(30_000)
    journey = Journey(context.new_page())
    page = journey.page
    journey.sign_in("facilitator@north.example")

    # When they take the register of NPQLT block 1's F2F session for cohort 3 on 10 November 2022
    journey.visit("/registers/new")
    create_the_npqlt_block_1_register(journey)

    # Then the register fits the phone, and each mark is a full-width row a thumb can hit
    journey.fits(widths=(390,))
    marks = {ref: page.get_by_role("group", name=f"Mark for Name {ref} ({ref})") for ref in ("N001", "N002")}
    for group in marks.values():
        for option in ("Attended", "Absent", "Contingency activity"):
            box = group.locator("label", has_text=option).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (option, box)
            assert box["width"] >= 250 and box["height"] >= 40, (option, box)

    # When they tap N001 attended and N002 contingency activity, and tap Save marks
    marks["N001"].get_by_text("Attended", exact=True).tap()
    marks["N002"].get_by_text("Contingency activity", exact=True).tap()
    assert marks["N001"].get_by_label("Attended").is_checked()
    assert marks["N002"].get_by_label("Contingency activity").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save marks").tap()
    journey.arrived()

    # Then both marks are stored, and shown as given when the register is opened again
    assert "2 marks saved" in journey.banner()
    session.expire_all()
    stored = dict(session.execute(select(Participant.participant_id, RegisterEntry.mark)
                                  .join(RegisterEntry, RegisterEntry.participant_id == Participant.id)).all())
    assert stored == {"N001": ATTENDED, "N002": CONTINGENCY}, stored
    journey.visit(page.url)
    assert marks["N001"].get_by_label("Attended").is_checked()
    assert marks["N002"].get_by_label("Contingency activity").is_checked()
    context.close()
