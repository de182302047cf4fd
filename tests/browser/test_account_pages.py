"""The pages for managing people and one's own password pass the journeys' checks (axe-core WCAG
2.2 AA, CSP, no server errors), and an admin deactivates a user from their page."""
from __future__ import annotations

import pytest

from ..web.conftest import make_user

pytestmark = pytest.mark.browser


def test_an_admin_manages_a_user_and_changes_their_own_password_on_accessible_pages(journey, example_dataset):
    make_user("admin@edt.example", "edt-admin")
    lead = make_user("lead@north.example", "partner-lead", "NORTH")
    page = journey.page
    # Given an EDT admin, signed in
    journey.sign_in("admin@edt.example")
    # When they open the Users page and a partner lead's page, each passes the checks
    journey.visit("/users/")
    journey.visit(f"/users/{lead.id}")
    # And they deactivate the lead, the page says so and offers to reactivate
    journey.press("Deactivate")
    assert "is deactivated and cannot sign in" in page.inner_text("main")
    assert page.get_by_role("button", name="Reactivate").is_visible()
    # And their own password page passes the checks too
    journey.visit("/account/password")
    assert journey.heading() == "Change your password"
