"""Deferring a participant (excluded from chasing) and their return to the course."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..audit import record
from ..clock import now
from ..formats import long_date
from ..extensions import db
from ..models import Deferral, Participant
from ..rules.facts import ACTIVE, DEFERRED
from ..refusal import Refusal
from .problems import require_past
from .statuses import set_status


def open_deferral(participant: Participant) -> Deferral | None:
    """The deferral the participant has not yet returned from."""
    return db.session.scalar(
        select(Deferral).where(Deferral.participant_id == participant.id, Deferral.returned_on.is_(None))
        .order_by(Deferral.deferred_on.desc(), Deferral.id.desc())
    )


def defer(participant: Participant, *, deferred_on: date | None, note: str | None, actor: str,
          today: date) -> Deferral:
    if participant.status != ACTIVE:
        raise Refusal("deferred_on",
                            f"Only an active participant can be deferred: this one is {participant.status}")
    require_past("deferred_on", deferred_on, today, "date of deferral")
    deferral = Deferral(participant_id=participant.id, deferred_on=deferred_on, note=(note or "").strip(),
                        recorded_by=actor, recorded_at=now())
    db.session.add(deferral)
    db.session.flush()
    record(actor, "defer", "deferral", deferral.id, participant_id=participant.id,
           after={"deferred_on": deferred_on, "note": deferral.note})
    set_status(participant, DEFERRED, actor)
    return deferral


def return_from_deferral(participant: Participant, *, returned_on: date | None, note: str | None, actor: str,
                         today: date) -> Deferral | None:
    """Closes the open deferral (a note given here is added to its note) and makes the participant active.

    A participant imported as deferred has no deferral record: the return is then audited on the
    participant alone, and None is returned.
    """
    if participant.status != DEFERRED:
        raise Refusal("returned_on", "The participant is not deferred, so cannot return from a deferral")
    require_past("returned_on", returned_on, today, "date of return")
    deferral = open_deferral(participant)
    extra = (note or "").strip()
    if deferral is not None:
        if returned_on < deferral.deferred_on:
            raise Refusal("returned_on", f"The date of return must be on or after the date of deferral, "
                                               f"{long_date(deferral.deferred_on)}")
        before = {"returned_on": None, "note": deferral.note}
        deferral.returned_on = returned_on
        if extra:
            deferral.note = f"{deferral.note}\n\nOn return: {extra}".strip()
        record(actor, "return-from-deferral", "deferral", deferral.id, participant_id=participant.id,
               before=before, after={"returned_on": returned_on, "note": deferral.note})
    else:
        record(actor, "return-from-deferral", "participant", participant.participant_id,
               participant_id=participant.id, after={"returned_on": returned_on, "note": extra})
    set_status(participant, ACTIVE, actor)
    return deferral
