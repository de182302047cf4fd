"""EDT staff tell DfE of a withdrawal from the participant's page (the stand-in, on real HTTP): DfE's refusal
shows where they pressed the button, in DfE's words, and once DfE holds a started declaration the withdrawal is
sent and the page says what DfE now holds. At a phone's width and a laptop's."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from tracker.escalation.withdrawals import confirm_withdrawal, propose_withdrawal
from tracker.extensions import db
from tracker.models import DfeChange, Participant

from ..declarations.stand_in import dfe  # noqa: F401  (fixture)
from ..factories import dfe_id, give_dfe_ids
from ..web.conftest import make_user

pytestmark = pytest.mark.browser
NOT_STARTED = ("An NPQ participant who has not got a started declaration cannot be withdrawn. Please contact support "
               "for assistance")


@pytest.fixture()
def withdrawn_ex000(example_dataset, dfe):  # noqa: F811
    """EX000 of NORTH, whose withdrawal EDT confirmed; DfE lists them, with no declaration yet."""
    make_user("staff@edt.example", "edt-staff")
    give_dfe_ids()
    ex000 = db.session.scalar(select(Participant).where(Participant.participant_id == "EX000"))
    dfe.enrol(ex000.full_name, ex000.email, ex000.course.dfe_identifier, dfe_id=dfe_id("EX000"), cohort=2022)
    proposal = propose_withdrawal(ex000, reason="personal-reason-moving-school", withdrawn_on=date(2023, 2, 1),
                                  note="", actor="lead@north.example", today=date(2023, 3, 1))
    confirm_withdrawal(proposal, note="", actor="staff@edt.example")
    db.session.commit()
    return ex000


def test_edt_staff_send_a_withdrawal_to_dfe_and_see_dfes_refusal_then_its_acceptance(journey, withdrawn_ex000, dfe):  # noqa: F811
    page = journey.page
    journey.sign_in("staff@edt.example")
    journey.visit("/participants/EX000")

    # EDT staff see what DfE does not yet hold of EX000
    at_dfe = page.locator("#dfe-to-tell")
    assert "Withdrawal, reason: personal reason: moving school" in at_dfe.inner_text()
    journey.fits()

    # When they send it before DfE holds a started declaration, DfE's refusal shows on the page, in DfE's words
    journey.press("Send to DfE")
    assert page.url.endswith("/participants/EX000#at-dfe")
    refusal = page.locator("#dfe-refused-withdraw")
    assert re.search(r"DfE refused the withdrawal on \d+ \w+ \d{4}", refusal.inner_text()), refusal.inner_text()
    assert NOT_STARTED in refusal.inner_text()
    journey.fits()

    # Once DfE holds a started declaration, sending again is accepted and the page says what DfE holds
    course = withdrawn_ex000.course.dfe_identifier
    dfe.declarations["started-ex000"] = {
        "attributes": {"participant_id": dfe_id("EX000"), "declaration_type": "started", "course_identifier": course,
                       "declaration_date": "2022-11-01T00:00:00Z", "state": "eligible"},
        "updated_at": datetime.now(timezone.utc), "order": 0}
    journey.press("Send to DfE")
    told = page.locator("#dfe-told-withdraw")
    assert re.search(r"DfE was told of the withdrawal on \d+ \w+ \d{4}: it holds withdrawn", told.inner_text()), \
        told.inner_text()
    assert page.locator("#dfe-to-tell").count() == 0 and page.get_by_role("button", name="Send to DfE").count() == 0
    assert "DfE holds them as withdrawn" in page.locator("#at-dfe + p").inner_text()
    assert [c.result for c in db.session.scalars(select(DfeChange).order_by(DfeChange.id))] == ["refused", "sent"]
    journey.fits()
