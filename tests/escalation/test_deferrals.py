"""Deferral takes a participant out of chasing; the return makes them active again."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.refusal import Refusal
from tracker.escalation.deferrals import defer, open_deferral, return_from_deferral

from .conftest import LEAD, TODAY
from .helpers import audit_trail, escalation_on


def test_deferring_stops_the_chase_and_returning_restarts_it(session, participant):
    defer(participant, deferred_on=date(2023, 2, 20), note="Maternity leave", actor=LEAD, today=TODAY, reason="other")
    session.commit()
    assert participant.status == "deferred"
    assert escalation_on(participant, TODAY).state == "deferred"

    later = date(2023, 9, 1)
    returned = return_from_deferral(participant, returned_on=later, note="Back in September", actor=LEAD, today=later)
    session.commit()
    assert participant.status == "active" and returned.returned_on == later
    assert "Maternity leave" in returned.note and "Back in September" in returned.note
    assert escalation_on(participant, later).state == "escalated"
    assert [(action, entity, before, after) for action, entity, before, after in audit_trail(participant)
            if entity == "participant"] == [
        ("change-status", "participant", {"status": "active"}, {"status": "deferred"}),
        ("change-status", "participant", {"status": "deferred"}, {"status": "active"}),
    ]
    assert [action for action, *_ in audit_trail(participant)] == [
        "defer", "change-status", "return-from-deferral", "change-status"]


def test_the_return_cannot_be_before_the_deferral(session, participant):
    defer(participant, deferred_on=date(2023, 2, 20), note="", actor=LEAD, today=TODAY, reason="other")
    with pytest.raises(Refusal) as problem:
        return_from_deferral(participant, returned_on=date(2023, 2, 19), note="", actor=LEAD, today=TODAY)
    assert problem.value.field == "returned_on"
    assert "on or after the date of deferral, 20 February 2023" in problem.value.message
    assert participant.status == "deferred" and open_deferral(participant) is not None


def test_the_return_may_be_on_the_day_of_deferral(session, participant):
    defer(participant, deferred_on=date(2023, 2, 20), note="", actor=LEAD, today=TODAY, reason="other")
    return_from_deferral(participant, returned_on=date(2023, 2, 20), note="", actor=LEAD, today=TODAY)
    assert participant.status == "active"


def test_a_deferral_cannot_be_dated_in_the_future(session, participant):
    with pytest.raises(Refusal) as problem:
        defer(participant, deferred_on=date(2023, 3, 2), note="", actor=LEAD, today=TODAY, reason="other")
    assert problem.value.field == "deferred_on" and "today or in the past" in problem.value.message
    assert participant.status == "active" and audit_trail(participant) == []


def test_only_an_active_participant_is_deferred_and_only_a_deferred_one_returns(session, participant):
    with pytest.raises(Refusal, match="not deferred"):
        return_from_deferral(participant, returned_on=TODAY, note="", actor=LEAD, today=TODAY)
    participant.status = "withdrawn"
    with pytest.raises(Refusal, match="Only an active participant"):
        defer(participant, deferred_on=TODAY, note="", actor=LEAD, today=TODAY, reason="other")


def test_a_participant_imported_as_deferred_can_return(session, participant):
    participant.status = "deferred"
    assert return_from_deferral(participant, returned_on=TODAY, note="", actor=LEAD, today=TODAY) is None
    assert participant.status == "active"
    assert [action for action, *_ in audit_trail(participant)] == ["return-from-deferral", "change-status"]
