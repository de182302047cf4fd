"""The partnership-meeting PDF, rendered for real and read back: it says what standings() says."""
from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime

import pytest
from pypdf import PdfReader

from tracker.engagement.standing import participants_query, standings
from tracker.formats import long_date
from tracker.models import ContactAttempt, DeliveryPartner, Extension
from tracker.reports import partnership_html, partnership_pdf
from tracker.reports.partnership import MIN_CHART_GROUP
from tracker.words import STATUS_LABELS

from ..factories import gen_participant
from .conftest import (MEETING, PARTNER, PARTNER_NAME, between, headings_by_page, introductions, pages_as_laid_out,
                       participant_ids, pdf_pages)

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
    callout = between(text, "Interventions to discuss", f"Escalated: {len(escalated)} participants")
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
    per_course = Counter(s.course for s in north_standings())
    charted = {course for course, n in per_course.items() if n >= MIN_CHART_GROUP}
    assert charted and charted != set(per_course)  # the sample has courses on both sides of the line
    assert html.count('<figure class="chart"><svg') == len(charted)
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


def test_page_one_is_the_summary_then_the_people_to_follow_up_then_the_detail(example_dataset):
    pages = pdf_pages(partnership_pdf(PARTNER, MEETING))
    # Page 1: who is there, what needs doing, and the output periods; nothing of the detail
    assert "Summary" in pages[0] and "14 participants to follow up" in pages[0]
    assert "8 past the 3-week window, 8 of them with no intervention logged" in pages[0]
    for later in ("Participants to follow up", "Interventions to discuss", "Outputs by course and cohort",
                  "Progress through course content"):
        assert later not in pages[0]
    # Page 2 starts with the people to follow up, and the detail comes after them
    assert pages[1].startswith("Participants to follow up")
    starts = {name: next(n for n, text in enumerate(pages) if name in text)
              for name in ("Participants to follow up", "Due soon: 4 participants", "Outputs by course and cohort",
                           "Progress through course content", "Notes on the figures")}
    assert list(starts.values()) == sorted(starts.values()), starts
    text = " ".join(pages)
    assert text.index("Due soon: 4 participants") < text.index("Outputs by course and cohort")


def test_the_cover_says_the_report_is_worked_out_as_of_the_meeting_date_ahead_of_today(app, example_dataset,
                                                                                         monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2024-01-31")
    cover = pdf_pages(partnership_pdf(PARTNER, MEETING))[0]
    assert ("Worked out as of 10 February 2024, the meeting date: 10 days after this report was made on "
            "31 January 2024.") in cover
    assert "as they will stand on the meeting date if nothing more is recorded before it" in cover
    monkeypatch.setitem(app.config, "TODAY", MEETING.isoformat())
    assert "Worked out as of 10 February 2024, the meeting date, the day this report was made." in pdf_pages(
        partnership_pdf(PARTNER, MEETING))[0]


def test_no_chart_is_drawn_for_a_group_of_fewer_than_five(example_dataset):
    for n in range(5):  # five active NPQSL cohort 3 participants: a group big enough for a histogram
        gen_participant(f"BIG{n}", partner=PARTNER, course="NPQSL", cohort=3)
    html = partnership_html(PARTNER, MEETING)
    assert "NPQSL cohort 3 participant credit progress" not in html
    assert 'aria-label="NPQSL cohort 3 credit progress' in html
    histograms = re.findall(r'aria-label="(\w+ cohort \d) credit progress', html)
    assert histograms == ["NPQSL cohort 3"], histograms  # every other group has one to four people
    text = " ".join(pdf_pages(partnership_pdf(PARTNER, MEETING)))
    small = between(text, "Groups of fewer than five", "Deferred and withdrawn")
    assert "NPQLTD cohort 3 3" in small and "NPQSL cohort 3" not in small
    bars = re.findall(r'aria-label="(\w+) output status by output', html)
    per_course = Counter(s.course for s in north_standings())
    assert sorted(bars) == sorted(c for c, n in per_course.items() if n >= 5) and len(bars) < len(per_course)


@pytest.mark.parametrize("meeting", [MEETING, MEETING.replace(year=2023, month=3, day=1),
                                     MEETING.replace(year=2023, month=11, day=20)])
def test_no_page_ends_with_a_heading(example_dataset, meeting):
    """A heading (with its introduction) is always followed on its page by some of what it introduces."""
    pdf = partnership_pdf(PARTNER, meeting)
    intros = introductions(partnership_html(PARTNER, meeting))
    pages, headings = pages_as_laid_out(pdf), headings_by_page(pdf)
    running = f"{PARTNER_NAME} — partnership meeting {long_date(meeting)}"
    for number, (text, titles) in enumerate(zip(pages[:-1], headings), 1):
        if not titles:
            continue
        last = titles[-1]
        after = text[text.rindex(last) + len(last):].replace(running, "")
        after = re.sub(r"Page \d+ of \d+", "", after).strip(" •")
        intro = intros.get(last, "")
        assert after and not (intro and intro.startswith(after)), f"page {number} ends with the heading {last!r}"
