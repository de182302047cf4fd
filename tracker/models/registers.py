"""Register sessions taken in the browser, uploads awaiting confirmation, partnership meetings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RegisterSession(db.Model):
    """A training event on a date for one partner's group; its marks are RegisterEntry rows."""

    __tablename__ = "register_session"
    __table_args__ = (UniqueConstraint("partner_id", "activity_id", "session_date", "cohort"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("delivery_partner.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    cohort: Mapped[int] = mapped_column(ForeignKey("cohort.number"))
    session_date: Mapped[date]
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime]


class PendingUpload(db.Model):
    """A file checked and previewed, waiting for the user to confirm the import."""

    __tablename__ = "pending_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_partner.id"))
    created_at: Mapped[datetime]
    errors: Mapped[str] = mapped_column(Text, default="")  # every row error, one per line


class PartnershipMeeting(db.Model):
    __tablename__ = "partnership_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("delivery_partner.id"), index=True)
    meeting_date: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None]
