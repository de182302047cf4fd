"""A partner lead uploads the platform's weekly report in its own headings, matches its columns once,
and imports it; next week's report, with the same headings, is read the same way without asking."""
from __future__ import annotations

import pytest

from .test_upload_journey import north_lead, upload  # noqa: F401  (north_lead: a fixture)

pytestmark = pytest.mark.browser

HEADER = "Learner ID,Activity name,Credits achieved,Date completed"
THIS_WEEK = ("N001,Diagnostic Assessment for Block 1,2,20/11/2022 10:15",
             "N002,Video Introduction to Block 1,1,21/11/2022 09:00")
NEXT_WEEK = ("N001,S 1.1a The Importance of Teachers and Teaching,3,28/11/2022 16:40",
             "N002,Diagnostic Assessment for Block 1,2,29/11/2022 11:05")


def platform_report(name: str, rows) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": ("\n".join((HEADER, *rows)) + "\n").encode()}


def test_a_lead_maps_the_platform_reports_columns_once_and_next_weeks_report_is_read_without_asking(
        journey, north_lead):
    page = journey.page
    journey.sign_in("lead@north.example")
    # When the lead uploads the platform's report with its own headings
    journey.follow("Uploads", exact=True)
    upload(journey, platform_report("week-1.csv", THIS_WEEK))

    # Then they are asked which column holds what, seeing the file's headings and first values
    assert journey.heading() == "Match the file's columns"
    found = page.get_by_role("table", name="The file's columns").locator("tbody tr").all_inner_texts()
    assert [row.split("\t")[0].strip() for row in found] == HEADER.split(",")
    assert "N001, N002" in found[0]

    # When they forget the participant's column, they are told which field it is
    page.get_by_label("activity", exact=True).select_option("Activity name")
    page.get_by_label("completed_on", exact=True).select_option("Date completed")
    page.get_by_label("credits", exact=True).select_option("Credits achieved")
    page.get_by_label("Or one value of block for the whole file").fill("Block 1")
    journey.press("Continue")
    assert journey.errors() == ["Choose the column that holds participant_id or the one that holds email"]

    # When they choose it and continue
    page.get_by_label("participant_id", exact=True).select_option("Learner ID")
    journey.press("Continue")

    # Then the preview says the file was read with their mapping, and what importing it would do
    assert journey.heading() == "Check your file"
    mapping = page.locator("#column-mapping").inner_text()
    assert "Read with the column mapping you chose" in mapping and "Block 1 on every row" in mapping
    counts = [" ".join(c.split()) for c in page.locator(".app-count").all_inner_texts()]
    assert counts == ["Rows read 2", "Would create 2", "Would update 0", "Unchanged 0"]
    journey.press("Confirm import")
    assert "Imported week-1.csv: 2 rows read, 2 created" in journey.banner()

    # When next week's report comes, with the same headings
    upload(journey, platform_report("week-2.csv", NEXT_WEEK))

    # Then no mapping is asked: the preview says which saved mapping read it, and it imports
    assert journey.heading() == "Check your file"
    mapping = page.locator("#column-mapping").inner_text()
    assert "Read with the column mapping saved on" in mapping and "lead@north.example" in mapping
    assert page.get_by_role("link", name="Change the column mapping").count() == 1
    journey.press("Confirm import")
    assert "Imported week-2.csv: 2 rows read, 2 created" in journey.banner()
