"""Reading DfE's changes since the last refresh (all the first time) and storing the states.

DfE is the truth here: a state it reports is stored whatever the tracker held (audited, with
an event), matched by DfE's id, or, for a record the tracker holds without one (an answer lost
and never looked up), by participant (DfE's id), course and type; DfE's statement and outcome
are kept with it. Declarations an earlier send left "being sent" are looked up
first (lost.py).

The tracker's records of a page's declarations are read in one query (by DfE's id), not one each, and
the page's changes are written at once (states.Reported: the same events and audit rows as change_state).
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
from .states import Reported

OVERLAP = timedelta(minutes=10)  # "from a little before the last refresh"
PER_PAGE = 1000
CHUNK = 1000  # DfE ids named in one IN list
MOST_PAGES = 1000  # a million declarations
NOTE = "from DfE's API"  # in the history of each state DfE reports


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
        _page(items, actor, done)
        progress(done.read, None, done.counts())
    run.finished_at, run.read, run.changed = now(), done.read, done.changed
    db.session.add(run)
    db.session.commit()
    return done


def _page(items: list[dict], actor: str, done: Refreshed) -> None:
    """One page's states, statements and outcomes recorded, written at once (states.Reported)."""
    held = _held(items)
    reported = Reported(actor, NOTE)
    for item in items:
        done.read += 1
        attributes = item.get("attributes") or {}
        dfe_id, state = str(item.get("id") or ""), attributes.get("state")
        record = held.get(dfe_id)
        if record is None:
            reported.write()  # so that the lookup sees the records this page gave a DfE id
            record = held_without_id(attributes)
        if record is None or state not in STATES:
            done.unknown.append(dfe_id)
            continue
        changed = reported.state(record, state, dfe_id)
        if reported.held(record, attributes) or changed:
            done.changed += 1
    reported.write()


def _held(items: list[dict]) -> dict[str, dict]:
    """The tracker's record of each of the page's declarations it knows by DfE's id (the current one
    first, else the latest), in one query a page: only the columns a change needs."""
    ids = [str(item.get("id") or "") for item in items]
    table = DeclarationRecord.__table__
    found: dict[str, dict] = {}
    for start in range(0, len(ids), CHUNK):
        for record in db.session.execute(select(*(table.c[name] for name in Reported.RECORD_COLUMNS)).where(
                table.c.dfe_id.in_(ids[start : start + CHUNK]))
                .order_by(table.c.current.desc(), table.c.id.desc())).mappings():
            found.setdefault(record["dfe_id"], dict(record))
    return found


def held_without_id(attributes: dict) -> dict | None:
    """The tracker's current record of DfE's declaration that holds no DfE id (its answer was lost):
    the same participant (by DfE's participant id), course and type."""
    table = DeclarationRecord.__table__
    found = db.session.execute(
        select(*(table.c[name] for name in Reported.RECORD_COLUMNS))
        .join(Participant, Participant.id == table.c.participant_id).where(
            Participant.dfe_participant_id == str(attributes.get("participant_id") or ""),
            table.c.course_identifier == str(attributes.get("course_identifier") or ""),
            table.c.declaration_type == str(attributes.get("declaration_type") or ""),
            table.c.current.is_(True), table.c.dfe_id.is_(None)).limit(1)).mappings().first()
    return None if found is None else dict(found)
