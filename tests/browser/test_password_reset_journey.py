"""Someone who has forgotten their password asks for a link, reads the email the SMTP server
received, opens the link (its code after "#", posted by the page), chooses a new password and signs
in; every page passes the checks and fits a 390 px phone and a 1280 px laptop."""
from __future__ import annotations

import re

import pytest

from ..mailbox import mailbox  # noqa: F401  (fixture)
from ..web.conftest import make_user

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-quieter-harbour-of-lanterns-8"


def test_a_lead_who_forgot_their_password_resets_it_from_an_email_and_signs_in(journey, live_server, example_dataset,
                                                                              mailbox, app, monkeypatch):
    make_user("lead@north.example", "partner-lead", "NORTH")
    monkeypatch.setitem(app.config, "PUBLIC_URL", live_server)
    page = journey.page
    # Given NORTH's lead on the sign-in page, who has forgotten their password
    journey.visit("/sign-in")
    journey.follow("Forgotten your password?")
    assert journey.heading() == "Reset your password"
    journey.fits()
    # When they ask for a link
    page.get_by_label("Email address").fill("lead@north.example")
    journey.press("Send the link")
    assert journey.heading() == "Check your email"
    journey.fits()
    # Then an email arrives with a link whose code is after "#"
    [mail] = mailbox.to("lead@north.example")
    link = re.search(r"^(http://\S+/password/reset#\S+)$", mail.body, re.M).group(1)
    # When they open it, the page sends the code on and asks for a new password
    page.goto(link)
    page.wait_for_url(re.compile(r"/password/reset/new$"))
    journey.arrived()
    assert journey.heading() == "Choose a new password"
    journey.fits()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    journey.press("Set password")
    # Then they are told so on the sign-in page, and sign in with the new password
    assert "Your password is changed" in journey.banner()
    journey.fits()
    journey.sign_in("lead@north.example", NEW_PASSWORD)
    assert "/sign-in" not in page.url


def test_an_invitation_link_to_copy_fits_a_phone(journey, session, app):
    make_user("admin@edt.example", "edt-admin")
    page = journey.page
    # Given an EDT admin, with email not set up
    journey.sign_in("admin@edt.example")
    journey.visit("/users/")
    # When they invite someone without choosing a role, they are asked to choose one
    page.get_by_label("Full name").fill("Nia North")
    page.get_by_label("Email address").fill("nia@north.example")
    journey.press("Send invitation")
    assert "Choose a role" in journey.errors()
    # And when they choose it, the link to send is in a field that fits the screen
    page.get_by_label("Role").select_option(label="EDT staff")
    journey.press("Send invitation")
    assert page.get_by_label("Invitation link for nia@north.example").input_value().startswith("http://")
    journey.fits()
