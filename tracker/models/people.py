"""Delivery partners and their participants."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Boolean, ColumnElement, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .reference import Course


class DeliveryPartner(db.Model):
    __tablename__ = "delivery_partner"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    dfe_id: Mapped[str | None] = mapped_column(String(64))


class Participant(db.Model):
    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    partner_id: Mapped[int] = mapped_column(ForeignKey("delivery_partner.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    cohort: Mapped[int] = mapped_column(ForeignKey("cohort.number"))
    school_contract_signed: Mapped[bool] = mapped_column(Boolean)
    sponsorship_agreement_signed: Mapped[bool] = mapped_column(Boolean)
    school_contract_signed_on: Mapped[date | None]  # None with a yes: signed from the start
    sponsorship_agreement_signed_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="active")
    partner: Mapped[DeliveryPartner] = relationship()
    course: Mapped[Course] = relationship()

    # IDs are kept as given and matched ignoring case, so two may not differ by case alone.
    __table_args__ = (Index("uq_participant_participant_id_lower", func.lower(participant_id), unique=True),)

    @property
    def payment_agreed(self) -> bool:
        return self.school_contract_signed and self.sponsorship_agreement_signed


def participant_key(ref: str) -> str:
    """How a participant ID is matched: ignoring case ("ex001" finds "EX001"); IDs are stored as given."""
    return ref.lower()


def participant_id_is(ref: str) -> ColumnElement[bool]:
    return func.lower(Participant.participant_id) == participant_key(ref)


def participant_id_in(refs: Iterable[str]) -> ColumnElement[bool]:
    return func.lower(Participant.participant_id).in_(sorted({participant_key(ref) for ref in refs}))
