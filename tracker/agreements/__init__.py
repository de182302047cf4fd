"""The school contract and the sponsorship agreement of a participant: recorded signed, with the date signed.

Partner leads and EDT record them on the participant's page; the participants file sets them too.
An output met by D is blocked as of D while either is unsigned on D (rules/status.py signed_by).
"""
from __future__ import annotations

from datetime import date

from ..audit import record
from ..models import Participant
from ..refusal import Refusal
from ..escalation.problems import require_past

AGREEMENTS = {"school_contract": "school contract", "sponsorship_agreement": "sponsorship agreement"}


def record_signed(participant: Participant, agreement: str | None, *, signed_on: date | None, actor: str,
                  today: date) -> None:
    """The agreement (school_contract or sponsorship_agreement) was signed on `signed_on` (today or earlier)."""
    if agreement not in AGREEMENTS:
        raise Refusal("agreement", "Select the school contract or the sponsorship agreement")
    require_past("signed_on", signed_on, today, "date signed")
    flag, on = f"{agreement}_signed", f"{agreement}_signed_on"
    before = {flag: getattr(participant, flag), on: getattr(participant, on)}
    after = {flag: True, on: signed_on}
    if before == after:
        return
    setattr(participant, flag, True)
    setattr(participant, on, signed_on)
    record(actor, "record-agreement", "participant", participant.participant_id, participant_id=participant.id,
           before=before, after=after)
