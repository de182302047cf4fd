"""Delivery partners and their participants."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, ForeignKey, String
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

    @property
    def payment_agreed(self) -> bool:
        return self.school_contract_signed and self.sponsorship_agreement_signed
