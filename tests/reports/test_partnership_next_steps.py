"""The partnership PDF says why and what next for each person to chase, lists blocked outputs and
outputs on not-preferred evidence, says what its intervention numbers are, and has no near-empty page."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tracker.engagement.book import Book
from tracker.engagement.next_steps import next_steps_for
from tracker.engagement.next_steps_words import lead, short_why
from tracker.models import ContactAttempt
from tracker.reports import partnership_pdf

from .conftest import MEETING, PARTNER, between, pdf_pages
from .test_partnership_pdf import north_standings


def pdf_text(code=PARTNER, on=MEETING) -> str:
    return " ".join(pdf_pages(partnership_pdf(code, on)))


def test_each_person_to_follow_up_has_their_why_and_next_step(example_dataset):
    found = north_standings()
    chased = [s for s in found if s.escalation.state in ("escalated", "window", "extended", "due-soon")]
    steps = next_steps_for(chased, MEETING, Book())
    text = pdf_text()  # the tables start at the first group, after the interventions to discuss
    follow_up = " ".join(text[text.index("Escalated: ", text.index("Participants to follow up")):].split())
    assert chased
    for s in chased:
        if s.pk in steps:
            row = between(follow_up, s.participant_id + " Name", "Name EX")
            assert short_why(steps[s.pk]) in " ".join(row.split()), s.participant_id
    assert sum(1 for s in chased if s.pk in steps) == follow_up.count("Next:")


def test_blocked_outputs_and_not_preferred_evidence_are_listed(example_dataset):
    found = north_standings()
    text = pdf_text()
    section = between(text, "Payment blocked, and evidence to confirm", "Notes on the figures")
    blocked = {s.participant_id for s in found if any(o.status == "blocked" for o in s.outputs)}
    listed = between(section, "Outputs blocked for payment", "Outputs resting on")
    assert blocked and {ref for ref in blocked if ref in listed} == blocked
    caveats = [(s.participant_id, o.spec.number) for s in found for o in s.outputs if o.met_on and o.met.not_preferred]
    assert f"Outputs resting on acceptable, not preferred evidence: {len(caveats)}" in section
    for ref, number in caveats:
        assert ref in section


def test_the_interventions_line_says_what_its_numbers_are(example_dataset):
    escalated = [s for s in north_standings() if s.escalation.state == "escalated"][0]
    example_dataset.add(ContactAttempt(
        participant_id=escalated.pk, contacted_on=date(2024, 2, 2), method="phone", outcome="no-response",
        note="", recorded_by="facilitator@north.example", recorded_at=datetime(2024, 2, 2, 10, 0),
    ))
    example_dataset.commit()
    text = pdf_text()
    assert "of them with no intervention logged" in text
    assert f"{escalated.participant_id} {escalated.full_name} (1 intervention logged, the latest on 2 Feb 2024)" in text


@pytest.mark.parametrize("code, on", [("NORTH", MEETING), ("SOUTH", MEETING), ("NORTH", date(2023, 3, 1)),
                                      ("SOUTH", date(2023, 3, 1))])
def test_no_page_but_the_last_is_near_empty(example_dataset, code, on):
    pages = pdf_pages(partnership_pdf(code, on))
    for number, text in enumerate(pages[:-1], 1):
        assert len(text) > 600, f"page {number} of {len(pages)} holds only: {text}"
