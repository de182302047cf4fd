"""What the tracker told DfE of its decisions about a participant (withdrawals, deferrals, returns,
moves, outcomes) and what DfE answered: one row per request sent (tracker/declarations/changes.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DfeChange(db.Model):
    __tablename__ = "dfe_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # withdraw, defer, resume, change-schedule, outcome
    attributes: Mapped[str] = mapped_column(Text)  # the body's attributes, as JSON
    result: Mapped[str] = mapped_column(String(12))  # sent, refused, not sent (the answer was lost)
    answer: Mapped[str] = mapped_column(Text, default="")  # DfE's words: what it now holds, or its refusal
    status: Mapped[int | None]  # DfE's HTTP status; None: no answer came
    sent_at: Mapped[datetime]
    sent_by: Mapped[str] = mapped_column(String(254))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), index=True)
