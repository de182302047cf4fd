"""Deferring a participant (excluded from chasing) and their return to the course."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..audit import record
from ..clock import now
from ..formats import long_date
from ..extensions import db
from ..engagement.book import Book
from ..engagement.recompute import recompute
from ..models import Cohort, Course, Deferral, Participant
from ..models.escalation import DEFERRAL_REASONS
from ..rules.facts import ACTIVE, DEFERRED
from ..refusal import Refusal
from .problems import require_choice, require_past
from .statuses import set_status


def open_deferral(participant: Participant) -> Deferral | None:
    """The deferral the participant has not yet returned from."""
    return db.session.scalar(
        select(Deferral).where(Deferral.participant_id == participant.id, Deferral.returned_on.is_(None))
        .order_by(Deferral.deferred_on.desc(), Deferral.id.desc())
    )


def defer(participant: Participant, *, deferred_on: date | None, note: str | None, actor: str,
          today: date, reason: str | None) -> Deferral:
    """reason: one of DfE's (DEFERRAL_REASONS), which DfE is told with the deferral."""
    if participant.status != ACTIVE:
        raise Refusal("deferred_on",
                            f"Only an active participant can be deferred: this one is {participant.status}")
    require_choice("reason", reason, DEFERRAL_REASONS, "Select the reason for the deferral")
    require_past("deferred_on", deferred_on, today, "date of deferral")
    deferral = Deferral(participant_id=participant.id, deferred_on=deferred_on, note=(note or "").strip(),
                        reason=reason, recorded_by=actor, recorded_at=now())
    db.session.add(deferral)
    db.session.flush()
    record(actor, "defer", "deferral", deferral.id, participant_id=participant.id,
           after={"deferred_on": deferred_on, "reason": reason, "note": deferral.note})
    set_status(participant, DEFERRED, actor)
    db.session.flush()
    recompute([participant.id], Book())
    return deferral


def give_reason(deferral: Deferral, reason: str | None, actor: str) -> None:
    """DfE's reason for a deferral recorded before the tracker asked for one, so that DfE can be told of it."""
    if deferral.reason in DEFERRAL_REASONS:
        raise Refusal("reason", "This deferral already has DfE's reason")
    if deferral.returned_on is not None:
        raise Refusal("reason", "The participant has returned from this deferral")
    require_choice("reason", reason, DEFERRAL_REASONS, "Select the reason for the deferral")
    before = deferral.reason
    deferral.reason = reason
    record(actor, "deferral-reason", "deferral", deferral.id, participant_id=deferral.participant_id,
           before={"reason": before}, after={"reason": reason})
    db.session.flush()


def later_cohorts(participant: Participant) -> list[int]:
    """The cohorts after the participant's own that offer their course: where EDT may move them on return."""
    course = db.session.get(Course, participant.course_id)
    known = set(db.session.scalars(select(Cohort.number)))
    return [c for c in course.cohort_numbers if c > participant.cohort and c in known]


def return_from_deferral(participant: Participant, *, returned_on: date | None, note: str | None, actor: str,
                         today: date, to_cohort: int | None = None) -> Deferral | None:
    """Closes the open deferral (a note given here is added to its note) and makes the participant active.

    to_cohort: a later cohort of the same course EDT moves the participant to (None: stays). Outputs
    met before the deferral began keep their met_on; later outputs follow the new cohort's schedule.
    A participant imported as deferred has no deferral record: the return is then audited on the
    participant alone, and None is returned (and no move is possible).
    """
    if participant.status != DEFERRED:
        raise Refusal("returned_on", "The participant is not deferred, so cannot return from a deferral")
    require_past("returned_on", returned_on, today, "date of return")
    deferral = open_deferral(participant)
    extra = (note or "").strip()
    if to_cohort is not None:
        if deferral is None:
            raise Refusal("to_cohort", "There is no recorded deferral to return from, so the cohort cannot change")
        if to_cohort not in later_cohorts(participant):
            offered = ", ".join(map(str, later_cohorts(participant))) or "none"
            raise Refusal("to_cohort", f"Choose a later cohort that offers the course (offered: {offered})")
    if deferral is not None:
        if returned_on < deferral.deferred_on:
            raise Refusal("returned_on", f"The date of return must be on or after the date of deferral, "
                                               f"{long_date(deferral.deferred_on)}")
        before = {"returned_on": None, "note": deferral.note}
        deferral.returned_on = returned_on
        if extra:
            deferral.note = f"{deferral.note}\n\nOn return: {extra}".strip()
        after = {"returned_on": returned_on, "note": deferral.note}
        if to_cohort is not None:
            deferral.from_cohort, deferral.to_cohort = participant.cohort, to_cohort
            after.update(from_cohort=participant.cohort, to_cohort=to_cohort)
            record(actor, "move-cohort", "participant", participant.participant_id, participant_id=participant.id,
                   before={"cohort": participant.cohort}, after={"cohort": to_cohort})
            participant.cohort = to_cohort
        record(actor, "return-from-deferral", "deferral", deferral.id, participant_id=participant.id,
               before=before, after=after)
    else:
        record(actor, "return-from-deferral", "participant", participant.participant_id,
               participant_id=participant.id, after={"returned_on": returned_on, "note": extra})
    set_status(participant, ACTIVE, actor)
    db.session.flush()
    recompute([participant.id], Book())
    return deferral
