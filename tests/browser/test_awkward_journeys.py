"""A delivery partner reads how the tracker decides on a phone, and opens a participant whose id has a `/`."""
from __future__ import annotations

import pytest

from ..factories import gen_participant
from ..web.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def north_lead(session):
    gen_participant("N001", partner="NORTH")
    gen_participant("EX/2023/7", partner="NORTH")
    return make_user("lead@north.example", "partner-lead", "NORTH")


def test_a_lead_reads_how_the_tracker_decides_on_a_phone_without_source_paths(journey, north_lead):
    page = journey.page
    # Given a partner lead signed in on a 390 px phone
    page.set_viewport_size({"width": 390, "height": 800})
    journey.sign_in("lead@north.example")
    # When they follow the link to how the tracker decides
    journey.follow("How the tracker decides")
    # Then the page fits the phone (and a laptop), and speaks to them, not to a developer
    assert journey.heading() == "How the tracker decides"
    journey.fits()
    text = page.locator("main").inner_text()
    for developer_words in ("tracker/rules", "README", "flask ", ".py", "the code"):
        assert developer_words not in text, developer_words


def test_a_lead_opens_a_participant_whose_id_holds_slashes_from_the_list(journey, north_lead):
    page = journey.page
    journey.sign_in("lead@north.example")
    journey.visit("/participants/")
    # When they follow the participant's id in the list
    journey.follow("EX/2023/7", exact=True)
    # Then the participant's own page opens, and its escalation actions too
    assert journey.heading().startswith("Name EX/2023/7")
    journey.follow("Log a contact")
    assert "EX~2F2023~2F7" in page.url
