"""A facilitator takes a register, and the register's marks decide a participant's Output 1."""
from __future__ import annotations

import re

import pytest

from ..factories import gen_participant
from ..web.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def north_group(session):
    """Two NORTH participants on NPQLT cohort 3 with no evidence yet, and a SOUTH one on the same course."""
    gen_participant("N001", partner="NORTH", course="NPQLT", cohort=3)
    gen_participant("N002", partner="NORTH", course="NPQLT", cohort=3)
    gen_participant("S001", partner="SOUTH", course="NPQLT", cohort=3)
    make_user("facilitator@north.example", "facilitator", "NORTH")


def test_a_facilitator_takes_a_register_and_the_participants_output_1_turns_met(journey, north_group):
    page = journey.page
    # Given a NORTH facilitator, signed in
    journey.sign_in("facilitator@north.example")

    # When they go to Registers and take the register of NPQLT block 1's F2F session for cohort 3,
    # held on 10 November 2022 (before Output 1's review date, 24 November 2022)
    journey.follow("Registers", exact=True)
    assert journey.heading() == "Registers"
    journey.press("Take a register")
    page.get_by_label("Training event").select_option(label="NPQLT – Block 1 – NPQLT F2F Training Session")
    page.get_by_label("Cohort").select_option(label="Cohort 3 (October 2022)")
    date = page.get_by_role("group", name="Session date")
    date.get_by_label("Day").fill("10")
    date.get_by_label("Month").fill("11")
    date.get_by_label("Year").fill("2022")
    journey.press("Create the register")

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
