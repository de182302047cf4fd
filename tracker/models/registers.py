"""Register sessions taken in the browser, uploads awaiting confirmation, partnership meetings."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, func
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
    """A file checked once at upload, waiting for its uploader to confirm the import.

    The check's counts, first row errors (each naming its participant) and the outputs it would
    newly meet (meets, JSON of engagement/forecast.NewlyMet) and the first records it would change
    with their count (changes, JSON of imports/changes.Changes) are stored with it, so the preview,
    errors.csv and changes.csv never read the file again. state: checking (a large file, whose check is a job), waiting, importing
    (claimed by one confirm), imported (the file dropped, the counts the import's own), expired
    (waited over 24 hours), mapping (its headings are not the kind's: waiting for its uploader to
    say which column holds each field). job_id: the job checking or importing a large file, its latest.
    column_mapping: the file's own headings read as the kind's fields (imports/mapping.py
    ColumnMapping.as_dict(), JSON), None for a file in the kind's own columns; headings_key: its
    headings' (mapping.headings_key), which the mapping is remembered for once the file is imported;
    saved_mapping_id: the remembered mapping it was read with, when it was.
    """

    __tablename__ = "pending_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_partner.id"))
    created_at: Mapped[datetime] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), server_default="waiting")
    claimed_at: Mapped[datetime | None]
    rows_read: Mapped[int] = mapped_column(server_default="0")
    created: Mapped[int] = mapped_column(server_default="0")
    updated: Mapped[int] = mapped_column(server_default="0")
    unchanged: Mapped[int] = mapped_column(server_default="0")
    error_count: Mapped[int] = mapped_column(server_default="0")
    errors: Mapped[str] = mapped_column(Text, default="", deferred=True)  # the first 50 row errors, one per line
    meets: Mapped[str | None] = mapped_column(Text, deferred=True)  # engagement/forecast.py; None: not known
    changes: Mapped[str | None] = mapped_column(Text, deferred=True)  # imports/changes.py: the first changes
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    column_mapping: Mapped[str | None] = mapped_column(Text)
    headings_key: Mapped[str | None] = mapped_column(String(64))
    saved_mapping_id: Mapped[int | None] = mapped_column(ForeignKey("saved_mapping.id", ondelete="SET NULL"))
    report_format: Mapped[str | None] = mapped_column(String(40))  # a partner's report (imports/reports): reviewed as one


class SavedMapping(db.Model):
    """A column mapping remembered for a partner (None: EDT's own uploads) and kind, for files with
    these headings (imports/mapping.py headings_key): saved when a file read with it is imported,
    and used for the next file with the same headings without asking."""

    __tablename__ = "saved_mapping"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_partner.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    headings_key: Mapped[str] = mapped_column(String(64))
    column_mapping: Mapped[str] = mapped_column(Text)  # ColumnMapping.as_dict(), JSON
    saved_by: Mapped[str] = mapped_column(String(254))
    saved_at: Mapped[datetime]

    # One per owner, kind and headings; EDT's (no partner) counts as owner 0.
    __table_args__ = (Index("uq_saved_mapping_owner_kind_headings", func.coalesce(partner_id, 0), kind,
                            headings_key, unique=True),)


class PartnershipMeeting(db.Model):
    __tablename__ = "partnership_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("delivery_partner.id"), index=True)
    meeting_date: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None]
    start_time: Mapped[time | None]  # UK local time; none: the meeting is for the day
    minutes: Mapped[int | None]  # its length, with a start time
    online_link: Mapped[str | None] = mapped_column(String(500))
