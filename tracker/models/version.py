"""The data version: one row whose token every commit that changes the data replaces.

Every transaction that writes a table of the data gets a new token when it commits: ORM
flushes and Core statements through the session are seen by the session events below, and
bulk writes (models/bulk.py) mark the session themselves. Tables of sign-in, sessions, the
audit trail and uploads waiting for confirmation are not data: writing them keeps the token.
tracker/engagement/version.py caches results by it.
"""
from __future__ import annotations

import uuid

from sqlalchemy import LargeBinary, String, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db

# Not the tracker's data: sign-in (its throttle too: every sign-in writes it), accounts, the jobs' own
# bookkeeping (a job's progress is written every few rows), and the cached results themselves. Writing
# one of them kept the version once it was spelled right; before, every sign-in and every job's
# progress threw away every cached page on every server.
NOT_DATA = {"user_account", "sign_in_attempt", "sign_in_throttle", "audit_event", "pending_upload", "import_batch",
            "job", "data_version", "alembic_version", "cached_result"}


class DataVersion(db.Model):
    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class CachedResult(db.Model):
    """A result cached by the data version (tracker/engagement/version.py), kept where every worker of every
    server reads it: the row of a name and key holds the latest version's result (pickled, compressed)."""
    __tablename__ = "cached_result"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the arguments' repr
    version: Mapped[str] = mapped_column(String(32))
    value: Mapped[bytes] = mapped_column(LargeBinary)


def is_data(table_name: str) -> bool:
    if table_name in NOT_DATA:
        return False
    return "session" not in table_name or table_name == "register_session"


def mark_changed(session: Session) -> None:
    session.info["data_changed"] = True


def _bump(session: Session) -> None:
    token = uuid.uuid4().hex
    table = DataVersion.__table__
    connection = session.connection()
    if not connection.execute(update(table).where(table.c.id == 1).values(token=token)).rowcount:
        connection.execute(table.insert().values(id=1, token=token))


@event.listens_for(Session, "before_flush")
def _flushing(session: Session, flush_context, instances) -> None:
    for obj in (*session.new, *session.deleted):
        if is_data(getattr(obj, "__tablename__", "")):
            mark_changed(session)
            return
    for obj in session.dirty:
        if is_data(getattr(obj, "__tablename__", "")) and session.is_modified(obj):
            mark_changed(session)
            return


@event.listens_for(Session, "do_orm_execute")
def _executing(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and is_data(getattr(table, "name", "")):
            mark_changed(state.session)


@event.listens_for(Session, "before_commit")
def _committing(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # so that changes not flushed yet are seen
    if session.info.pop("data_changed", False):
        _bump(session)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop("data_changed", None)
