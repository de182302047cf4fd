"""Results cached by the data version (models/version.py), for the pages that read many participants.

EDT's overview, declarations and everyone's participant list read tens of thousands of
participants, a partner's dashboard a few thousand. They keep what they computed keyed by the
data version and their arguments (the as-of date and the partner among them), in two places:

- the database's cached_result table, which every worker of every server reads: the first
  worker to compute a result after a change writes it there, the others (and a restarted
  server) read it rather than compute it again; a job builds EDT's pages after an import
  (warm(), the job kind "build-pages"), so the first person after a change does not wait;
- this process, so another view of unchanged data costs one query for the version.

The version is read from the database on every call, so any committed change is seen by the
next request on every server: a result kept under an older version is never served.
"""
from __future__ import annotations

import hashlib
import pickle
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..extensions import db
from ..models.version import CachedResult, DataVersion
from ..web.profile import note_cache

KEPT = 128  # cached results per name and process: every partner's (a hundred at national scale) and EDT's

T = TypeVar("T")
_cache: dict[str, OrderedDict[tuple, object]] = {}
_lock = threading.Lock()  # a gunicorn worker serves requests in threads (gunicorn.conf.py)
_MISSING = object()


def current() -> str:
    """The version of the committed data this transaction sees ("" before the first change)."""
    return db.session.scalar(select(DataVersion.token).where(DataVersion.id == 1)) or ""


def _shared_key(key: tuple[Hashable, ...]) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()


def _read_shared(name: str, key: str, version: str):
    data = db.session.scalar(select(CachedResult.value).where(CachedResult.name == name, CachedResult.key == key,
                                                             CachedResult.version == version))
    if data is None:
        return _MISSING
    try:
        return pickle.loads(zlib.decompress(data))
    except Exception:  # noqa: BLE001 (kept by an older release of the code: computed again)
        return _MISSING


def _write_shared(name: str, key: str, version: str, value: object) -> None:
    """The result kept for every worker, in a transaction of its own (the request's is left as it was).
    The name's rows of other versions go (they can never be read again: the table holds no more than
    the current version's results); two workers writing at once: one of them wins."""
    data = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
    try:
        with db.engine.begin() as connection:
            table = CachedResult.__table__
            connection.execute(delete(table).where(table.c.name == name,
                                                   or_(table.c.key == key, table.c.version != version)))
            connection.execute(table.insert().values(name=name, key=key, version=version, value=data))
    except (IntegrityError, DBAPIError):
        pass  # another worker wrote it first, or the database is busy: this one serves from its own copy


def cached(name: str, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """compute()'s result for this name and key at the current data version, computed once for every worker.

    Within a transaction that has changed data (not committed yet) nothing is cached or read
    from the cache: the version does not name those changes.
    """
    if db.session.info.get("data_changed") or db.session.new or db.session.dirty or db.session.deleted:
        return compute()
    version = current()  # read before the data
    if not version:
        return compute()
    full = (str(db.engine.url), version, *key)
    with _lock:
        kept = _cache.setdefault(name, OrderedDict())
        found = kept.get(full, _MISSING)
        if found is not _MISSING:
            kept.move_to_end(full)
    if found is not _MISSING:
        note_cache(name, "hit", 0.0)
        return found  # type: ignore[return-value]
    started = time.perf_counter()
    shared = _shared_key(key)
    value = _read_shared(name, shared, version)
    if value is not _MISSING:
        note_cache(name, "shared", time.perf_counter() - started)
    else:
        value = compute()
        _write_shared(name, shared, version, value)
        note_cache(name, "miss", time.perf_counter() - started)
    with _lock:
        kept[full] = value
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return value  # type: ignore[return-value]
