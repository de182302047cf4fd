"""Reading DfE's changes since the last refresh (all the first time) and storing the states.

DfE is the truth here: a state it reports is stored whatever the tracker held (audited, with
an event), matched by DfE's id, or, for a record the tracker holds without one (an answer lost
and never looked up), by participant (DfE's id), course and type; DfE's statement and outcome
are kept with it. Declarations an earlier send left "being sent" are looked up
first (lost.py).

The tracker's records of a page's declarations are read in one query (by DfE's id), not one each.
Every page is read (DfeApi.pages: countless paging, a runaway stopped in words past MOST_PAGES).
The changes of each page are committed as it is read, so a refresh that stops keeps what it read.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..clock import now
from ..extensions import db
from ..formats import utc_stamp
from ..models import DeclarationRecord, DeclarationRefresh, Participant
from ..rules.declaration_states import STATES
from .dfe import DfeApi
from .lost import settle_left
from .states import change_state, keep_held

OVERLAP = timedelta(minutes=10)  # "from a little before the last refresh"
PER_PAGE = 1000
CHUNK = 1000  # DfE ids named in one IN list
MOST_PAGES = 1000  # a million declarations


@dataclass
class Refreshed:
    read: int = 0
    changed: int = 0
    unknown: list[str] = field(default_factory=list)  # DfE ids the tracker has no record of
    since: str | None = None

    def summary(self) -> str:
        return summary(self.counts())

    def counts(self) -> dict[str, int]:
        return {"read": self.read, "changed": self.changed, "unknown": len(self.unknown)}


def summary(counts: dict[str, int]) -> str:
    return f"read {counts['read']}, changed {counts['changed']}, unknown {counts['unknown']}"


def refresh(api: DfeApi, actor: str, *, job_id: int | None = None,
            progress: Callable[[int, int | None, dict], None] = lambda done, total, counts: None) -> Refreshed:
    """Commits page by page; raises DfeProblem (in words) when DfE's answer is not one to go on with."""
    settle_left(api, actor, job_id)
    last = db.session.scalar(select(DeclarationRefresh).where(DeclarationRefresh.finished_at.is_not(None))
                             .order_by(DeclarationRefresh.started_at.desc()).limit(1))
    run = DeclarationRefresh(started_at=now(), read=0, changed=0)
    done = Refreshed(since=None if last is None else utc_stamp(last.started_at - OVERLAP))
    params = {"filter[updated_since]": done.since} if done.since else {}
    for items in api.pages("participant-declarations", "declarations", "refresh", per_page=PER_PAGE, most=MOST_PAGES,
                           params=params, so_far=done.summary):
        held = _held(items)
        for item in items:
            _apply(item, held, actor, done)
        progress(done.read, None, done.counts())
    run.finished_at, run.read, run.changed = now(), done.read, done.changed
    db.session.add(run)
    db.session.commit()
    return done


def _held(items: list[dict]) -> dict[str, DeclarationRecord]:
    """The tracker's record of each of the page's declarations it knows by DfE's id (the current one
    first, else the latest), in one query a page."""
    ids = [str(item.get("id") or "") for item in items]
    found: dict[str, DeclarationRecord] = {}
    for start in range(0, len(ids), CHUNK):
        for record in db.session.scalars(select(DeclarationRecord).where(
                DeclarationRecord.dfe_id.in_(ids[start : start + CHUNK]))
                .order_by(DeclarationRecord.current.desc(), DeclarationRecord.id.desc())):
            found.setdefault(record.dfe_id, record)
    return found


def _apply(item: dict, held: dict[str, DeclarationRecord], actor: str, done: Refreshed) -> None:
    done.read += 1
    attributes = item.get("attributes") or {}
    dfe_id, state = str(item.get("id") or ""), attributes.get("state")
    record = held.get(dfe_id)
    if record is None:
        record = held_without_id(attributes)
    if record is None or state not in STATES:
        done.unknown.append(dfe_id)
        return
    changed = change_state(state, actor, record=record, dfe_id=dfe_id, from_dfe=True, note="from DfE's API")
    if keep_held(record, attributes) or changed != "unchanged":
        done.changed += 1


def held_without_id(attributes: dict) -> DeclarationRecord | None:
    """The tracker's current record of DfE's declaration that holds no DfE id (its answer was lost):
    the same participant (by DfE's participant id), course and type."""
    return db.session.scalar(
        select(DeclarationRecord).join(Participant, Participant.id == DeclarationRecord.participant_id).where(
            Participant.dfe_participant_id == str(attributes.get("participant_id") or ""),
            DeclarationRecord.course_identifier == str(attributes.get("course_identifier") or ""),
            DeclarationRecord.declaration_type == str(attributes.get("declaration_type") or ""),
            DeclarationRecord.current.is_(True), DeclarationRecord.dfe_id.is_(None)).limit(1))
