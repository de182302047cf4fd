"""An EDT admin completes a TBC block in one form, then loads a course content spreadsheet, on a laptop and a phone."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Activity, Block, Course

from ..web.conftest import make_user
from ..web.test_reference_web import shipped_reference_data_afterwards  # noqa: F401  (puts the shipped data back)

pytestmark = pytest.mark.browser


def credits_of(course: str, block: int, title: str):
    db.session.expire_all()
    return db.session.scalar(select(Activity.credits).join(Block, Activity.block_id == Block.id)
                             .join(Course, Block.course_id == Course.id)
                             .where(Course.code == course, Block.number == block, Activity.title == title))


def edited(download: bytes, course: str, block: str, title: str, credits: str) -> bytes:
    rows = list(csv.DictReader(io.StringIO(download.decode("utf-8"))))
    for row in rows:
        if (row["course"], row["block"], row["title"]) == (course, block, title):
            row["credits"] = credits
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_an_edt_admin_completes_a_tbc_block_and_loads_a_content_spreadsheet(journey, session):
    make_user("admin@edt.example", "edt-admin")
    page = journey.page
    journey.sign_in("admin@edt.example")

    # Given NPQLL block 2, whose recorded webinar's credits are TBC
    journey.follow("Course content", exact=True)
    journey.follow("NPQLL")
    journey.follow("Change the credits of every activity in block 2")
    assert journey.heading() == "Credits of block 2"
    journey.fits()

    # When the admin types a word for the survey and 3 for the webinar, nothing is saved and the survey is named
    page.get_by_label("TBC", exact=True).fill("3")
    page.get_by_label("Survey", exact=True).fill("one")
    journey.press("Save credits")
    assert journey.errors() == ["Credits of 'Survey' must be a whole number, or TBC"]
    assert credits_of("NPQLL", 2, "TBC") is None
    journey.fits()

    # When they put the survey back, the whole block is saved at once
    page.get_by_label("Survey", exact=True).fill("1")
    journey.press("Save credits")
    assert "NPQLL block 2: credits saved" in journey.banner()
    assert credits_of("NPQLL", 2, "TBC") == 3

    # Given the content spreadsheet downloaded from the reference page, with the webinar's credits changed to 4
    journey.follow("All courses")
    journey.follow("Load a course content file")
    journey.fits()
    with page.expect_download() as download:
        page.get_by_role("link", name="download content.csv").click()
    spreadsheet = edited(open(download.value.path(), "rb").read(), "NPQLL", "2", "TBC", "4")

    # When they upload it, the preview names the one change and nothing is changed yet
    page.get_by_label("Course content file").set_input_files(
        {"name": "NPQLL content.csv", "mimeType": "text/csv", "buffer": spreadsheet})
    journey.press("Check the file")
    assert "content.csv: NPQLL block 2 'TBC': credits 3 becomes 4" in page.locator("#content-changes").inner_text()
    assert credits_of("NPQLL", 2, "TBC") == 3
    journey.fits()

    # Then on Confirm it is loaded
    journey.press("Confirm and load")
    assert "NPQLL content.csv loaded: 1 change" in journey.banner()
    assert credits_of("NPQLL", 2, "TBC") == 4

    # And a file with a word for a credit is refused naming its row, changing nothing
    journey.follow("Load a course content file")
    page.get_by_label("Course content file").set_input_files(
        {"name": "NPQLL content.csv", "mimeType": "text/csv",
         "buffer": edited(spreadsheet, "NPQLL", "2", "TBC", "four")})
    journey.press("Check the file")
    assert journey.errors() == ["NPQLL content.csv: row 224: credits: 'four' is not a whole number or TBC"]
    assert credits_of("NPQLL", 2, "TBC") == 4
    journey.fits()
