"""Reading DfE's changes since the last refresh (all the first time) and storing the states.

DfE is the truth here: a state it reports is stored whatever the tracker held (audited, with
an event), matched by DfE's id.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..clock import now
from ..extensions import db
from ..models import DeclarationRecord, DeclarationRefresh
from ..rules.declaration_states import STATES
from .dfe import DfeApi, DfeProblem
from .states import change_state

OVERLAP = timedelta(minutes=10)  # "from a little before the last refresh"
PER_PAGE = 100
MOST_PAGES = 10_000


@dataclass
class Refreshed:
    read: int = 0
    changed: int = 0
    unknown: list[str] = field(default_factory=list)  # DfE ids the tracker has no record of
    since: str | None = None

    def summary(self) -> str:
        return f"read {self.read}, changed {self.changed}, unknown {len(self.unknown)}"


def refresh(api: DfeApi, actor: str) -> Refreshed:
    """The caller commits (each change is audited in the same transaction)."""
    last = db.session.scalar(select(DeclarationRefresh).where(DeclarationRefresh.finished_at.is_not(None))
                             .order_by(DeclarationRefresh.started_at.desc()).limit(1))
    run = DeclarationRefresh(started_at=now(), read=0, changed=0)
    done = Refreshed(since=None if last is None else (last.started_at - OVERLAP).replace(microsecond=0).isoformat() + "Z")
    for page in range(1, MOST_PAGES + 1):
        params = {"page[page]": page, "page[per_page]": PER_PAGE}
        if done.since:
            params = {"filter[updated_since]": done.since, **params}
        answer = api.request("GET", "participant-declarations", params=params)
        if answer.status != 200:
            raise DfeProblem(f"DfE answered {answer.status} to page {page}: " + "; ".join(answer.errors()))
        items = (answer.body or {}).get("data") or []
        if not items:
            break
        for item in items:
            done.read += 1
            dfe_id, state = str(item.get("id") or ""), (item.get("attributes") or {}).get("state")
            record = db.session.scalar(select(DeclarationRecord).where(DeclarationRecord.dfe_id == dfe_id)
                                       .order_by(DeclarationRecord.current.desc(), DeclarationRecord.id.desc()).limit(1))
            if record is None or state not in STATES:
                done.unknown.append(dfe_id)
                continue
            if change_state(state, actor, record=record, from_dfe=True, note="from DfE's API") != "unchanged":
                done.changed += 1
    run.finished_at, run.read, run.changed = now(), done.read, done.changed
    db.session.add(run)
    return done
