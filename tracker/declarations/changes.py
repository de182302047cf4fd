"""Telling DfE of the tracker's decisions: withdrawals EDT confirmed, deferrals, returns, moves to a
later cohort, and outcomes changed after a completed declaration (INTERCHANGE.md `dfe send-changes`).

What to send is worked out by rules/dfe_changes.py from what the tracker holds and what DfE holds.
What DfE holds is kept from DfE's own answers (the enrolment's training status, schedule and cohort
on the participant; the outcome on the completed declaration), so a change DfE accepted is not sent
again. DfE's answer to a repeat after a lost answer ("The participant is already withdrawn") means
DfE holds it. Every request is a DfeChange row with DfE's answer; a refusal is kept and shown.

One way in: the job (tracker/jobs/kinds.py), started from the participant's page or `flask dfe
send-changes`, runs `send_changes`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from ..clock import now as clock_now, today as clock_today
from ..engagement.queries import assessments_by_participant
from ..exports.cells import csv_text
from ..extensions import db
from ..models import Cohort, Course, DeclarationRecord, Deferral, DfeChange, Participant, WithdrawalRequest
from ..models.escalation import CONFIRMED
from ..rules.declaration_states import ELIGIBLE, PAID, PAYABLE, SUBMITTED
from ..rules.dfe_changes import (ALREADY, CHANGE_SCHEDULE, HOLDS, OUTCOME, WORDS, Change, Standing, changes)
from ..rules.dfe_schedules import cohort_of_start
from ..rules.facts import MODERATED
from ..rules.outputs import assessment_result
from .dfe import DfeApi, DfeNoAnswer

SENT, REFUSED, NOT_SENT = "sent", "refused", "not sent"
RESULTS = (SENT, REFUSED, NOT_SENT)
HELD_BY_DFE = (SUBMITTED, ELIGIBLE, PAYABLE, PAID)
HEADER = ["participant_id", "change", "result", "detail"]


@dataclass(frozen=True)
class Told:
    participant_id: str
    action: str
    result: str  # sent, refused, not sent
    detail: str = ""

    def line(self) -> str:
        return f"{self.participant_id} {self.action}: {self.result}" + (f": {self.detail}" if self.detail else "")


def tally(told: list[Told]) -> dict[str, int]:
    return {result: sum(t.result == result for t in told) for result in RESULTS}


def told_csv(told: list[Told]) -> str:
    return csv_text(HEADER, ([t.participant_id, t.action, t.result, t.detail] for t in told))


def read_told(text: str) -> list[Told]:
    import csv
    import io

    return [Told(r["participant_id"], r["change"], r["result"], r["detail"])
            for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]


def to_tell(pks: list[int] | None = None, today: date | None = None) -> list[tuple[Participant, Change]]:
    """Each change DfE is to be told, with its participant, ordered by participant_id."""
    today = today or clock_today()
    found = []
    for participant in _candidates(pks):
        found += [(participant, change) for change in changes(standing(participant, today))]
    return found


def _candidates(pks: list[int] | None) -> list[Participant]:
    """Participants whose standing may differ from DfE's: not active here or there, moved, or with a
    completed declaration DfE holds."""
    moved = select(Deferral.participant_id).where(Deferral.to_cohort.is_not(None))
    completed = select(DeclarationRecord.participant_id).where(
        DeclarationRecord.declaration_type == "completed", DeclarationRecord.current.is_(True),
        DeclarationRecord.state.in_(HELD_BY_DFE))
    query = select(Participant).where(or_(
        Participant.status != "active", Participant.dfe_training_status.in_(("deferred", "withdrawn")),
        Participant.id.in_(moved), Participant.id.in_(completed))).order_by(Participant.participant_id)
    if pks is not None:
        query = query.where(Participant.id.in_(pks))
    return list(db.session.scalars(query))


def standing(p: Participant, today: date) -> Standing:
    course = db.session.get(Course, p.course_id)
    withdrawal = db.session.scalar(select(WithdrawalRequest).where(
        WithdrawalRequest.participant_id == p.id, WithdrawalRequest.state == CONFIRMED)
        .order_by(WithdrawalRequest.id.desc()).limit(1))
    deferrals = db.session.scalars(select(Deferral).where(Deferral.participant_id == p.id)
                                   .order_by(Deferral.deferred_on.desc(), Deferral.id.desc())).all()
    open_deferral = next((d for d in deferrals if d.returned_on is None), None)
    moved = next((d for d in deferrals if d.to_cohort is not None), None)
    completed = db.session.scalar(select(DeclarationRecord).where(
        DeclarationRecord.participant_id == p.id, DeclarationRecord.declaration_type == "completed",
        DeclarationRecord.current.is_(True), DeclarationRecord.state.in_(HELD_BY_DFE)))
    assessments = assessments_by_participant([p.id]).get(p.id, []) if completed else []
    results = sorted(a.recorded_on for a in assessments if a.status == MODERATED and a.result and a.recorded_on <= today)
    return Standing(
        p.dfe_participant_id, p.dfe_course_identifier or course.dfe_identifier, p.status, p.dfe_training_status,
        withdrawal.reason if withdrawal else None, withdrawal is not None,
        open_deferral.reason if open_deferral else None, open_deferral is not None,
        _move(p, course) if moved is not None and moved.to_cohort == p.cohort else None,
        p.dfe_schedule_identifier, p.dfe_cohort,
        assessment_result(assessments, today) if completed else None, results[-1] if results else None,
        completed.has_passed if completed else None, completed is not None)


def _move(p: Participant, course: Course) -> tuple[str, int] | None:
    """(DfE schedule, DfE cohort year) of the tracker cohort the participant was moved to; None for a
    course group the tracker's cohorts name no schedule for (EHCO)."""
    cohort = db.session.get(Cohort, p.cohort)
    schedule = {"specialist": cohort.specialist_schedule, "leadership": cohort.leadership_schedule}.get(
        course.course_group)
    return (schedule, cohort_of_start(cohort.start_date)) if schedule else None


def send_changes(api: DfeApi, actor: str, *, pks: list[int] | None = None, job_id: int | None = None,
                 today: date | None = None, progress=lambda done, total, counts: None) -> list[Told]:
    """Sends each change DfE is to be told; one Told each. A 401 or endless 429s stop the run (raised)."""
    found = to_tell(pks, today)
    told: list[Told] = []
    progress(0, len(found), tally(told))
    for participant, change in found:
        told.append(tell(api, participant, change, actor, job_id))
        progress(len(told), len(found), tally(told))
    return told


def tell(api: DfeApi, participant: Participant, change: Change, actor: str, job_id: int | None = None) -> Told:
    """One change sent to DfE, its answer recorded and what DfE now holds kept. Commits."""
    ref = participant.participant_id
    if change.held:
        return Told(ref, change.action, NOT_SENT, change.held)
    method, path = change.path(participant.dfe_participant_id)
    pk = participant.id
    db.session.commit()  # nothing of ours uncommitted while the request's audit is written
    try:
        answer = api.request(method, path, body=change.body, participant_pk=pk)
    except DfeNoAnswer as problem:
        _record(pk, change, NOT_SENT, None, str(problem), actor, job_id)
        return Told(ref, change.action, NOT_SENT, f"{problem}: it is sent again next time")
    participant = db.session.get(Participant, pk)
    errors = answer.errors() if answer.status != 200 else []
    if answer.status == 200 or (answer.status == 422 and ALREADY.get(change.action) in errors):
        held = _holds(participant, change, answer.data if answer.status == 200 else {})
        words = held if answer.status == 200 else f"DfE already held it ({held})"
        _record(pk, change, SENT, answer.status, words, actor, job_id)
        return Told(ref, change.action, SENT, words)
    if answer.status in (400, 404, 422):
        detail = "; ".join(errors) if answer.body and answer.body.get("errors") else (
            "DfE does not know the participant's DfE id (404)" if answer.status == 404 else "; ".join(errors))
        _record(pk, change, REFUSED, answer.status, detail, actor, job_id)
        return Told(ref, change.action, REFUSED, detail)
    detail = f"DfE answered {answer.status}: it is sent again next time"
    _record(pk, change, NOT_SENT, answer.status, detail, actor, job_id)
    return Told(ref, change.action, NOT_SENT, detail)


def _holds(participant: Participant, change: Change, data: dict) -> str:
    """Keeps what DfE now holds (from its answer, else from what it accepted); says it in words."""
    if change.action == OUTCOME:
        passed = change.attributes["state"] == "passed"
        record = db.session.scalar(select(DeclarationRecord).where(
            DeclarationRecord.participant_id == participant.id, DeclarationRecord.declaration_type == "completed",
            DeclarationRecord.current.is_(True)))
        if record is not None:
            record.has_passed = passed
        return f"outcome {change.attributes['state']} on {change.attributes['completion_date']}"
    course = change.attributes["course_identifier"]
    enrolment = next((e for e in (data.get("attributes") or {}).get("npq_enrolments") or []
                      if isinstance(e, dict) and e.get("course_identifier") == course), None)
    if enrolment is not None:
        participant.dfe_training_status = enrolment.get("training_status") or participant.dfe_training_status
        participant.dfe_schedule_identifier = enrolment.get("schedule_identifier") or participant.dfe_schedule_identifier
        if str(enrolment.get("cohort") or "").isdigit():
            participant.dfe_cohort = int(enrolment["cohort"])
    elif change.action == CHANGE_SCHEDULE:
        participant.dfe_schedule_identifier = change.attributes["schedule_identifier"]
        participant.dfe_cohort = int(change.attributes.get("cohort") or participant.dfe_cohort or 0) or None
    else:
        participant.dfe_training_status = HOLDS[change.action]
    if change.action == CHANGE_SCHEDULE:
        return f"on {participant.dfe_schedule_identifier}, cohort {participant.dfe_cohort}"
    return participant.dfe_training_status or HOLDS[change.action]


def _record(pk: int, change: Change, result: str, status: int | None, answer: str, actor: str,
            job_id: int | None) -> None:
    db.session.add(DfeChange(participant_id=pk, action=change.action, attributes=json.dumps(change.attributes),
                             result=result, answer=answer, status=status, sent_at=clock_now(), sent_by=actor,
                             job_id=job_id))
    db.session.commit()


def last_told(pk: int) -> list[DfeChange]:
    """What was last sent to DfE of each kind of change of the participant, latest first."""
    rows = db.session.scalars(select(DfeChange).where(DfeChange.participant_id == pk)
                              .order_by(DfeChange.sent_at.desc(), DfeChange.id.desc())).all()
    seen, found = set(), []
    for row in rows:
        if row.action not in seen:
            seen.add(row.action)
            found.append(row)
    return found


def in_words(action: str) -> str:
    return WORDS.get(action, action)


def describe(change: Change) -> str:
    """The change in words for EDT: "Withdrawal, reason: change in school leadership"."""
    from ..words import DEFERRAL_REASON_LABELS, WITHDRAWAL_REASON_LABELS

    a = change.attributes
    if change.action == CHANGE_SCHEDULE:
        cohort = f", DfE cohort {a['cohort']}" if a.get("cohort") else ""
        return f"Move to DfE's schedule {a['schedule_identifier']}{cohort}"
    if change.action == OUTCOME:
        return f"Outcome: {a['state']}, completed on {a['completion_date']}"
    reason = a.get("reason")
    labels = {**WITHDRAWAL_REASON_LABELS, **DEFERRAL_REASON_LABELS}
    words = WORDS[change.action].capitalize()
    return f"{words}, reason: {labels.get(reason, reason).lower()}" if reason else words
