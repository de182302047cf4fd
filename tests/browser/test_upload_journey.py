"""A partner lead uploads a credit report, reads what is wrong with it, fixes it and imports it."""
from __future__ import annotations

import pytest

from ..factories import gen_participant
from ..web.conftest import make_user

pytestmark = pytest.mark.browser

HEADER = "participant_id,block,activity,credits,completed_on,source"
GOOD_ROWS = {
    2: "N001,1,Diagnostic Assessment for Block 1,,2022-10-10,platform",
    4: "N002,1,Diagnostic Assessment for Block 1,,2022-10-12,platform",
}
# Row 3 claims 5 credits for a 3-credit activity; row 5 is dated after today (1 March 2023).
BAD_ROWS = {
    3: "N001,1,S 1.1a The Importance of Teachers and Teaching,5,2022-10-20,platform",
    5: "N002,1,S 1.1b Improving Pupil Outcomes in Practice,,2023-04-01,platform",
}
FIXED_ROWS = {
    3: "N001,1,S 1.1a The Importance of Teachers and Teaching,3,2022-10-20,platform",
    5: "N002,1,S 1.1b Improving Pupil Outcomes in Practice,,2023-02-01,platform",
}


def credit_report(rows: dict[int, str]) -> dict:
    lines = [HEADER] + [rows[n] for n in sorted(rows)]
    return {"name": "credits.csv", "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}


@pytest.fixture()
def north_lead(session):
    gen_participant("N001", partner="NORTH", course="NPQLT", cohort=3)
    gen_participant("N002", partner="NORTH", course="NPQLT", cohort=3)
    return make_user("lead@north.example", "partner-lead", "NORTH")


def upload(journey, file: dict) -> None:
    page = journey.page
    page.get_by_label("Kind of report").select_option(label="Activity credits (platform report)")
    page.get_by_label("File", exact=True).set_input_files(file)
    journey.press("Upload and check")


def test_a_lead_uploads_a_credit_report_with_two_bad_rows_fixes_it_and_imports_it(journey, north_lead):
    page = journey.page
    journey.sign_in("lead@north.example")
    # When the lead uploads a credit report in which two rows are wrong
    journey.follow("Uploads", exact=True)
    upload(journey, credit_report(GOOD_ROWS | BAD_ROWS))

    # Then they are shown both problems with their row numbers, and cannot import the file
    assert journey.heading() == "Your file has problems"
    problems = page.get_by_role("table", name="Problems found")
    rows = problems.locator("tbody tr").all_inner_texts()
    assert len(rows) == 2, rows
    assert rows[0].split("\t")[0].strip() == "3" and "credits" in rows[0]
    assert rows[1].split("\t")[0].strip() == "5" and "completed_on" in rows[1]
    assert page.get_by_role("button", name="Confirm import").count() == 0

    # When they fix the two rows and upload the file again
    journey.press("Upload a fixed file")
    upload(journey, credit_report(GOOD_ROWS | FIXED_ROWS))

    # Then they see what importing it would do, and confirm
    assert journey.heading() == "Check your file"
    counts = page.locator(".app-count").all_inner_texts()
    assert [" ".join(c.split()) for c in counts] == ["Rows read 4", "Would create 4", "Would update 0",
                                                     "Unchanged 0"]
    journey.press("Confirm import")

    # Then the file is imported, and listed among recent imports
    assert "Imported credits.csv: 4 rows read, 4 created, 0 updated, 0 unchanged" in journey.banner()
    imported = page.get_by_role("table", name="Files imported, newest first")
    assert "credits.csv" in imported.locator("tbody tr").first.inner_text()
