"""Evidence of engagement. Every record is kept; identities are in DOMAIN.md "Evidence"."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CreditRecord(db.Model):
    __tablename__ = "credit_record"
    __table_args__ = (UniqueConstraint("participant_id", "activity_id", "completed_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    credits: Mapped[int]
    completed_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(16))


class RegisterEntry(db.Model):
    __tablename__ = "register_entry"
    __table_args__ = (UniqueConstraint("participant_id", "activity_id", "session_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    session_date: Mapped[date]
    mark: Mapped[str] = mapped_column(String(16))
    marked_by: Mapped[str | None] = mapped_column(String(120))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("register_session.id"), index=True)


class VideoViewRecord(db.Model):
    __tablename__ = "video_view"
    __table_args__ = (UniqueConstraint("participant_id", "block_id", "viewed_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id"))
    percent: Mapped[float] = mapped_column(Float)
    viewed_on: Mapped[date]


class AssessmentRecord(db.Model):
    __tablename__ = "assessment_record"
    __table_args__ = (UniqueConstraint("participant_id", "recorded_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    status: Mapped[str] = mapped_column(String(16))
    result: Mapped[str | None] = mapped_column(String(8))
    recorded_on: Mapped[date] = mapped_column(index=True)


class ImportBatch(db.Model):
    """One imported file: lets the browser say "this file was already imported"."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime]
    imported_by: Mapped[str | None] = mapped_column(String(254))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_partner.id"))
    rows_read: Mapped[int]
    created: Mapped[int]
    updated: Mapped[int]
    unchanged: Mapped[int]
