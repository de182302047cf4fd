"""Agreeing an extended deadline: the participant is extended, not escalated, until it passes."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.engagement.book import Book
from tracker.refusal import Refusal
from tracker.escalation.extensions import agree_extension

from .conftest import LEAD, TODAY
from .helpers import audit_trail, escalation_on

# NPQLT cohort 3: Output 1's review date is 24 November 2022, its window ends 15 December 2022.


def extend(participant, **changes):
    values = dict(output=1, deadline=date(2023, 3, 31), note="Will catch up over half term", actor=LEAD, today=TODAY)
    values.update(changes)
    schedule = Book().schedule(participant.course_id, participant.cohort)
    return agree_extension(participant, schedule, **values)


def test_an_extension_turns_escalated_into_extended_until_the_deadline(session, participant):
    assert escalation_on(participant, TODAY).state == "escalated"
    extend(participant)
    session.commit()
    on_deadline = escalation_on(participant, date(2023, 3, 31))
    assert (on_deadline.state, on_deadline.output, on_deadline.extended_to) == ("extended", 1, date(2023, 3, 31))
    assert escalation_on(participant, date(2023, 4, 1)).state == "escalated"
    assert audit_trail(participant) == [("agree-extension", "extension", None, {
        "output": 1, "deadline": "2023-03-31", "agreed_on": "2023-03-01", "note": "Will catch up over half term"})]


@pytest.mark.parametrize("changes, field, words", [
    ({"output": 9}, "output", "Select the output"),
    ({"output": None}, "output", "Select the output"),
    ({"deadline": None}, "deadline", "Enter the extended deadline"),
    ({"deadline": TODAY}, "deadline", "must be in the future"),
    ({"output": 2, "deadline": date(2023, 6, 22)}, "deadline", "after Output 2's review date, 22 June 2023"),
])
def test_an_extension_needs_a_real_output_and_a_deadline_after_today_and_the_review_date(
        session, participant, changes, field, words):
    with pytest.raises(Refusal) as problem:
        extend(participant, **changes)
    assert problem.value.field == field and words in problem.value.message
    assert audit_trail(participant) == []


def test_a_withdrawn_participant_gets_no_extension(session, participant):
    participant.status = "withdrawn"
    with pytest.raises(Refusal, match="withdrawn"):
        extend(participant)
