"""EDT admins complete a block's credits in one form, and load a content spreadsheet in the browser."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Activity, Block, Course

from .test_reference_web import activity_of, audits
from .test_reference_web import shipped_reference_data_afterwards  # noqa: F401  (the fixture puts the shipped data back)


def block_of(course: str, number: int) -> Block:
    return db.session.scalar(select(Block).join(Course).where(Course.code == course, Block.number == number))


def credits_form(block: Block, **by_title) -> dict:
    """The block's form as it is shown, with the credits of the activities named changed."""
    values = {f"credits_{a.id}": by_title.get(a.title, "TBC" if a.credits is None else str(a.credits))
              for a in block.activities}
    return {**values, "block_total": "TBC" if block.printed_total is None else str(block.printed_total),
            "course_total": "TBC" if block.course.printed_total is None else str(block.course.printed_total)}


def test_an_admin_completes_a_tbc_block_in_one_form(as_edt_admin):
    # Given NPQLL block 2, whose recorded webinar's credits and printed total are TBC
    block = block_of("NPQLL", 2)
    page = as_edt_admin.get("/reference/NPQLL").get_data(as_text=True)
    assert "/reference/NPQLL/blocks/2/credits" in page
    page = as_edt_admin.get("/reference/NPQLL/blocks/2/credits").get_data(as_text=True)
    assert "Diagnostic Assessment for Block 2" in page and "Survey" in page
    # When the admin gives the webinar 3 credits, the diagnostic 4, and the block its printed total
    form = credits_form(block, TBC="3", **{"Diagnostic Assessment for Block 2": "4"})
    form["block_total"] = str(sum(a.credits or 0 for a in block.activities) + 3 + 2)
    response = as_edt_admin.post("/reference/NPQLL/blocks/2/credits", form)
    # Then both are saved, with the total, each audited once
    assert response.status_code == 302
    db.session.expire_all()
    assert activity_of("NPQLL", 2, "TBC").credits == 3
    assert activity_of("NPQLL", 2, "Diagnostic Assessment for Block 2").credits == 4
    assert block_of("NPQLL", 2).printed_total == int(form["block_total"])
    assert [e.action for e in audits("activity")] == ["update", "update"]
    assert len(audits("block")) == 1
    page = as_edt_admin.get("/reference/NPQLL").get_data(as_text=True)
    assert "NPQLL block 2: credits saved" in page


def test_bad_values_are_named_by_activity_and_nothing_is_saved(as_edt_admin):
    block = block_of("NPQLL", 2)
    form = credits_form(block, TBC="3", Survey="lots", **{"Micro Implementation Tasks (MITs)": "-1"})
    response = as_edt_admin.post("/reference/NPQLL/blocks/2/credits", form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Credits of &#39;Survey&#39; must be a whole number, or TBC" in page
    assert "Credits of &#39;Micro Implementation Tasks (MITs)&#39; must be a whole number, or TBC" in page
    db.session.expire_all()
    assert activity_of("NPQLL", 2, "TBC").credits is None
    assert audits("activity") == []


def test_credits_that_break_a_printed_total_are_refused_together(as_edt_admin):
    # NPQLT block 1 is printed as 46: raising one activity without another is refused, and nothing is saved
    block = block_of("NPQLT", 1)
    response = as_edt_admin.post("/reference/NPQLT/blocks/1/credits", credits_form(block, Survey="3"))
    assert response.status_code == 200
    assert "NPQLT block 1: activities add up to 48, printed total is 46" in response.get_data(as_text=True)
    db.session.expire_all()
    assert activity_of("NPQLT", 1, "Survey").credits == 1
    assert audits("activity") == []


def test_staff_and_partners_cannot_complete_a_block(as_edt_staff, as_north_lead):
    assert as_edt_staff.get("/reference/NPQLL/blocks/2/credits").status_code == 403
    assert as_north_lead.get("/reference/NPQLL/blocks/2/credits").status_code == 403
