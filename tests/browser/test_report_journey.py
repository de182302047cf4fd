"""A facilitator uploads a Teams attendance report as it came, reviews the register it proposes,
and later corrects a mark of the register it became."""
from __future__ import annotations

import pytest

from ..factories import gen_participant
from ..imports.reports import files
from ..imports.reports.test_cli_attendance import ACTIVITIES, PARTICIPANTS, SUMMARY
from ..web.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def north_cohort_4(session, app, monkeypatch, as_of):
    """NORTH's NPQLT cohort 4 is EX036 and EX100, its NPQLTD cohort 4 is EX034; SOUTH's EX013 is on
    NPQLT cohort 4 too. Today is 10 May 2023, after the webinar of 17 April."""
    for ref, partner, course in (("EX036", "NORTH", "NPQLT"), ("EX100", "NORTH", "NPQLT"),
                                 ("EX034", "NORTH", "NPQLTD"), ("EX013", "SOUTH", "NPQLT")):
        gen_participant(ref, partner=partner, course=course, cohort=4)
    make_user("facilitator@north.example", "facilitator", "NORTH")
    monkeypatch.setitem(app.config, "TODAY", "2023-05-10")


def test_a_facilitator_turns_a_teams_report_into_a_register_and_corrects_it_later(journey, north_cohort_4):
    page = journey.page
    # Given a NORTH facilitator, signed in, with the Teams attendance report of a joint webinar
    journey.sign_in("facilitator@north.example")
    journey.follow("Uploads", exact=True)

    # When they upload the report as Teams wrote it (UTF-16, tabs, three sections)
    page.get_by_label("Kind of report").select_option(label="Attendance (registers)")
    page.get_by_label("File", exact=True).set_input_files({
        "name": "NPQLT Live Webinar - Attendance report 17-04-23.csv", "mimeType": "text/csv",
        "buffer": files.teams(SUMMARY, PARTICIPANTS, ACTIVITIES)})
    journey.press("Upload and check")

    # Then the tracker proposes a register from it, its minimum half the two-hour session
    assert journey.heading() == "Check the proposed register"
    assert "Present at least 60 minutes is attended" in page.content()

    # When they choose block 2's webinar, for NPQLT and NPQLTD cohort 4, with a minimum of 30 minutes
    page.get_by_label("Training event").select_option(label="NPQLT – Block 2 – NPQLT Live Webinar")
    page.get_by_label("NPQLT, cohort 4").check()
    page.get_by_label("NPQLTD, cohort 4").check()
    page.get_by_label("Minimum minutes present").fill("30")
    journey.press("Update the proposed register")

    # Then EX034, in for 34 minutes, is attended, and EX100, not in the report, absent
    in_report = page.locator("#in-report")
    assert "Attended" in in_report.get_by_role("row", name="EX034").inner_text()
    assert "34" in in_report.get_by_role("row", name="EX034").inner_text()
    assert "Absent" in page.locator("#not-in-report").get_by_role("row", name="EX100").inner_text()
    # and SOUTH's EX013, in the report, is not matched and cannot be chosen
    unmatched = page.locator("#unmatched")
    assert "ex013@example.org" in unmatched.inner_text()
    assert "EX013" not in page.get_by_label("This is Facil Itator").inner_text()

    # When they say Facil Itator is EX100 (who joined from another address)
    page.get_by_label("This is Facil Itator").select_option(label="Name EX100 (EX100)")
    journey.press("This is them: Facil Itator")

    # Then the address is remembered for EX100, and EX100 is matched and attended
    assert "facil@partner.example is now an other email of Name EX100 (EX100)" in journey.banner()
    assert "Attended" in page.locator("#in-report").get_by_role("row", name="EX100").inner_text()

    # When they confirm the register
    journey.press("Confirm the register")
    assert "Imported NPQLT Live Webinar - Attendance report 17-04-23.csv" in journey.banner()

    # And later open it from the registers page and mark EX036 absent
    journey.follow("Registers", exact=True)
    journey.press("Open the register of NPQLT – Block 2 – NPQLT Live Webinar on 17 April 2023")
    assert journey.heading() == "NPQLT Live Webinar, 17 April 2023"
    assert page.get_by_role("group", name="Mark for Name EX100 (EX100)").get_by_label("Attended").is_checked()
    page.get_by_role("group", name="Mark for Name EX036 (EX036)").get_by_label("Absent").check()
    journey.press("Save marks")

    # Then the correction is saved as theirs
    assert "1 mark saved" in journey.banner()
    assert page.get_by_role("group", name="Mark for Name EX036 (EX036)").get_by_label("Absent").is_checked()
