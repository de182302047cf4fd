"""EDT staff: record an assessment, confirm a withdrawal, download a partnership report and declarations."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from tracker.escalation.withdrawals import propose_withdrawal
from tracker.models import Participant

from ..factories import dfe_id, give_dfe_ids
from ..web.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def edt_staff(example_dataset):
    give_dfe_ids()  # the sample dataset's participants as DfE knows them
    return make_user("staff@edt.example", "edt-staff")


def pdf_text(path) -> str:
    if shutil.which("pdftotext"):  # poppler-utils, from make system-deps: much faster than pypdf
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def output_row(page, number: int):
    return page.get_by_role("row", name=re.compile(rf"^Output {number}: "))


def test_edt_staff_record_a_moderated_assessment_and_the_final_output_is_met(app, monkeypatch, journey, edt_staff):
    # Given the example dataset on 20 November 2023: EX016 (NPQH, cohort 2) has met Outputs 1-3 and
    # has 90% of the course's credits, but no assessment, so Output 4 (review date 21 December 2023) is pending
    monkeypatch.setitem(app.config, "TODAY", "2023-11-20")
    page = journey.page
    journey.sign_in("staff@edt.example")

    # When EDT staff open Assessments and ask to record one for EX016
    journey.follow("Assessments", exact=True)
    page.get_by_label("Participant ID").fill("EX016")
    journey.press("Record an assessment")
    assert "Name EX016 (EX016)" in page.locator(".govuk-caption-l").inner_text()
    final = page.locator(".govuk-summary-list__row").filter(has=page.get_by_text("Final output", exact=True))
    assert "Pending" in final.inner_text()

    # And record a moderated pass on 20 November 2023
    page.get_by_role("group", name="Assessment status").get_by_label("Moderated").check()
    page.get_by_role("group", name="Result").get_by_label("Pass", exact=True).check()
    recorded = page.get_by_role("group", name="Date recorded")
    recorded.get_by_label("Day").fill("20")
    recorded.get_by_label("Month").fill("11")
    recorded.get_by_label("Year").fill("2023")
    journey.press("Record assessment")

    # Then they are told the final output is met that day
    assert "Assessment for EX016 recorded. Final output: met (met on 2023-11-20)." in journey.banner()
    assert "Moderated" in page.get_by_role("table", name="EX016's records, newest first").inner_text()

    # And EX016's page shows Output 4 met on 20 November 2023, on credits and the assessment
    journey.follow("EX016", exact=True)
    output_4 = output_row(page, 4)
    assert output_4.get_by_text("Met", exact=True).is_visible(), output_4.inner_text()
    assert "20 Nov 2023" in output_4.inner_text()
    assert "Assessment marked and moderated" in output_4.inner_text()


@pytest.fixture()
def proposed_withdrawal(edt_staff, session):
    """NORTH's lead proposed that EX006, escalated since July 2022, is withdrawn."""
    participant = session.scalar(select(Participant).where(Participant.participant_id == "EX006"))
    propose_withdrawal(participant, reason="change-in-school-circumstances", withdrawn_on=date(2023, 2, 20),
                       note="Moved to a new school that does not support the programme.",
                       actor="lead@north.example", today=date(2023, 3, 1))
    session.commit()


def test_edt_staff_confirm_a_withdrawal_proposed_by_a_partner(journey, proposed_withdrawal):
    page = journey.page
    journey.sign_in("staff@edt.example")
    # When EDT staff open the withdrawals waiting for a decision
    journey.visit("/withdrawals")
    card = page.locator(".govuk-summary-card").filter(has_text="Name EX006 (EX006)")
    assert "Change in school circumstances" in card.inner_text()
    assert "Moved to a new school" in card.inner_text()
    # And confirm it
    with page.expect_navigation():
        card.get_by_role("button", name="Confirm withdrawal").click()
    journey.arrived()
    # Then they are told, nothing is left to decide, and the decision is listed
    assert "Withdrawal of Name EX006 confirmed: they are withdrawn." in journey.banner()
    assert "No withdrawals are waiting for a decision." in page.get_by_role("main").inner_text()
    decisions = page.get_by_role("table", name="Recent decisions")
    assert "Confirmed" in decisions.get_by_role("row").filter(has_text="EX006").inner_text()
    # And EX006 is withdrawn, no longer chased
    journey.visit("/participants/EX006")
    status = page.locator(".govuk-summary-list__row").filter(has=page.get_by_text("Participant status", exact=True))
    assert "Withdrawn" in status.inner_text()


def test_edt_staff_download_a_partnership_report_as_a_pdf(journey, edt_staff):
    page = journey.page
    journey.sign_in("staff@edt.example")
    # When EDT staff open Reports, choose NORTH and a meeting on 1 March 2023, ask for the report and
    # download it from its job's page (the job runs at once here: tests/conftest.py)
    journey.follow("Reports", exact=True)
    page.get_by_label("Delivery partner").select_option(label="NORTH – NORTH")
    meeting = page.get_by_role("group", name="Meeting date")
    meeting.get_by_label("Day").fill("1")
    meeting.get_by_label("Month").fill("3")
    meeting.get_by_label("Year").fill("2023")
    page.get_by_role("button", name="Make the PDF report").click()
    page.wait_for_url("**/jobs/*", timeout=60_000)  # WeasyPrint on a loaded machine: its speed is in bench/
    assert page.get_by_text("Done", exact=True).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download partnership-report-NORTH-2023-03-01.pdf").click()
    # Then they get NORTH's report as a PDF, which names the participants to chase
    pdf = download.value
    assert pdf.suggested_filename == "partnership-report-NORTH-2023-03-01.pdf"
    with open(pdf.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    text = pdf_text(pdf.path())
    assert "NORTH" in text and "EX006" in text
    assert "EX001" not in text, "another partner's participant is in NORTH's report"


def test_edt_staff_download_the_declarations_for_dfe_as_json_lines(journey, edt_staff):
    page = journey.page
    journey.sign_in("staff@edt.example")
    # When EDT staff open Declarations and download the DfE request bodies
    journey.follow("Declarations", exact=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download DfE request bodies (JSON lines)").click()
    body = download.value
    assert body.suggested_filename == "declarations-2023-03-01.jsonl"
    with open(body.path(), encoding="utf-8") as file:
        lines = [json.loads(line) for line in file if line.strip()]
    # Then each line is a DfE participant declaration, one per met output that is not blocked
    assert lines, "no declarations in the download"
    assert {line["data"]["type"] for line in lines} == {"participant-declaration"}
    started = [line["data"]["attributes"] for line in lines if line["data"]["attributes"]["participant_id"] == dfe_id("EX000")]
    assert {a["declaration_type"] for a in started} == {"started", "retained-1"}
    assert all(a["course_identifier"] == "npq-leading-teaching-development" for a in started)
    assert started[0]["declaration_date"].endswith("T00:00:00Z")
    # And the page lists as many declarations to send as the download holds
    assert f"Declarations to send ({len(lines)})" in page.get_by_role("heading", name=re.compile("^Declarations to send")).inner_text()


def test_edt_staff_see_every_partners_escalation_and_payments_on_a_laptop_and_a_card_per_partner_on_a_phone(
        journey, edt_staff):
    page = journey.page
    page.set_viewport_size({"width": 1280, "height": 800})
    journey.sign_in("staff@edt.example")
    # When EDT staff open All partners on a 1280 px screen
    journey.follow("All partners", exact=True)
    region = page.get_by_role("region", name=re.compile("^Delivery partners table"))
    box = region.bounding_box()
    # Then In the window, Extended, Escalated, Expected payments and the risk are in view without scrolling: the table fits
    # (each heading but Why is a sorting link: "Escalated (sort descending)")
    for name in ("In the window", "Extended", "Escalated", "Expected payments", "Risk, and why"):
        header = page.get_by_role("columnheader", name=re.compile(rf"^{name}( \(sort \w+\))?$")).bounding_box()
        assert box["x"] <= header["x"] and header["x"] + header["width"] <= box["x"] + box["width"] + 0.5, name
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth"), "the All partners table scrolls at 1280 px"
    # And on a 390 px phone each partner is a card: nothing scrolls sideways, each figure says what it is
    page.set_viewport_size({"width": 390, "height": 800})
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth"), "the All partners table scrolls on a phone"
    north = page.locator("tbody tr", has=page.locator("th.app-pinned", has_text="NORTH"))
    card = north.bounding_box()
    assert card["width"] <= 390 and card["height"] > 150, card
    reason = north.locator("[data-label='Risk, and why']")
    assert reason.bounding_box()["width"] > 250  # the reason reads across the card, not squeezed in a column
    journey.fits()
