"""An EDT admin syncs with DfE (the stand-in, on real HTTP), adds a participant DfE lists to the tracker for a
partner, gives a partner its DfE id, then reads DfE's statements and, on All partners, what DfE holds against
what the tracker expects."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tracker.declarations.produce import produced
from tracker.extensions import db
from tracker.models import DeclarationRecord, DeliveryPartner, Participant

from ..declarations.stand_in import dfe  # noqa: F401  (fixture)
from ..factories import give_dfe_ids
from ..web.conftest import make_user

pytestmark = pytest.mark.browser
AS_OF = date(2023, 3, 1)


@pytest.fixture()
def dfe_lists_edts_work(example_dataset, dfe):  # noqa: F811
    """DfE lists the sample dataset's participants and one more (Dana New), a delivery partner for NORTH, and
    two statements; the tracker has heard that DfE paid all but one of NORTH's started declarations in January."""
    make_user("admin@edt.example", "edt-admin")
    for ref, dfe_id in give_dfe_ids().items():
        person = db.session.scalar(select(Participant).where(Participant.participant_id == ref))
        dfe.enrol(person.full_name, person.email, person.course.dfe_identifier, dfe_id=dfe_id, cohort=2022)
    dfe.enrol("Dana New", "dana@new.example", "npq-headship", schedule="npq-leadership-autumn", cohort=2022)
    hub = dfe.add_delivery_partner("North hub at DfE", [2022, 2024])
    january = dfe.add_statement("January", 2023, 2022, "2022-12-31", "2023-01-25", paid=True)
    dfe.add_statement("April", 2023, 2022, "2023-03-31", "2023-04-25")
    started = [d for d in produced(AS_OF, partner="NORTH") if d.declaration_type == "started" and not d.blocked]
    for d in started[:-1]:
        db.session.add(DeclarationRecord(
            participant_id=d.participant_pk, declaration_type="started", declaration_date=d.declaration_date,
            course_identifier=d.course_identifier, state="paid", updated_at=datetime(2023, 2, 1), current=True,
            dfe_id=f"paid-{d.participant_id}", statement_id=january))
    db.session.commit()
    return {"hub": hub, "started": len(started), "unsent": started[-1].participant_id}


def test_an_edt_admin_syncs_with_dfe_and_compares_what_dfe_holds_with_what_the_tracker_expects(
        journey, dfe_lists_edts_work):
    page = journey.page
    n = dfe_lists_edts_work["started"]
    journey.sign_in("admin@edt.example")

    # When an EDT admin opens DfE and syncs with DfE
    journey.follow("DfE", exact=True)
    assert "The tracker has never synced with DfE." in page.locator("#last-sync").inner_text()
    journey.press("Sync with DfE")
    assert page.get_by_text("Done", exact=True).is_visible(), page.get_by_role("main").inner_text()
    journey.visit("/dfe")

    # Then DfE's participant the tracker lacks is listed, and they add her for NORTH
    missing = page.get_by_role("heading", name=re.compile("^At DfE, not in the tracker"))
    assert missing.inner_text() == "At DfE, not in the tracker (1)"
    dana = page.get_by_role("row").filter(has_text="Dana New")
    dana.get_by_label("Delivery partner").select_option("NORTH")
    dana.get_by_label("Participant ID in the tracker").fill("N900")
    with page.expect_navigation():
        dana.get_by_role("button", name="Add to the tracker").click()
    journey.arrived()
    assert "Dana New was added to the tracker as N900 of NORTH" in journey.banner()

    # And they choose NORTH's DfE id from DfE's list
    journey.visit("/dfe")
    north = page.locator("#partner-NORTH")
    north.get_by_label("NORTH at DfE").select_option(label="North hub at DfE")
    with page.expect_navigation():
        north.get_by_role("button", name="Save").click()
    journey.arrived()
    assert f"NORTH is now known at DfE as {dfe_lists_edts_work['hub']}" in journey.banner()

    # And they read DfE's statements by month: January's was paid, with NORTH's started declarations on it
    journey.follow("DfE's statements by month")
    january = page.get_by_role("table", name=re.compile("^Declarations on the January 2023 statement"))
    assert re.search(rf"started\s+{n - 1}\s+{n - 1} paid", january.inner_text()), january.inner_text()
    assert page.get_by_role("heading", name=re.compile("^Cohort 2022")).filter(has_text="Next cut-off").count() == 1

    # Then on All partners they see, in words, what DfE holds against what the tracker expects
    journey.follow("All partners", exact=True)
    north_words = page.locator("#at-dfe-NORTH + ul").inner_text()
    assert (f"DfE holds {n - 1} of the {n} started declarations NORTH's participants have met; 1 is not yet sent"
            in north_words), north_words
    page.get_by_text(re.compile(r"^\d+ differences? between the tracker and DfE for NORTH$")).click()
    unsent = page.get_by_role("row").filter(has_text=dfe_lists_edts_work["unsent"]).filter(has_text="started")
    assert "Met, not yet sent to DfE" in unsent.inner_text()
    assert db.session.scalar(select(DeliveryPartner.dfe_id).where(DeliveryPartner.code == "NORTH")) == \
        dfe_lists_edts_work["hub"]
