"""EDT admins complete a block's credits in one form, and load a content spreadsheet in the browser."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Block, Course

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


def content_file(change) -> bytes:
    """content.csv as it is now, downloaded from the page, with `change` applied to each row (a dict)."""
    import csv
    import io

    from tracker.reference.content_file import current

    rows = list(csv.DictReader(io.StringIO(current().decode("utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        change(row)
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def upload(browser, content: bytes, filename: str = "content.csv"):
    import io

    return browser.post("/reference/content-file", {"file": (io.BytesIO(content), filename)},
                        content_type="multipart/form-data")


def hidden(page: str, name: str) -> str:
    import re

    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def test_an_uploaded_content_file_with_a_changed_credit_is_previewed_then_loaded(as_edt_admin):
    # Given content.csv as the tracker has it, downloaded from the upload page
    from tracker.reference.content_file import current

    downloaded = as_edt_admin.get("/reference/content-file/content.csv").get_data()
    assert downloaded == current() and downloaded.startswith(b"course,block,position,component,title,duration,credits\n")

    def webinar_worth_3(row):
        if (row["course"], row["block"], row["title"]) == ("NPQLL", "2", "TBC"):
            row["credits"] = "3"

    # When EDT upload it with NPQLL block 2's webinar worth 3 credits
    page = upload(as_edt_admin, content_file(webinar_worth_3), "NPQ content.csv").get_data(as_text=True)
    # Then the preview lists that one change, and nothing is changed yet
    assert "What NPQ content.csv would change" in page
    assert "content.csv: NPQLL block 2 &#39;TBC&#39;: credits TBC becomes 3" in page
    assert "1 change to the course content" in page
    db.session.expire_all()
    assert activity_of("NPQLL", 2, "TBC").credits is None
    # When they confirm, it is loaded, audited and said
    response = as_edt_admin.post("/reference/content-file/confirm", {
        name: hidden(page, name) for name in ("filename", "content", "changes")}, form_url="/reference/content-file")
    assert response.status_code == 302
    db.session.expire_all()
    assert activity_of("NPQLL", 2, "TBC").credits == 3
    assert [(e.action, e.actor) for e in audits("activity")] == [("update", "admin@edt.example")]
    assert "NPQ content.csv loaded: 1 change" in as_edt_admin.get("/reference").get_data(as_text=True)


def test_a_bad_content_file_is_refused_naming_its_row_and_column_and_changes_nothing(as_edt_admin):
    def bad(row):
        if (row["course"], row["block"], row["title"]) == ("NPQLL", "2", "TBC"):
            row["credits"] = "three"
        if (row["course"], row["block"], row["title"]) == ("NPQLL", "2", "Survey"):
            row["component"] = "quiz"

    response = upload(as_edt_admin, content_file(bad), "npq.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    assert "npq.csv: row 224: credits: &#39;three&#39; is not a whole number or TBC" in page
    assert "npq.csv: row 225: component: &#39;quiz&#39; is not one of" in page
    assert "Confirm and load" not in page
    db.session.expire_all()
    assert activity_of("NPQLL", 2, "TBC").credits is None
    assert audits("activity") == []


def test_credits_an_uploaded_file_would_put_past_a_printed_total_are_refused(as_edt_admin):
    def more(row):
        if (row["course"], row["block"], row["title"]) == ("NPQLT", "1", "Survey"):
            row["credits"] = "3"

    page = upload(as_edt_admin, content_file(more)).get_data(as_text=True)
    assert "NPQLT block 1: activities add up to 48, printed total is 46 (as the tracker holds it)" in page
    assert "Confirm and load" not in page


def test_a_workbook_or_windows_text_is_read_or_refused_plainly(as_edt_admin):
    page = upload(as_edt_admin, b"PK\x03\x04rest", "content.xlsx").get_data(as_text=True)
    assert "content.xlsx is an Excel workbook: save it as CSV UTF-8" in page
    # A file saved by Excel on Windows (Windows-1252) reads as any file the tracker reads
    page = upload(as_edt_admin, content_file(lambda row: None).decode().encode("cp1252")).get_data(as_text=True)
    assert "there is nothing to load" in page


def test_the_preview_is_refused_on_confirm_when_the_content_changed_since(as_edt_admin):
    def webinar_worth_3(row):
        if (row["course"], row["block"], row["title"]) == ("NPQLL", "2", "TBC"):
            row["credits"] = "3"

    page = upload(as_edt_admin, content_file(webinar_worth_3)).get_data(as_text=True)
    tbc = activity_of("NPQLL", 2, "TBC")
    assert as_edt_admin.post(f"/reference/NPQLL/activities/{tbc.id}", {
        "title": "TBC", "duration": "TBC", "credits": "2", "block_total": "TBC", "course_total": "TBC"}).status_code == 302
    response = as_edt_admin.post("/reference/content-file/confirm", {
        name: hidden(page, name) for name in ("filename", "content", "changes")}, form_url="/reference/content-file")
    assert response.status_code == 302
    db.session.expire_all()
    assert activity_of("NPQLL", 2, "TBC").credits == 2
    assert "changed after the preview" in as_edt_admin.get("/reference/content-file").get_data(as_text=True)


def test_staff_and_partners_cannot_load_content(as_edt_staff, as_north_lead):
    for browser in (as_edt_staff, as_north_lead):
        assert browser.get("/reference/content-file").status_code == 403
        assert browser.get("/reference/content-file/content.csv").status_code == 403
