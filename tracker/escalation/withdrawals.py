"""Withdrawal is a joint decision: a delivery partner proposes it, EDT staff confirm or decline it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..audit import record
from ..clock import now
from ..extensions import db
from ..engagement.book import Book
from ..engagement.recompute import recompute
from ..models import Participant, WithdrawalRequest
from ..models.escalation import CONFIRMED, DECLINED, PROPOSED, WITHDRAWAL_REASONS
from ..rules.facts import WITHDRAWN
from ..refusal import Refusal
from .problems import require_choice, require_past, require_text
from .statuses import set_status


def open_proposal(participant: Participant) -> WithdrawalRequest | None:
    return db.session.scalar(select(WithdrawalRequest).where(
        WithdrawalRequest.participant_id == participant.id, WithdrawalRequest.state == PROPOSED))


def why_not_propose(participant: Participant) -> str | None:
    """Why no withdrawal can be proposed for the participant now, or None."""
    if participant.status == WITHDRAWN:
        return f"{participant.full_name} has already withdrawn."
    if open_proposal(participant) is not None:
        return f"A withdrawal is already proposed for {participant.full_name}. It waits for EDT staff to decide."
    return None


def propose_withdrawal(participant: Participant, *, reason: str | None, withdrawn_on: date | None,
                       note: str | None, actor: str, today: date) -> WithdrawalRequest:
    """withdrawn_on: the date the participant left or said they were leaving (stored as proposed_on).

    The participant's status does not change until EDT staff confirm.
    """
    refusal = why_not_propose(participant)
    if refusal:
        raise Refusal("reason", refusal)
    require_choice("reason", reason, WITHDRAWAL_REASONS, "Select the reason for withdrawal")
    require_past("withdrawn_on", withdrawn_on, today, "date of withdrawal")
    proposal = WithdrawalRequest(participant_id=participant.id, proposed_on=withdrawn_on, reason=reason,
                                 note=(note or "").strip(), proposed_by=actor, state=PROPOSED)
    db.session.add(proposal)
    db.session.flush()
    record(actor, "propose-withdrawal", "withdrawal_request", proposal.id, participant_id=participant.id,
           after={"state": PROPOSED, "reason": reason, "proposed_on": withdrawn_on, "note": proposal.note})
    return proposal


def _decide(proposal: WithdrawalRequest, state: str, note: str, actor: str) -> None:
    if proposal.state != PROPOSED:
        raise Refusal("note", f"This withdrawal was already {proposal.state}")
    before = {"state": proposal.state}
    proposal.state, proposal.decided_by, proposal.decided_at, proposal.decision_note = state, actor, now(), note
    record(actor, f"{'confirm' if state == CONFIRMED else 'decline'}-withdrawal", "withdrawal_request", proposal.id,
           participant_id=proposal.participant_id, before=before,
           after={"state": state, "decided_by": actor, "decision_note": note})


def confirm_withdrawal(proposal: WithdrawalRequest, *, note: str | None, actor: str) -> Participant:
    """EDT staff agree: the participant is withdrawn."""
    _decide(proposal, CONFIRMED, (note or "").strip(), actor)
    proposal.withdrawn_on = proposal.proposed_on
    participant = db.session.get(Participant, proposal.participant_id)
    set_status(participant, WITHDRAWN, actor)
    db.session.flush()
    recompute([participant.id], Book())
    return participant


def decline_withdrawal(proposal: WithdrawalRequest, *, note: str | None, actor: str) -> None:
    """EDT staff disagree, saying why: the participant stays on the course."""
    text = require_text("note", note, "Enter why the withdrawal is declined")
    _decide(proposal, DECLINED, text, actor)


def waiting() -> list[tuple[WithdrawalRequest, Participant]]:
    """Proposals across all partners that wait for EDT staff, oldest first."""
    return [tuple(row) for row in db.session.execute(
        select(WithdrawalRequest, Participant).join(Participant, WithdrawalRequest.participant_id == Participant.id)
        .where(WithdrawalRequest.state == PROPOSED).order_by(WithdrawalRequest.id))]


def recently_decided(limit: int = 20) -> list[tuple[WithdrawalRequest, Participant]]:
    return [tuple(row) for row in db.session.execute(
        select(WithdrawalRequest, Participant).join(Participant, WithdrawalRequest.participant_id == Participant.id)
        .where(WithdrawalRequest.state != PROPOSED)
        .order_by(WithdrawalRequest.decided_at.desc(), WithdrawalRequest.id.desc()).limit(limit))]
