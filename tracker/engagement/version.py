"""Results cached by the data version (models/version.py), for the pages that read many participants.

EDT's overview, declarations and everyone's participant list read tens of thousands of
participants, a partner's dashboard a few thousand. They keep what they computed in this
process, keyed by the database, the data version and their arguments (the as-of date and the
partner among them), so another view of unchanged data costs one query for the version, and
any committed change is seen by the next request. Each worker process keeps its own results
and reads the version from the database on every request, so workers never serve stale data.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import select

from ..extensions import db
from ..models.version import DataVersion
from ..web.profile import note_cache

KEPT = 16  # cached results per name and process: many partners' pages never push out EDT's

T = TypeVar("T")
_cache: dict[str, OrderedDict[tuple, object]] = {}


def current() -> str:
    """The version of the committed data this transaction sees ("" before the first change)."""
    return db.session.scalar(select(DataVersion.token).where(DataVersion.id == 1)) or ""


def cached(name: str, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """compute()'s result for this name and key at the current data version, computed once per process.

    Within a transaction that has changed data (not committed yet) nothing is cached or read
    from the cache: the version does not name those changes.
    """
    if db.session.info.get("data_changed") or db.session.new or db.session.dirty or db.session.deleted:
        return compute()
    version = current()  # read before the data
    if not version:
        return compute()
    full = (str(db.engine.url), version, *key)
    kept = _cache.setdefault(name, OrderedDict())
    if full in kept:
        kept.move_to_end(full)
        note_cache(name, "hit", 0.0)
        return kept[full]  # type: ignore[return-value]
    started = time.perf_counter()
    value = compute()
    note_cache(name, "miss", time.perf_counter() - started)
    kept[full] = value
    while len(kept) > KEPT:
        kept.popitem(last=False)
    return value
