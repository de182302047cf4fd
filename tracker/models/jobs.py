"""Long work done by a worker process, not inside a web request (tracker/jobs)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATES = (QUEUED, RUNNING, DONE, FAILED)


class Job(db.Model):
    """One piece of long work: its kind and what it was asked for, who asked, its progress, and its
    result or its error in words.

    A running job names the worker that holds it (host and process id) and that worker's last sign
    of life (heartbeat_at): a job whose worker is gone is queued again (tracker/jobs/recovery.py).
    """

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text)  # JSON: what the kind needs to run
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_partner.id"), index=True)
    started_by: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(16), index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    counts: Mapped[str | None] = mapped_column(Text)  # JSON: the kind's own tallies, which its summary words
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    result_name: Mapped[str | None] = mapped_column(String(255))
    result_type: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(255))  # "host:pid" of the process running it
    attempts: Mapped[int] = mapped_column(default=0)
