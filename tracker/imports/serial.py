"""Imports that write run one at a time where they could touch the same records.

Two files naming the same records, confirmed together, would both find a record missing and
both insert it. So an import holds a lock from before it reads until after it commits:
on PostgreSQL a transaction-scoped advisory lock, one per partner (an import not confined to a
partner, EDT's or the command line's, takes the lock every partner's import shares, alone);
on SQLite, where the database has one writer anyway, a file lock beside the database, which
every process of the server shares.
"""
from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from ..extensions import db

LOCK_SPACE = 7_300_813  # the tracker's namespace for advisory locks: (LOCK_SPACE, partner id or 0)


@contextmanager
def serialised(partner_id: int | None) -> Iterator[None]:
    """Hold around an import and its commit (or rollback)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        if partner_id is None:
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, 0)"), {"space": LOCK_SPACE})
        else:
            connection.execute(text("SELECT pg_advisory_xact_lock_shared(:space, 0)"), {"space": LOCK_SPACE})
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, :partner)"),
                               {"space": LOCK_SPACE, "partner": partner_id})
        yield  # released when the transaction ends
        return
    database = connection.engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.imports.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
