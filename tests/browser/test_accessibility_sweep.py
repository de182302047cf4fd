"""Every page each role can reach from the navigation, and the action forms with their errors,
pass the same checks as the journeys (axe-core WCAG 2.2 AA, legends, CSP, no server errors),
and fit a 390 px phone and a 1280 px laptop: the document is never wider than the window, and on the
phone every target is at least 24 px or spaced from others (WCAG 2.2 2.5.8)."""
from __future__ import annotations

import pytest

from ..web.conftest import make_user

pytestmark = pytest.mark.browser

# EDT staff see the same pages as EDT admins, less Users.
USERS = {
    "partner-lead": ("lead@north.example", "NORTH"),
    "facilitator": ("facilitator@north.example", "NORTH"),
    "edt-admin": ("admin@edt.example", None),
}


@pytest.mark.parametrize("role", USERS)
def test_every_page_in_the_navigation_passes_the_accessibility_checks(journey, example_dataset, role):
    email, partner = USERS[role]
    make_user(email, role, partner)
    page = journey.page
    # Given someone of this role, signed in, on the example dataset
    journey.sign_in(email)
    navigation = page.get_by_role("navigation").filter(has=page.get_by_role("link", name="Participants"))
    links = [(link.inner_text().strip(), link.get_attribute("href")) for link in navigation.get_by_role("link").all()]
    assert len(links) >= 4, links
    # When they open every page of the navigation, each page passes the checks (journey.visit checks it)
    # and fits the window at 390 and at 1280 px
    for text, href in links:
        journey.visit(href)
        assert journey.heading(), f"{text} ({href}) has no main heading"
        journey.fits()
    if role == "edt-admin":  # and a course's content, the widest of EDT's own pages
        journey.visit("/reference/NPQLT")
        journey.fits()
    # and the help page the footer links to
    journey.follow("How the tracker decides")
    journey.fits()
    # and a register, the page a facilitator most uses on a phone
    journey.visit("/registers")
    with page.expect_navigation():
        page.get_by_role("button", name="Open").first.click()
    journey.arrived()
    assert page.get_by_role("group", name="Mark for").count(), f"{page.url} shows no marks"
    journey.fits()


def test_a_participants_pages_and_action_forms_pass_the_checks_even_when_a_form_has_errors(journey, example_dataset):
    make_user("lead@north.example", "partner-lead", "NORTH")
    page = journey.page
    journey.sign_in("lead@north.example")
    # Sorting the list is a link: the server sorts the whole list, the most urgent first
    journey.visit("/participants/")
    journey.follow("Escalation (sort ascending)")
    assert "sort=escalation" in page.url
    assert page.locator("#participants tbody tr").first.get_attribute("data-participant") == "EX006"
    journey.fits()
    for path in ("/participants/EX006", "/participants/EX006/history", "/participants/EX006/deferral",
                 "/participants/EX006/withdrawal/new", "/participants/EX006/extensions/new"):
        journey.visit(path)
        journey.fits()
    # When a lead empties the contact form (its date is filled in with today) and sends it, the errors
    # are listed and each is linked to its field
    journey.visit("/participants/EX006/contacts/new")
    when = page.get_by_role("group", name="Date of contact")
    for box in ("Day", "Month", "Year"):
        when.get_by_label(box).fill("")
    journey.press("Log contact")
    assert journey.errors() == ["Enter the date of contact", "Select how you contacted the participant",
                                "Select the outcome of the contact"]
    assert page.title().startswith("Error: ")
    # And following the date's error takes them to its Day box
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter the date of contact").click()
    assert page.evaluate("() => document.activeElement.id") == "contacted_on-day"
