"""Sending the declarations to send to DfE's API, each claimed before its POST.

A claim is a row: a new current record in state `sending` (the unique participant, type and
`current` constraint lets only one run insert it), or a refused record moved to `sending` by an
UPDATE that only one run can win. Each claim is committed before the request goes out, so two
runs at the same moment never send one declaration twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from ..clock import now as clock_now
from ..extensions import db
from ..models import DeclarationRecord
from ..rules.declaration_states import STATES, SUBMITTED
from .bodies import request_bodies
from .dfe import DfeApi, DfeProblem, DfeUnauthorized
from .listing import REFUSED, SENDING, Row, rows, to_send
from .states import change_state

SENT, REFUSED_BY_DFE, NOT_SENT, SKIPPED = "sent", "refused", "not sent", "skipped"


@dataclass(frozen=True)
class Outcome:
    participant_id: str
    declaration_type: str
    result: str  # sent, refused, not sent, skipped
    detail: str = ""  # DfE's state and id, its errors, or why nothing was sent

    def line(self) -> str:
        return f"{self.participant_id} {self.declaration_type}: {self.result}" + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Claim:
    record_id: int
    previous: str | None  # REFUSED when the claim took over a refused record, else None (a new row)


def pending(as_of: date, today: date, partner: str | None = None) -> list[Row]:
    return to_send(rows(as_of, today, partner=partner))


def claim(row: Row) -> Claim | None:
    """Take the declaration for this run, or None when another run has it (or DfE holds it)."""
    now = clock_now()
    if row.record is not None:
        won = db.session.execute(
            update(DeclarationRecord).where(DeclarationRecord.id == row.record.id, DeclarationRecord.state == REFUSED)
            .values(state=SENDING, updated_at=now)
        ).rowcount
        db.session.commit()
        return Claim(row.record.id, REFUSED) if won == 1 else None
    d = row.declaration
    record = DeclarationRecord(participant_id=d.participant_pk, declaration_type=d.declaration_type,
                               declaration_date=d.declaration_date, course_identifier=d.course_identifier,
                               state=SENDING, updated_at=now, current=True, note="")
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return Claim(record.id, None)


def release(taken: Claim) -> None:
    """Give the declaration back: it stays to send (nothing reached DfE, or DfE kept nothing)."""
    if taken.previous is None:
        db.session.execute(delete(DeclarationRecord).where(DeclarationRecord.id == taken.record_id,
                                                           DeclarationRecord.state == SENDING))
    else:
        db.session.execute(update(DeclarationRecord).where(DeclarationRecord.id == taken.record_id,
                                                           DeclarationRecord.state == SENDING)
                           .values(state=taken.previous))
    db.session.commit()


def submit(api: DfeApi, found: list[Row], actor: str) -> tuple[list[Outcome], bool]:
    """POST each declaration; returns an outcome per declaration and whether a 401 stopped the run."""
    outcomes: list[Outcome] = []
    bodies = request_bodies(row.declaration for row in found)
    for index, (row, body) in enumerate(zip(found, bodies)):
        d = row.declaration
        taken = claim(row)
        if taken is None:
            outcomes.append(Outcome(d.participant_id, d.declaration_type, SKIPPED, "another run is sending it or has sent it"))
            continue
        try:
            answer = api.request("POST", "participant-declarations", body=body, participant_pk=d.participant_pk)
        except DfeUnauthorized as problem:
            db.session.commit()  # the audit of the request
            release(taken)
            outcomes.append(Outcome(d.participant_id, d.declaration_type, NOT_SENT, str(problem)))
            outcomes += [Outcome(r.declaration.participant_id, r.declaration.declaration_type, NOT_SENT,
                                 "the run stopped at a 401") for r in found[index + 1 :]]
            return outcomes, True
        except DfeProblem as problem:
            db.session.commit()
            release(taken)
            outcomes.append(Outcome(d.participant_id, d.declaration_type, NOT_SENT, str(problem)))
            continue
        record = db.session.get(DeclarationRecord, taken.record_id)
        if answer.status in (200, 201):
            attributes = answer.data.get("attributes") or {}
            state = attributes.get("state") if attributes.get("state") in STATES else SUBMITTED
            dfe_id = str(answer.data.get("id") or "") or None
            record.errors = None
            change_state(state, actor, record=record, dfe_id=dfe_id, from_dfe=True, note="sent through DfE's API")
            db.session.commit()
            outcomes.append(Outcome(d.participant_id, d.declaration_type, SENT, f"{state}, DfE id {dfe_id}"))
        elif answer.status == 422:
            errors = answer.errors()
            record.state, record.errors, record.updated_at = REFUSED, "\n".join(errors), clock_now()
            db.session.commit()
            outcomes.append(Outcome(d.participant_id, d.declaration_type, REFUSED_BY_DFE, "; ".join(errors)))
        else:
            db.session.commit()
            release(taken)
            detail = "DfE asked to wait (429) more times than the tracker retries" if answer.status == 429 else (
                f"DfE answered {answer.status}")
            outcomes.append(Outcome(d.participant_id, d.declaration_type, NOT_SENT, detail))
    return outcomes, False
