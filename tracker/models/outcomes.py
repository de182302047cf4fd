"""Stored met_on per participant and output, and agreed extensions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class OutputRecord(db.Model):
    """The engine's verdict for one participant and output, recomputed when evidence changes."""

    __tablename__ = "output_record"
    __table_args__ = (UniqueConstraint("participant_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    number: Mapped[int]
    met_on: Mapped[date | None]
    basis: Mapped[str] = mapped_column(String(80), default="")  # ';'-separated
    not_preferred: Mapped[bool] = mapped_column(Boolean, default=False)


class Extension(db.Model):
    """An extended deadline a DP agreed with a participant for one output."""

    __tablename__ = "extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    output: Mapped[int]
    deadline: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    agreed_by: Mapped[str | None] = mapped_column(String(254))
    agreed_on: Mapped[date | None]  # the day the DP and participant agreed it
    agreed_at: Mapped[datetime]
