"""Writing audit events: who changed what, when (UTC), before and after."""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from ..clock import now
from ..extensions import db
from ..models import AuditEvent
from ..models.bulk import insert_rows


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _default(value):
    """What JSON cannot hold itself (a date, a time, a Decimal), as _plain writes it."""
    if isinstance(value, (date, datetime, Decimal)):
        return _plain(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_ENCODER = json.JSONEncoder(sort_keys=True, default=_default)


def _json(values: dict | None) -> str | None:
    if values is None:
        return None
    return _ENCODER.encode(values)


def _values(actor: str, action: str, entity: str, entity_id, participant_id: int | None, before: dict | None,
            after: dict | None) -> dict:
    return {"at": now(), "actor": actor, "action": action, "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id), "participant_id": participant_id,
            "before": _json(before), "after": _json(after)}


def record(actor: str, action: str, entity: str, entity_id=None, *, participant_id: int | None = None,
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    event = AuditEvent(**_values(actor, action, entity, entity_id, participant_id, before, after))
    db.session.add(event)
    return event


def record_many(events: Iterable[dict]) -> int:
    """Many events written at once in the session's transaction (models/bulk.insert_rows: COPY on
    PostgreSQL, executemany elsewhere), each a dict of record()'s arguments; returns how many."""
    names = ("at", "actor", "action", "entity", "entity_id", "participant_id", "before", "after")
    rows = (_values(event["actor"], event["action"], event["entity"], event.get("entity_id"),
                    event.get("participant_id"), event.get("before"), event.get("after")) for event in events)
    return insert_rows(AuditEvent.__table__, names, ([row[name] for name in names] for row in rows))


def record_at_once(actor: str, action: str, entity: str, entity_id=None, *, participant_id: int | None = None,
                   before: dict | None = None, after: dict | None = None) -> None:
    """An event written and committed on its own connection as it happens, whatever becomes of the
    caller's transaction (a request to DfE stays audited when the run fails or its worker is killed).
    On SQLite the caller must hold no uncommitted writes, or this waits for them."""
    with db.engine.begin() as connection:
        connection.execute(AuditEvent.__table__.insert().values(
            **_values(actor, action, entity, entity_id, participant_id, before, after)))
