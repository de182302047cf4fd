"""A partner lead emails two people on the action list their next step, through a real SMTP server."""
from __future__ import annotations

import re

import pytest

from ..mailbox import mailbox  # noqa: F401  (fixture)
from ..web.conftest import make_user

pytestmark = pytest.mark.browser


def test_a_lead_ticks_two_people_previews_one_message_and_double_clicks_send(journey, example_dataset, mailbox):
    make_user("lead@north.example", "partner-lead", "NORTH")
    page = journey.page
    # Given NORTH's lead on the dashboard, where EX006 and EX004 are on the action list
    journey.sign_in("lead@north.example")
    journey.visit("/dashboard")
    # When they tick both and choose to email them
    page.get_by_label("Select Name EX006").check()
    page.get_by_label("Select Name EX004").check()
    journey.press("Email those ticked their next step")
    # Then they see the message to the first one, with EX006's own next step
    assert journey.heading() == "Email the participants their next step"
    preview = page.locator("#message-preview").inner_text()
    assert "Dear Name EX006," in preview and "Your next step: Complete " in preview
    journey.fits()
    # And they can look at the message to the other one instead
    page.get_by_label("Show the message to").select_option(label="Name EX004 (EX004)")
    journey.press("Show this message")
    assert "Dear Name EX004," in page.locator("#message-preview").inner_text()
    # When they double-click Send
    with page.expect_navigation():
        page.get_by_role("button", name="Send 2 emails").dblclick()
    page.wait_for_url(re.compile(r"/emails/sent/\d+$"))
    journey.arrived()
    # Then each got one email, and the page says so
    assert page.locator("#sent-count").inner_text() == "2 of 2 sent."
    assert sorted(r.recipients[0] for r in mailbox.received) == ["ex004@example.org", "ex006@example.org"]
    # And EX006's escalation history shows the contact by email
    journey.follow("Name EX006")
    assert "Next-step email sent to ex006@example.org" in page.locator("main").inner_text()


def test_a_lead_changes_the_template_and_an_unknown_placeholder_is_refused(journey, example_dataset, mailbox):
    make_user("lead@north.example", "partner-lead", "NORTH")
    page = journey.page
    # Given NORTH's lead looking at the message to EX006
    journey.sign_in("lead@north.example")
    journey.visit("/emails/new?participant=EX006")
    # When they change the subject to one with a misspelt placeholder
    journey.follow("Change the subject and message")
    page.get_by_label("Subject").fill("Your next step, {frist_name}")
    journey.press("Save the template")
    # Then the error names the field and the placeholder, and links to the field
    [error] = journey.errors()
    assert error.startswith("The subject uses {frist_name}, which is not a placeholder")
    journey.fits()
    # When they correct it, they are back at the preview, which uses it
    page.get_by_label("Subject").fill("Your next step, {name}")
    journey.press("Save the template")
    assert journey.heading() == "Email the participants their next step"
    assert "Subject: Your next step, Name EX006" in page.locator("#message-preview").inner_text()
