"""Declarations EDT has sent to DfE, with the state DfE reports and its history."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DeclarationRecord(db.Model):
    __tablename__ = "declaration_record"
    __table_args__ = (UniqueConstraint("participant_id", "declaration_type"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    declaration_type: Mapped[str] = mapped_column(String(20))
    declaration_date: Mapped[date]
    course_identifier: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime]


class DeclarationEvent(db.Model):
    __tablename__ = "declaration_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration_record.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(254))
    note: Mapped[str] = mapped_column(Text, default="")
