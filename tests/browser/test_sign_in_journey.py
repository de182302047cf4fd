"""Signing in: with the mouse, and with the keyboard alone."""
from __future__ import annotations

import pytest

from ..factories import gen_participant
from ..web.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def north_lead(session):
    gen_participant("N001", partner="NORTH")
    return make_user("lead@north.example", "partner-lead", "NORTH")


def test_a_lead_who_mistypes_their_password_is_told_then_signs_in_and_out(journey, north_lead):
    page = journey.page
    # Given a delivery partner lead with an account
    # When they sign in with the wrong password
    journey.visit("/sign-in")
    page.get_by_label("Email address").fill("lead@north.example")
    page.get_by_label("Password", exact=True).fill("not-my-password")
    journey.press("Sign in")
    # Then they are told, and the message takes them to the password field
    assert journey.errors() == ["Email address or password is not right"]
    assert page.title().startswith("Error: ")
    page.get_by_role("link", name="Email address or password is not right").click()
    assert page.evaluate("document.activeElement.id") == "password"

    # When they sign in with their password
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    journey.press("Sign in")
    # Then they are signed in, and see who they are signed in as
    assert "/sign-in" not in page.url
    assert "Signed in as Lead (NORTH)" in page.locator(".app-account-bar").inner_text()

    # When they sign out
    journey.press("Sign out")
    # Then they are back at the sign-in page, told they have signed out
    assert page.url.endswith("/sign-in")
    assert "You have signed out." in journey.banner()


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_back_to_the_page_they_wanted(journey, north_lead):
    page = journey.page
    # Given someone who is not signed in opens a bookmark to Registers
    journey.visit("/registers")
    # Then they are asked to sign in first
    assert journey.heading() == "Sign in"
    # When they sign in
    page.get_by_label("Email address").fill("lead@north.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    journey.press("Sign in")
    # Then they are on the page they wanted
    assert page.url.endswith("/registers")
    assert journey.heading() == "Registers"


def _focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return {id: e.id, tag: e.tagName, text: (e.innerText || e.value || '').trim(),"
        " outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none'}; }"
    )


def _tab_to(page, element_id: str, most: int = 15) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["outline"] or focused["shadow"] or focused["tag"] == "A", f"no visible focus on {focused}"
        if focused["id"] == element_id:
            return
    raise AssertionError(f"#{element_id} was not reached in {most} presses of Tab")


def test_someone_using_only_a_keyboard_can_sign_in(journey, north_lead):
    page = journey.page
    # Given someone on the sign-in page who uses only a keyboard
    journey.visit("/sign-in")
    # When they Tab to the email field, type, Tab to the password, type and press Enter
    _tab_to(page, "email")
    page.keyboard.type("lead@north.example")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.arrived()
    # Then they are signed in
    assert "/sign-in" not in page.url
    assert "Signed in as Lead (NORTH)" in page.locator(".app-account-bar").inner_text()


def test_the_first_tab_on_a_page_offers_to_skip_to_the_main_content(journey, north_lead):
    page = journey.page
    journey.visit("/sign-in")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
