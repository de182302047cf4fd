"""What `dfe sync` keeps of DfE's lists (INTERCHANGE.md "DfE's API"): its participants' enrolments,
its delivery partners, its statements, and when the last sync began."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DfeEnrolment(db.Model):
    """One of DfE's enrolments (a participant on a course), as DfE last listed it, and the tracker
    participant it is matched to (None: not in the tracker)."""

    __tablename__ = "dfe_enrolment"
    __table_args__ = (UniqueConstraint("dfe_participant_id", "course_identifier"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dfe_participant_id: Mapped[str] = mapped_column(String(36), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    course_identifier: Mapped[str] = mapped_column(String(64))
    schedule_identifier: Mapped[str | None] = mapped_column(String(40))
    cohort: Mapped[int | None]
    training_status: Mapped[str | None] = mapped_column(String(16))
    funded_place: Mapped[bool | None] = mapped_column(Boolean)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"), index=True)


class DfeDeliveryPartner(db.Model):
    """A delivery partner on DfE's list for EDT, with the cohorts DfE confirms it for."""

    __tablename__ = "dfe_delivery_partner"
    id: Mapped[int] = mapped_column(primary_key=True)
    dfe_id: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    cohorts: Mapped[str] = mapped_column(String(200))  # "2024,2025"


class DfeStatement(db.Model):
    """One of DfE's monthly output-fee statements: declarations sent by its cut-off date are paid on its payment date."""

    __tablename__ = "dfe_statement"
    id: Mapped[int] = mapped_column(primary_key=True)
    dfe_id: Mapped[str] = mapped_column(String(36), unique=True)
    month: Mapped[str] = mapped_column(String(12))  # "May"
    year: Mapped[int]
    cohort: Mapped[int]
    cut_off_date: Mapped[date]
    payment_date: Mapped[date]
    paid: Mapped[bool] = mapped_column(Boolean)


class DfeSync(db.Model):
    """One `dfe sync`: the next reads DfE's participants from a little before this one's start."""

    __tablename__ = "dfe_sync"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    read: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
