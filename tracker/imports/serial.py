"""Imports that write run one at a time where they could touch the same records.

Two files naming the same records, confirmed together, would both find a record missing and
both insert it. So an import holds a lock from before it reads until after it commits:
on PostgreSQL a transaction-scoped advisory lock, one per partner (an import not confined to a
partner, EDT's or the command line's, takes the lock every partner's import shares, alone);
on SQLite, where the database has one writer anyway, a file lock beside the database, which
every process of the server shares.

A job or the command line waits for the lock as long as it takes; a web request waits at most
IN_A_REQUEST seconds (an upload's import may hold it for a minute) and is then refused with Busy.
"""
from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from ..extensions import db
from ..refusal import Refusal

LOCK_SPACE = 7_300_813  # the tracker's namespace for advisory locks: (LOCK_SPACE, partner id or 0)
IN_A_REQUEST = 5.0  # seconds a web request waits for another import of its partner to finish
POLL = 0.05


class Busy(Refusal):
    def __init__(self) -> None:
        super().__init__(None, "Another file of your partnership is being checked or imported: nothing was changed. "
                               "Try again in a minute")


@contextmanager
def serialised(partner_id: int | None, wait: float | None = None) -> Iterator[None]:
    """Hold around an import and its commit (or rollback). wait: the most seconds to wait for the
    lock before raising Busy (None: as long as it takes)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        locks = [("_shared", 0), ("", partner_id)] if partner_id is not None else [("", 0)]
        for shared, key in locks:
            _take(lambda: connection.execute(text(f"SELECT pg_try_advisory_xact_lock{shared}(:space, :key)"),
                                             {"space": LOCK_SPACE, "key": key}).scalar(),
                  lambda: connection.execute(text(f"SELECT pg_advisory_xact_lock{shared}(:space, :key)"),
                                             {"space": LOCK_SPACE, "key": key}),
                  wait)
        yield  # released when the transaction ends
        return
    database = connection.engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.imports.lock", "a") as handle:
        _take(lambda: _try_flock(handle), lambda: fcntl.flock(handle, fcntl.LOCK_EX), wait)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _try_flock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _take(try_once, block, wait: float | None) -> None:
    """Counted tries, not a deadline: the clock may be a test's, frozen or faked."""
    if wait is None:
        block()
        return
    for _ in range(max(1, round(wait / POLL))):
        if try_once():
            return
        time.sleep(POLL)
    if not try_once():
        raise Busy()
