"""Logging a contact attempt."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.refusal import Refusal
from tracker.escalation.contacts import log_contact
from tracker.models import ContactAttempt

from .conftest import LEAD, TODAY
from .helpers import audit_trail


def contact(participant, **changes):
    values = dict(contacted_on=date(2023, 2, 27), method="phone", outcome="no-response", note=" Left a voicemail ",
                  actor=LEAD, today=TODAY)
    values.update(changes)
    return log_contact(participant, **values)


def test_a_contact_is_stored_with_who_logged_it_and_audited(session, participant):
    logged = contact(participant)
    session.commit()
    assert (logged.contacted_on, logged.method, logged.outcome, logged.note, logged.recorded_by) == (
        date(2023, 2, 27), "phone", "no-response", "Left a voicemail", LEAD)
    assert audit_trail(participant) == [("log-contact", "contact_attempt", None, {
        "contacted_on": "2023-02-27", "method": "phone", "outcome": "no-response", "note": "Left a voicemail"})]


def test_a_contact_may_be_dated_today(session, participant):
    assert contact(participant, contacted_on=TODAY).contacted_on == TODAY


@pytest.mark.parametrize("changes, field, words", [
    ({"contacted_on": date(2023, 3, 2)}, "contacted_on", "date of contact must be today or in the past"),
    ({"contacted_on": None}, "contacted_on", "Enter the date of contact"),
    ({"method": None}, "method", "how you contacted"),
    ({"method": "pigeon"}, "method", "how you contacted"),
    ({"outcome": ""}, "outcome", "outcome"),
])
def test_bad_input_names_the_field_and_writes_nothing(session, participant, changes, field, words):
    with pytest.raises(Refusal) as problem:
        contact(participant, **changes)
    assert problem.value.field == field and words in problem.value.message
    assert str(problem.value) == problem.value.message
    assert session.scalar(select(func.count()).select_from(ContactAttempt)) == 0
    assert audit_trail(participant) == []
