"""A partner lead's Monday: the dashboard starts with who to act on, on a laptop and on a phone."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ContactAttempt, Extension, Participant

from ..web.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def north_lead(example_dataset):
    """NORTH's lead, who phoned EX006 on 27 February and agreed 31 March 2023 with EX032 for Output 3."""
    make_user("lead@north.example", "partner-lead", "NORTH")
    pks = dict(db.session.execute(select(Participant.participant_id, Participant.id)
                                  .where(Participant.participant_id.in_(["EX006", "EX032"]))).all())
    db.session.add(ContactAttempt(participant_id=pks["EX006"], contacted_on=date(2023, 2, 27), method="phone",
                                  outcome="no-response", note="", recorded_by="lead@north.example",
                                  recorded_at=datetime(2023, 2, 27, 9)))
    db.session.add(Extension(participant_id=pks["EX032"], output=3, deadline=date(2023, 3, 31), note="On the phone",
                             agreed_by="lead@north.example", agreed_on=date(2023, 2, 27),
                             agreed_at=datetime(2023, 2, 27, 9)))
    db.session.commit()


def row(page, ref: str):
    return page.locator(f"#action-list tr[data-participant='{ref}']")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_lead_sees_who_to_act_on_first_ticks_them_all_and_narrows_to_those_at_risk(journey, north_lead, width):
    page = journey.page
    page.set_viewport_size({"width": width, "height": 800})
    # Given NORTH's lead on 1 March 2023, signed in
    journey.sign_in("lead@north.example")
    journey.visit("/dashboard")
    # Then the first section under the heading is who to act on, and its first row is on the first screen
    headings = [h.strip() for h in page.locator("main h2").all_inner_texts()]
    assert headings[0] == "Participants to act on"
    assert row(page, "EX006").bounding_box()["y"] < 800
    # And each row says when, how and with what outcome they were last contacted
    assert "27 Feb 2023, phone call: no response" in row(page, "EX006").inner_text()
    assert "No contact logged" in row(page, "EX004").inner_text()
    # And EX032's row shows the deadline the lead agreed, beside the window the rules give
    ex032 = " ".join(row(page, "EX032").inner_text().split())
    assert "(until 17 Mar 2023)" in ex032 and "Agreed deadline 31 Mar 2023" in ex032
    journey.fits()

    # When they tick "Select all", every row is ticked; clearing one leaves "Select all" part-ticked
    boxes = page.locator("#action-list input.app-select")
    assert boxes.count() == 5
    select_all = page.get_by_label("Select all 5 shown")
    select_all.check()
    assert all(boxes.nth(n).is_checked() for n in range(5))
    page.get_by_label("Select Name EX004").uncheck()
    assert not select_all.is_checked() and select_all.evaluate("box => box.indeterminate")
    # And every checkbox is a GOV.UK one, at least 24 by 24 px to tap (WCAG 2.2 2.5.8)
    for box in [select_all, *(boxes.nth(n) for n in range(5))]:
        size = box.bounding_box()
        assert size["width"] >= 24 and size["height"] >= 24, size
        assert "govuk-checkboxes__input" in box.get_attribute("class")

    # When they show only those at risk, EX008 is left: nothing in 4 weeks, Output 1 due on 9 March
    journey.follow(re.compile(r"only those at risk \(1\)"))
    assert [r.get_attribute("data-participant") for r in page.locator("#action-list tbody tr").all()] == ["EX008"]
    assert "Needs a new credit or session in 9 days; none in the last 4 weeks" in row(page, "EX008").inner_text()
    journey.fits()
    # And the count of those at risk leads to the participants list, filtered to them
    journey.follow(re.compile(r"^\s*1\s+at risk\s*$"))
    assert [r.get_attribute("data-participant") for r in page.locator("#participants tbody tr").all()] == ["EX008"]
    assert page.get_by_label("At risk at their pace").is_checked()
