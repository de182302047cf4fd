"""Helpers for the importer tests: run a file through the real importer, snapshot the database."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from tracker.engagement.book import Book
from tracker.extensions import db
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context
from tracker.models import Activity, Block, DeliveryPartner, Participant

from ..conftest import KEEP

TODAY = date(2026, 11, 24)
CREDITS = "participant_id,block,activity,credits,completed_on,source"
ATTENDANCE = "participant_id,block,event,session_date,attendance,marked_by"
VIDEO_VIEWS = "participant_id,block,percent_watched,viewed_on"
ASSESSMENTS = "participant_id,status,result,recorded_on"


def run_bytes(kind: str, data: bytes, filename: str | None = None, *, today: date = TODAY, dry_run=False,
              partner_id=None):
    """Import raw file bytes as the CLI would: commit when valid, roll back otherwise."""
    context = Context(today=today, book=Book(), partner_id=partner_id, user="test")
    result = run_import(importer_for(kind, context), io.BytesIO(data), filename or f"{kind}.csv", dry_run=dry_run)
    if result.ok and not dry_run:
        db.session.commit()
    else:
        db.session.rollback()
    return result


def lines(*rows: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(rows) + "\n").encode(encoding)


def snapshot() -> dict[str, list[str]]:
    """Every row of every non-reference table, to show that nothing at all was written."""
    db.session.expire_all()
    found = {}
    for table in db.metadata.sorted_tables:
        if table.name in KEEP:
            continue
        found[table.name] = sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
    return found


def partner_id(code: str) -> int:
    return db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == code))


def participant_pk(ref: str) -> int:
    return db.session.scalar(select(Participant.id).where(Participant.participant_id == ref))


def by_activity(model, *columns) -> list[tuple]:
    """A kind's stored records of an activity (credits, register marks), sorted, as (participant
    id, block, activity title, *columns), dates as YYYY-MM-DD."""
    rows = db.session.execute(
        select(Participant.participant_id, Block.number, Activity.title, *columns)
        .join(Participant, model.participant_id == Participant.id)
        .join(Activity, model.activity_id == Activity.id).join(Block, Activity.block_id == Block.id))
    return sorted(tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in rows)
