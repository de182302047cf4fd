"""Declarations whose answer from DfE was lost: looked up at DfE before anything is sent again.

A declaration is "sending" (listing.SENDING) while its POST is out, naming the job that sent it.
When the answer never comes (a timeout, a dropped connection, a 5xx, the worker killed), DfE may
hold it or not: DfE has no idempotency key (dfe/README.md, section 7). So the tracker lists DfE's
declarations of that participant (by the id the body named) and adopts DfE's record of the same
course and type that is not voided or clawed back, preferring the same date; only when DfE holds
none is the declaration given back to send again. DfE's "already been submitted" 422 is settled
the same way.

Every send and every refresh first settles the "sending" records no unfinished job holds, so a
record left by a killed worker is settled by the job queued again, or by the next send or refresh.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from ..extensions import db
from ..models import DeclarationRecord, Job, Participant
from ..models.jobs import QUEUED, RUNNING
from ..rules.declaration_states import AWAITING_CLAWBACK, CLAWED_BACK, STATES, VOIDED
from .dfe import DfeApi, DfeProblem, DfeThrottled, DfeUnauthorized
from .listing import REFUSED, SENDING
from .states import change_state, keep_held

GONE = (VOIDED, AWAITING_CLAWBACK, CLAWED_BACK)
ALREADY_SUBMITTED = "A declaration has already been submitted that will be, or has been, paid for this event"
FOUND = "found at DfE after its answer was lost"


def matching(items: list[dict], course_identifier: str, declaration_type: str, on: date) -> dict | None:
    """DfE's record of this declaration among a participant's: same course and type, not voided or
    clawed back, the same declaration date first."""
    def attributes(item):
        return item.get("attributes") or {}

    alive = [i for i in items if attributes(i).get("course_identifier") == course_identifier
             and attributes(i).get("declaration_type") == declaration_type
             and attributes(i).get("state") in STATES and attributes(i).get("state") not in GONE]
    same_day = [i for i in alive if str(attributes(i).get("declaration_date") or "")[:10] == on.isoformat()]
    return (same_day or alive or [None])[0]


def unsettled(job_id: int | None) -> list[DeclarationRecord]:
    """Records being sent that no other unfinished job holds: this job's, orphans, finished jobs'."""
    held = select(Job.id).where(Job.state.in_((QUEUED, RUNNING)))
    if job_id is not None:
        held = held.where(Job.id != job_id)
    return db.session.scalars(select(DeclarationRecord).where(
        DeclarationRecord.state == SENDING,
        or_(DeclarationRecord.job_id.is_(None), DeclarationRecord.job_id.not_in(held)))
        .order_by(DeclarationRecord.id)).all()


def settle(api: DfeApi, record: DeclarationRecord, actor: str) -> tuple[str, str] | None:
    """Looks the declaration up at DfE: ("sent", detail) when DfE holds it (adopted), None when DfE
    holds none (given back: it is to send). Raises DfeProblem when DfE could not be asked: the
    record stays "sending" for the next send or refresh. Commits."""
    db.session.commit()  # nothing of ours uncommitted while the request's audit is written
    sent_as = record.sent_as or db.session.scalar(select(Participant.participant_id)
                                                  .where(Participant.id == record.participant_id))
    found = matching(api.declarations_of(sent_as, record.participant_id), record.course_identifier,
                     record.declaration_type, record.declaration_date)
    if found is None:
        give_back(record)
        return None
    state = (found.get("attributes") or {}).get("state")
    change_state(state, actor, record=record, dfe_id=str(found.get("id")), from_dfe=True, note=FOUND)
    keep_held(record, found.get("attributes") or {})
    db.session.commit()
    return "sent", f"{state}, DfE id {found.get('id')} ({FOUND})"


def give_back(record: DeclarationRecord) -> None:
    """Nothing reached DfE, or DfE kept nothing: a new record goes, a refused one is refused again."""
    if record.errors:
        record.state = REFUSED
    else:
        db.session.delete(record)
    db.session.commit()


def settle_left(api: DfeApi, actor: str, job_id: int | None) -> list[tuple[DeclarationRecord, str, str]]:
    """Settles every record being sent that no other unfinished job holds: (record, result, detail)
    for those DfE holds; those it does not are to send again. A record DfE could not be asked
    about stays "sending"; a 401 or endless 429s stop it (raised)."""
    adopted = []
    for record in unsettled(job_id):
        _, outcome = look_up(api, record, actor)
        if outcome is not None:
            adopted.append((record, *outcome))
    return adopted


def look_up(api: DfeApi, record: DeclarationRecord, actor: str) -> tuple[bool, tuple[str, str] | None]:
    """settle(), with whether DfE could be asked: when it could not, the record stays "sending"
    (False, None). A 401 or endless 429s are raised: they stop the run."""
    try:
        return True, settle(api, record, actor)
    except (DfeUnauthorized, DfeThrottled):
        raise
    except DfeProblem:
        db.session.rollback()
        return False, None
