"""A partner lead chases an escalated participant: logs a contact, then agrees an extended deadline."""
from __future__ import annotations

import re

import pytest

from ..web.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def north_lead(example_dataset):
    return make_user("lead@north.example", "partner-lead", "NORTH")


def escalation(page) -> str:
    row = page.locator(".govuk-summary-list__row").filter(has=page.get_by_text("Escalation", exact=True))
    return row.locator(".govuk-tag").inner_text().strip()


def test_a_lead_logs_a_contact_for_an_escalated_participant_and_agrees_an_extension(journey, north_lead):
    page = journey.page
    # Given the example dataset on 1 March 2023, where NORTH's EX006 missed Output 2 (Retention Point,
    # review date 23 June 2022) and its 3-week window ended on 14 July 2022
    journey.sign_in("lead@north.example")
    journey.follow("Participants", exact=True)
    journey.open_participant("EX006")
    # Then the lead sees EX006 escalated
    assert escalation(page) == "Escalated"

    # When they log a phone call in which they spoke to the participant
    journey.follow(re.compile("contact", re.I))
    assert "Name EX006 (EX006)" in page.locator(".govuk-caption-l").inner_text()
    when = page.get_by_role("group", name="Date of contact")
    when.get_by_label("Day").fill("27")
    when.get_by_label("Month").fill("2")
    when.get_by_label("Year").fill("2023")
    page.get_by_role("group", name="How did you contact them?").get_by_label("Phone call").check()
    page.get_by_role("group", name="What was the outcome?").get_by_label("Agreed a plan to catch up").check()
    page.get_by_label("Note (optional)").fill("Catching up on block 2 self-study by the end of March.")
    journey.press("Log contact")
    # Then they are back on EX006's page, which lists the contact in the escalation history
    assert "Contact with Name EX006 logged." in journey.banner()
    history = page.get_by_role("table", name=re.compile("^Contacts, extensions"))
    assert "Catching up on block 2 self-study" in history.inner_text()
    assert escalation(page) == "Escalated"

    # When they agree an extended deadline of 31 March 2023 for the output escalation refers to
    journey.follow(re.compile("extension|extended deadline", re.I))
    output_2 = page.get_by_role("group", name="Which output is the deadline for?").get_by_label(
        re.compile(r"Output 2: Retention Point"))
    assert output_2.is_checked(), "the output escalation refers to is offered first"
    deadline = page.get_by_role("group", name="Extended deadline")
    deadline.get_by_label("Day").fill("31")
    deadline.get_by_label("Month").fill("3")
    deadline.get_by_label("Year").fill("2023")
    page.get_by_label("What did you agree? (optional)").fill("Block 2 self-study done by 31 March.")
    journey.press("Agree extended deadline")

    # Then EX006's escalation is now Extended, and the history shows the extension
    assert "Extended deadline for Output 2 agreed with Name EX006: 31 March 2023." in journey.banner()
    assert escalation(page) == "Extended"
    assert "Block 2 self-study done by 31 March." in history.inner_text()
