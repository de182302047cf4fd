"""EDT staff find the delivery partner in most trouble on the overview, on a laptop and on a phone."""
from __future__ import annotations

import re

import pytest

from ..factories import PARTICIPANT_HEADER, import_text
from ..web.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def many_partners(example_dataset):
    """The example dataset, and 60 more partners: n % 4 escalated (cohort 1, nothing met) and two just started."""
    rows = []
    for n in range(60):
        code = f"DP{n:03}"
        rows += [f"{code}E{k},Name,{code.lower()}e{k}@example.org,{code},NPQLT,1,yes,yes,active" for k in range(n % 4)]
        rows += [f"{code}T{k},Name,{code.lower()}t{k}@example.org,{code},NPQLT,4,yes,yes,active" for k in range(2)]
    assert import_text("participants", PARTICIPANT_HEADER, *rows).ok
    return make_user("staff@edt.example", "edt-staff")


def partners(page) -> list[str]:
    return [row.get_attribute("data-partner") for row in page.locator("#overview tbody tr").all()]


@pytest.mark.parametrize("width", [1280, 390])
def test_edt_staff_see_the_riskiest_partner_first_and_sort_by_a_column(journey, many_partners, width):
    page = journey.page
    page.set_viewport_size({"width": width, "height": 900})
    # Given EDT staff signed in, with 62 delivery partners
    journey.sign_in("staff@edt.example")
    # When they open All partners (on a phone the navigation is behind its menu button)
    journey.visit("/overview")
    # Then one row per partner is shown, the riskiest first, with the reason in words, 50 to a page
    assert partners(page)[:3] == ["DP003", "DP007", "DP011"], partners(page)[:5]
    assert len(partners(page)) == 50
    first = page.locator("#overview tbody tr").first
    assert "3 of 5 (60%) escalated" in first.inner_text()
    assert "No price set" in first.inner_text()
    table = page.get_by_role("table", name="Delivery partners by risk")
    assert table.get_by_role("columnheader", name=re.compile("^Risk, and why")).get_attribute("aria-sort") == "descending"
    journey.fits(widths=(width,))
    # When they sort by delivery partner, the whole list is sorted on the server, and the heading says so
    journey.follow("Delivery partner (sort ascending)")
    assert "sort=partner" in page.url
    assert partners(page)[:3] == ["DP000", "DP001", "DP002"]
    assert table.get_by_role("columnheader", name="Delivery partner").get_attribute("aria-sort") == "ascending"
    assert table.get_by_role("columnheader", name=re.compile("^Risk, and why")).get_attribute("aria-sort") is None
    # And the last page holds the rest
    journey.follow("Next")
    assert partners(page)[-1] == "SOUTH" and len(partners(page)) == 12
    journey.fits(widths=(width,))
