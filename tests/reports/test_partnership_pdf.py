"""The partnership-meeting PDF, rendered for real and read back: it says what standings() says."""
from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime

import pytest
from pypdf import PdfReader

from tracker.engagement.standing import participants_query, standings
from tracker.models import ContactAttempt, DeliveryPartner, Extension
from tracker.reports import partnership_html, partnership_pdf
from tracker.words import STATUS_LABELS

from .conftest import MEETING, PARTNER, PARTNER_NAME, between, participant_ids, pdf_pages

LABEL_STATUS = {label: status for status, label in STATUS_LABELS.items()}
OPTIONAL_COLUMNS = ("Total unknown", "Criteria pending")


def north_standings():
    return standings(MEETING, participants_query().where(DeliveryPartner.code == PARTNER))


def summary_tables(text: str) -> dict[tuple[str, int], dict[int, dict[str, int]]]:
    """Every summary table: (course, cohort) -> output -> status -> count, parsed from PDF text."""
    headings = list(re.finditer(r"Summary (\w+) cohort (\d+): ", text))
    tables = {}
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        block = text[heading.end() : end]
        header = block[: block.index("Output 1")]
        columns = ["Met", "Met late", "Blocked", "Pending", "Not met"]
        columns += [label for label in OPTIONAL_COLUMNS if label in header]
        row = re.compile(
            r"Output (\d) (?:\d{1,2} [A-Z][a-z]{2} \d{4}|not set) ((?:\d+ ){%d}\d+)" % len(columns)
        )
        outputs = {}
        for match in row.finditer(block):
            *counts, total = map(int, match.group(2).split())
            assert sum(counts) == total
            outputs[int(match.group(1))] = {LABEL_STATUS[label]: n for label, n in zip(columns, counts)}
        tables[(heading.group(1), int(heading.group(2)))] = outputs
    return tables


def test_every_page_names_the_partner_and_counts_the_pages(example_dataset):
    pdf = partnership_pdf(PARTNER, MEETING)
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf)
    assert len(pages) > 3
    for number, text in enumerate(pages, 1):
        assert PARTNER_NAME in text, f"page {number} lacks the partner's name"
        assert f"Page {number} of {len(pages)}" in text
    assert PARTNER_NAME in PdfReader(io.BytesIO(pdf)).metadata.title


def test_summary_figures_equal_the_counts_of_standings(example_dataset):
    expected: dict[tuple[str, int], dict[int, Counter]] = {}
    for s in north_standings():
        for output in s.outputs:
            expected.setdefault((s.course, s.cohort), {}).setdefault(output.spec.number, Counter())[output.status] += 1
    found = summary_tables(" ".join(pdf_pages(partnership_pdf(PARTNER, MEETING))))
    assert set(found) == set(expected)
    for key, outputs in expected.items():
        assert set(found[key]) == set(outputs), key
        for number, counts in outputs.items():
            shown = found[key][number]
            assert {st: n for st, n in shown.items() if n} == dict(counts), (key, number)
            assert set(counts) <= set(shown), f"{key} output {number}: a status with participants has no column"


def test_the_escalated_participants_are_those_standings_escalates(example_dataset):
    found = north_standings()
    escalated = {s.participant_id for s in found if s.escalation.state == "escalated"}
    window = {s.participant_id for s in found if s.escalation.state == "window"}
    assert escalated and window
    text = " ".join(pdf_pages(partnership_pdf(PARTNER, MEETING)))
    follow_up = text[text.index("Participants to follow up") :]
    listed = between(follow_up, f"Escalated: {len(escalated)} participants", "In the window:")
    assert participant_ids(listed) == escalated
    assert participant_ids(between(follow_up, f"In the window: {len(window)} participant", "Extended:")) == window
    # Most overdue first within a group.
    days = [int(d) for d in re.findall(r"(\d+) days after review", listed)]
    assert days == sorted(days, reverse=True) and len(days) == len(escalated)
    callout = between(text, "Interventions to discuss", "Outputs by course and cohort")
    assert participant_ids(callout) == escalated


def test_interventions_logged_for_a_participant_appear(example_dataset):
    found = north_standings()
    first, second = [s for s in found if s.escalation.state == "escalated"][:2]
    example_dataset.add(ContactAttempt(
        participant_id=first.pk, contacted_on=MEETING.replace(day=2), method="phone", outcome="no-response",
        note="Left a voicemail offering a call back", recorded_by="facilitator@north.example",
        recorded_at=datetime(2024, 2, 2, 10, 0),
    ))
    example_dataset.add(Extension(
        participant_id=second.pk, output=second.escalation.output, deadline=MEETING.replace(day=28),
        note="Back from sick leave on 19 February", agreed_by="lead@north.example", agreed_at=datetime(2024, 2, 5, 9, 0),
    ))
    example_dataset.commit()
    text = " ".join(pdf_pages(partnership_pdf(PARTNER, MEETING)))
    follow_up = text[text.index("Participants to follow up") :]
    assert "Left a voicemail offering a call back" in follow_up
    assert "facilitator@north.example" in follow_up
    assert "2 Feb 2024 Contact by facilitator@north.example: Phone call: No response" in follow_up
    extended = between(follow_up, "Extended: 1 participant", "Due soon:")
    assert participant_ids(extended) == {second.participant_id}
    assert "Back from sick leave on 19 February" in extended
    assert f"Output {second.escalation.output} extended to 28 Feb 2024" in extended
    # Escalated comes before the window, the window before extended, extended before due soon.
    positions = [follow_up.index(label) for label in ("Escalated:", "In the window:", "Extended:", "Due soon:")]
    assert positions == sorted(positions)


def test_the_charts_are_inline_svg(example_dataset):
    html = partnership_html(PARTNER, MEETING)
    assert html.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in html
    courses = {s.course for s in north_standings()}
    assert html.count('<figure class="chart"><svg') == len(courses)
    assert html.count('<svg') > len(courses)  # the progress histograms
    assert "<style>" in html and "@page" in html


def test_the_command_writes_a_pdf(example_dataset, app, tmp_path):
    target = tmp_path / "north.pdf"
    result = app.test_cli_runner().invoke(
        args=["report", "partnership", "--partner", "north", "--date", MEETING.isoformat(), "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    assert "wrote" in result.output
    # The charts are drawn as vector graphics: the outputs page has form XObjects and the hatch patterns.
    reader = PdfReader(target)
    page = next(p for p in reader.pages if "Outputs by course and cohort" in p.extract_text())
    resources = page["/Resources"]
    assert resources.get("/XObject") and resources.get("/Pattern")


def test_the_command_refuses_an_unknown_partner(example_dataset, app, tmp_path):
    target = tmp_path / "nobody.pdf"
    result = app.test_cli_runner().invoke(
        args=["report", "partnership", "--partner", "NOBODY", "--date", "2024-02-10", "--output", str(target)]
    )
    assert result.exit_code == 1
    assert "no delivery partner with code 'NOBODY'" in result.output
    assert not target.exists()


@pytest.mark.parametrize("bad_date", ["10/02/2024", "2024-02-30"])
def test_the_command_refuses_a_date_it_cannot_read(example_dataset, app, tmp_path, bad_date):
    result = app.test_cli_runner().invoke(
        args=["report", "partnership", "--partner", "NORTH", "--date", bad_date, "--output", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output
