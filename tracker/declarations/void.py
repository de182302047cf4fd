"""Voiding a declaration at DfE and storing the state DfE returns (voided, or awaiting-clawback)."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Participant
from ..models.people import participant_id_is
from ..rules.declaration_states import STATES
from ..refusal import Refusal
from .dfe import DfeApi, DfeProblem
from .states import current_record, change_state, keep_held


def void(api: DfeApi, participant_ref: str, kind: str, actor: str) -> str:
    """The state DfE returns. The caller commits."""
    pk = db.session.scalar(select(Participant.id).where(participant_id_is(participant_ref)))
    if pk is None:
        raise Refusal(None, f"'{participant_ref}' is not a known participant")
    record = current_record(pk, kind)
    if record is None or record.state not in STATES:
        raise Refusal(None, f"DfE holds no {kind} declaration of {participant_ref}")
    if not record.dfe_id:
        raise Refusal(None, f"{participant_ref}'s {kind} declaration has no DfE id recorded: void it at DfE, "
                          "then record its state")
    answer = api.request("PUT", f"participant-declarations/{record.dfe_id}/void", participant_pk=pk)
    if answer.status != 200:
        raise Refusal(None, f"DfE refused to void it ({answer.status}): " + "; ".join(answer.errors()))
    state = (answer.data.get("attributes") or {}).get("state")
    if state not in STATES:
        raise DfeProblem(f"DfE answered without a known state: {state!r}")
    change_state(state, actor, record=record, from_dfe=True, note="voided through DfE's API")
    keep_held(record, answer.data.get("attributes") or {})
    return state
