"""A partner proposes a withdrawal; EDT staff confirm (withdrawn) or decline (stays active)."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.refusal import Refusal
from tracker.escalation.withdrawals import (confirm_withdrawal, decline_withdrawal, open_proposal,
                                            propose_withdrawal, waiting)
from tracker.models.escalation import WITHDRAWAL_REASONS

from .conftest import LEAD, STAFF, TODAY
from .helpers import audit_trail, escalation_on


def propose(participant, **changes):
    values = dict(reason="personal-reason-moving-school", withdrawn_on=date(2023, 2, 28), note="Moving to Wales",
                  actor=LEAD, today=TODAY)
    values.update(changes)
    return propose_withdrawal(participant, **values)


def test_a_proposal_waits_and_leaves_the_participant_active(session, participant):
    proposal = propose(participant)
    session.commit()
    assert participant.status == "active" and proposal.state == "proposed"
    assert waiting() == [(proposal, participant)]
    assert audit_trail(participant) == [("propose-withdrawal", "withdrawal_request", None, {
        "state": "proposed", "reason": "personal-reason-moving-school", "proposed_on": "2023-02-28",
        "note": "Moving to Wales"})]


def test_confirming_withdraws_the_participant(session, participant):
    proposal = propose(participant)
    confirm_withdrawal(proposal, note="", actor=STAFF)
    session.commit()
    assert participant.status == "withdrawn"
    assert (proposal.state, proposal.decided_by) == ("confirmed", STAFF) and proposal.decided_at is not None
    assert escalation_on(participant, TODAY).state == "withdrawn"
    assert waiting() == []
    assert audit_trail(participant)[1:] == [
        ("confirm-withdrawal", "withdrawal_request", {"state": "proposed"},
         {"state": "confirmed", "decided_by": STAFF, "decision_note": ""}),
        ("change-status", "participant", {"status": "active"}, {"status": "withdrawn"}),
    ]


def test_declining_needs_a_note_and_leaves_the_participant_active(session, participant):
    proposal = propose(participant)
    with pytest.raises(Refusal) as problem:
        decline_withdrawal(proposal, note="  ", actor=STAFF)
    assert problem.value.field == "note" and proposal.state == "proposed"
    decline_withdrawal(proposal, note="Talk to them about deferral first", actor=STAFF)
    session.commit()
    assert participant.status == "active"
    assert (proposal.state, proposal.decision_note) == ("declined", "Talk to them about deferral first")
    assert open_proposal(participant) is None


def test_a_decided_proposal_cannot_be_decided_again(session, participant):
    proposal = propose(participant)
    decline_withdrawal(proposal, note="No", actor=STAFF)
    with pytest.raises(Refusal, match="already declined"):
        confirm_withdrawal(proposal, note="", actor=STAFF)
    assert participant.status == "active"


def test_only_one_proposal_is_open_at_a_time(session, participant):
    propose(participant)
    with pytest.raises(Refusal, match="already proposed"):
        propose(participant)


def test_after_a_decline_a_new_proposal_can_be_made(session, participant):
    decline_withdrawal(propose(participant), note="Not yet", actor=STAFF)
    assert propose(participant).state == "proposed"


@pytest.mark.parametrize("changes, field", [
    ({"reason": "bored"}, "reason"),
    ({"reason": None}, "reason"),
    ({"withdrawn_on": date(2023, 3, 2)}, "withdrawn_on"),
    ({"withdrawn_on": None}, "withdrawn_on"),
])
def test_a_proposal_needs_a_dfe_reason_and_a_date_not_in_the_future(session, participant, changes, field):
    with pytest.raises(Refusal) as problem:
        propose(participant, **changes)
    assert problem.value.field == field
    assert open_proposal(participant) is None


def test_every_dfe_reason_has_a_readable_label():
    from tracker.words import (CONTACT_METHOD_LABELS, CONTACT_OUTCOME_LABELS,
                                           WITHDRAWAL_REASON_LABELS)
    from tracker.models.escalation import CONTACT_METHODS, CONTACT_OUTCOMES

    assert tuple(WITHDRAWAL_REASON_LABELS) == WITHDRAWAL_REASONS
    assert tuple(CONTACT_METHOD_LABELS) == CONTACT_METHODS
    assert tuple(CONTACT_OUTCOME_LABELS) == CONTACT_OUTCOMES


def test_there_is_one_list_of_withdrawal_reasons_each_worded_once():
    from tracker.words import WITHDRAWAL_REASON_LABELS
    from tracker.models.escalation import WITHDRAWAL_REASONS

    assert tuple(WITHDRAWAL_REASON_LABELS) == WITHDRAWAL_REASONS
    words = [w.casefold() for w in WITHDRAWAL_REASON_LABELS.values()]
    assert not [a for a in words for b in words if a != b and b.startswith(a)]
