"""Next-step emails: each partner's template, and every batch sent with what happened to each message."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class EmailTemplate(db.Model):
    __tablename__ = "email_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("delivery_partner.id"), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime]


class EmailBatch(db.Model):
    """One press of Send. Its token comes with the form, so a second press of the same form
    cannot insert it again and sends nothing."""

    __tablename__ = "email_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_partner.id"), index=True)  # None: EDT sent it
    sent_by: Mapped[str] = mapped_column(String(254))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    requested: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))  # the job sending it (tracker/jobs)


class EmailSent(db.Model):
    """One participant's message in a batch: sent, or not and why."""

    __tablename__ = "email_sent"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("email_batch.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    sent: Mapped[bool]
    problem: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
