"""What a DP did about a participant: contacts, deferrals, withdrawals (extensions in outcomes)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

CONTACT_METHODS = ("email", "phone", "in-person", "video-call", "letter")
CONTACT_OUTCOMES = ("sent", "no-response", "spoke-to-participant", "agreed-plan", "requested-deferral", "other")
# DfE's withdrawal reasons (lead provider API) where they fit an NPQ participant.
WITHDRAWAL_REASONS = (
    "insufficient-capacity-to-undertake-programme",
    "personal-reason-health-or-pregnancy-related",
    "personal-reason-moving-school",
    "personal-reason-other",
    "change-in-developmental-or-personal-priorities",
    "change-in-school-circumstances",
    "change-in-school-leadership",
    "quality-of-programme-other",
    "other",
)
# DfE's deferral reasons (lead provider API, PUT .../defer).
DEFERRAL_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")
PROPOSED, CONFIRMED, DECLINED = "proposed", "confirmed", "declined"


class ContactAttempt(db.Model):
    __tablename__ = "contact_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    contacted_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(254))
    recorded_at: Mapped[datetime]


class Deferral(db.Model):
    __tablename__ = "deferral"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    deferred_on: Mapped[date]
    returned_on: Mapped[date | None]
    from_cohort: Mapped[int | None]  # set when EDT moved the participant to a later cohort on return
    to_cohort: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(40))  # one of DEFERRAL_REASONS; None: recorded before DfE was told
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(254))
    recorded_at: Mapped[datetime]


class WithdrawalRequest(db.Model):
    __tablename__ = "withdrawal_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    proposed_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(12), default=PROPOSED)
    withdrawn_on: Mapped[date | None]  # the day the participant left; evidence after it does not count
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
