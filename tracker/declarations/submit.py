"""Sending the declarations to send to DfE's API, each claimed before its POST.

A claim is a row: a new current record in state `sending` (the unique participant, type and
`current` constraint lets only one run insert it), or a refused record moved to `sending` by an
UPDATE that only one run can win. Each claim names the job sending it and is committed before the
request goes out, so two runs at the same moment never send one declaration twice. An answer that
never came is settled by looking the declaration up at DfE (lost.py) before anything is sent again.

One way in: the send job (tracker/jobs/kinds.py), started from the page or `flask declarations
submit`, runs `send`; its result is the outcome of each declaration as a CSV file.
"""
from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..clock import now as clock_now
from ..exports.cells import csv_text
from ..extensions import db
from ..models import DeclarationRecord, Participant
from ..rules.declaration_states import STATES, SUBMITTED
from .bodies import request_bodies
from .dfe import DfeApi, DfeNoAnswer, DfeThrottled, DfeUnauthorized
from .listing import REFUSED, SENDING, Row, rows, to_send
from .lost import ALREADY_SUBMITTED, give_back, look_up, settle_left
from .states import change_state, keep_held

SENT, REFUSED_BY_DFE, NOT_SENT, SKIPPED = "sent", "refused", "not sent", "skipped"
RESULTS = (SENT, REFUSED_BY_DFE, NOT_SENT, SKIPPED)
PROGRESS_EVERY = 0.5  # seconds between the counts stored for the job's page (a commit each)
OUTCOMES_HEADER = ["participant_id", "declaration_type", "result", "detail"]
UNSETTLED = ("DfE's answer was lost and DfE could not be asked whether it holds the declaration: it stays being "
             "sent until the next send or refresh looks it up at DfE")


@dataclass(frozen=True)
class Outcome:
    participant_id: str
    declaration_type: str
    result: str  # sent, refused, not sent, skipped
    detail: str = ""  # DfE's state and id, its errors, or why nothing was sent

    def line(self) -> str:
        return f"{self.participant_id} {self.declaration_type}: {self.result}" + (f": {self.detail}" if self.detail else "")


def tally(outcomes: list[Outcome]) -> dict[str, int]:
    return {result: sum(o.result == result for o in outcomes) for result in RESULTS}


def outcomes_csv(outcomes: list[Outcome]) -> str:
    return csv_text(OUTCOMES_HEADER, ([o.participant_id, o.declaration_type, o.result, o.detail] for o in outcomes))


def read_outcomes(text: str) -> list[Outcome]:
    return [Outcome(r["participant_id"], r["declaration_type"], r["result"], r["detail"])
            for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]


def pending(as_of: date, today: date, partner: str | None = None) -> list[Row]:
    return to_send(rows(as_of, today, partner=partner))


def claim(row: Row, sent_as: str, job_id: int | None = None) -> int | None:
    """Take the declaration for this run (its record's id), or None when another run has it (or DfE holds it)."""
    now = clock_now()
    if row.record is not None:
        won = db.session.execute(
            update(DeclarationRecord).where(DeclarationRecord.id == row.record.id, DeclarationRecord.state == REFUSED)
            .values(state=SENDING, updated_at=now, job_id=job_id, sent_as=sent_as)
        ).rowcount
        db.session.commit()
        return row.record.id if won == 1 else None
    d = row.declaration
    record = DeclarationRecord(participant_id=d.participant_pk, declaration_type=d.declaration_type,
                               declaration_date=d.declaration_date, course_identifier=d.course_identifier,
                               state=SENDING, updated_at=now, current=True, note="", job_id=job_id, sent_as=sent_as)
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return record.id


def submit(api: DfeApi, found: list[Row], actor: str, *, job_id: int | None = None,
           progress: Callable[[list[Outcome]], None] = lambda outcomes: None) -> tuple[list[Outcome], bool]:
    """POST each declaration; returns an outcome per declaration and whether DfE stopped the run
    (a 401, or 429s through several windows)."""
    outcomes: list[Outcome] = []
    bodies = request_bodies(row.declaration for row in found)
    for index, (row, body) in enumerate(zip(found, bodies)):
        d = row.declaration
        record_id = claim(row, body["data"]["attributes"]["participant_id"], job_id)
        if record_id is None:
            outcomes.append(Outcome(d.participant_id, d.declaration_type, SKIPPED, "another run is sending it or has sent it"))
            progress(outcomes)
            continue
        try:
            result, detail = _send(api, record_id, body, d.participant_pk, actor)
        except (DfeUnauthorized, DfeThrottled) as problem:
            give_back(db.session.get(DeclarationRecord, record_id))
            outcomes.append(Outcome(d.participant_id, d.declaration_type, NOT_SENT, str(problem)))
            outcomes += [Outcome(r.declaration.participant_id, r.declaration.declaration_type, NOT_SENT,
                                 "the run stopped: " + str(problem)) for r in found[index + 1 :]]
            progress(outcomes)
            return outcomes, True
        outcomes.append(Outcome(d.participant_id, d.declaration_type, result, detail))
        progress(outcomes)
    return outcomes, False


def _send(api: DfeApi, record_id: int, body: dict, participant_pk: int, actor: str) -> tuple[str, str]:
    try:
        answer = api.request("POST", "participant-declarations", body=body, participant_pk=participant_pk,
                             with_outcome=True)  # each branch below commits the audit with the outcome
    except DfeNoAnswer:
        return _look_up(api, record_id, actor)
    record = db.session.get(DeclarationRecord, record_id)
    if answer.status in (200, 201):
        attributes = answer.data.get("attributes") or {}
        state = attributes.get("state") if attributes.get("state") in STATES else SUBMITTED
        dfe_id = str(answer.data.get("id") or "") or None
        change_state(state, actor, record=record, dfe_id=dfe_id, from_dfe=True, note="sent through DfE's API")
        keep_held(record, attributes)
        db.session.commit()
        return SENT, f"{state}, DfE id {dfe_id}"
    if answer.status == 422 and ALREADY_SUBMITTED in answer.errors():
        return _look_up(api, record_id, actor, refused=answer.errors())
    if answer.status == 422:
        errors = answer.errors()
        record.state, record.errors, record.updated_at = REFUSED, "\n".join(errors), clock_now()
        db.session.commit()
        return REFUSED_BY_DFE, "; ".join(errors)
    if answer.lost:
        return _look_up(api, record_id, actor)
    give_back(record)
    return NOT_SENT, f"DfE answered {answer.status}"


def _look_up(api: DfeApi, record_id: int, actor: str, refused: list[str] | None = None) -> tuple[str, str]:
    """The answer was lost (or DfE says it has one already): adopt DfE's record, else it is to send again."""
    asked, found = look_up(api, db.session.get(DeclarationRecord, record_id), actor)
    if not asked:
        return NOT_SENT, UNSETTLED
    if found is not None:
        return found
    if refused:  # DfE refuses it as a repeat yet lists none it would count: its words stand
        return REFUSED_BY_DFE, "; ".join(refused)
    return NOT_SENT, "DfE's answer was lost and DfE holds no such declaration: it stays to send"


def send_params(as_of: date, today: date, partner: str | None, actor: str) -> dict:
    """What the send job is asked for (tracker/jobs/kinds.py)."""
    return {"as_of": as_of.isoformat(), "today": today.isoformat(), "partner": partner, "actor": actor}


def send(api: DfeApi, as_of: date, today: date, partner: str | None, actor: str, *, job_id: int | None = None,
         progress: Callable[[int, int | None, dict], None] = lambda done, total, counts: None) -> list[Outcome]:
    """The send job: first the declarations an earlier run left being sent (looked up at DfE), then
    each declaration to send. A run DfE stopped says so in the outcomes of the declarations not sent."""
    settled = settle_left(api, actor, job_id)
    refs = dict(db.session.execute(select(Participant.id, Participant.participant_id)
                                   .where(Participant.id.in_({r.participant_id for r, _, _ in settled}))).all()) if settled else {}
    before = [Outcome(refs[r.participant_id], r.declaration_type, result, detail) for r, result, detail in settled]
    found = pending(as_of, today, partner)
    total = len(before) + len(found)

    shown = [0.0]

    def step(outcomes: list[Outcome], last: bool = False) -> None:
        if last or time.monotonic() - shown[0] >= PROGRESS_EVERY:
            done = before + outcomes
            progress(len(done), total, tally(done))
            shown[0] = time.monotonic()

    step([])
    outcomes, _ = submit(api, found, actor, job_id=job_id, progress=step)
    step(outcomes, last=True)
    return before + outcomes
