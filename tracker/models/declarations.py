"""Declarations EDT has sent to DfE, with the state DfE reports and its history.

A participant has at most one *current* record per declaration type (`current` is True);
a voided record EDT reopens keeps its history with `current` NULL, so the declaration is to
send again and its next record is a new row. (NULLs never collide in a unique constraint,
on SQLite and PostgreSQL alike.)
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DeclarationRecord(db.Model):
    __tablename__ = "declaration_record"
    __table_args__ = (UniqueConstraint("participant_id", "declaration_type", "current"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    declaration_type: Mapped[str] = mapped_column(String(20))
    declaration_date: Mapped[date]
    course_identifier: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime]
    current: Mapped[bool | None] = mapped_column(Boolean, default=True)
    dfe_id: Mapped[str | None] = mapped_column(String(64), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    errors: Mapped[str | None] = mapped_column(Text)  # DfE's 422 details, one a line
    # The job that sent it last (while "sending": the job that must settle it, tracker/declarations/lost.py),
    # and the participant id its body named, which DfE's list is searched by when its answer is lost.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), index=True)
    sent_as: Mapped[str | None] = mapped_column(String(64))
    # As DfE last answered or listed it: the statement holding its payment, the statement holding the
    # refund of a paid declaration voided (awaiting or clawed back), and has_passed (the outcome DfE
    # holds for a completed declaration; None: none, or not known).
    statement_id: Mapped[str | None] = mapped_column(String(64))
    clawback_statement_id: Mapped[str | None] = mapped_column(String(64))
    has_passed: Mapped[bool | None] = mapped_column(Boolean)


class DeclarationEvent(db.Model):
    __tablename__ = "declaration_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration_record.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(254))
    note: Mapped[str] = mapped_column(Text, default="")


class DeclarationRefresh(db.Model):
    """One `declarations refresh`: DfE's changes are read from a little before the last start."""

    __tablename__ = "declaration_refresh"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    read: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
