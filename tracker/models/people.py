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
    dfe_id: Mapped[str | None] = mapped_column(String(64))  # DfE's id of the partner (a UUID)
    # The cohorts DfE confirms the partner for with EDT, as DfE last listed them ("2024,2025");
    # None: not known (the partner is not on DfE's list, or it was never read).
    dfe_cohorts: Mapped[str | None] = mapped_column(String(200))


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
    # Who the participant is at DfE, and the enrolment DfE holds for them (INTERCHANGE.md "Who is
    # who at DfE"): from `dfe sync`, or the participants file. None: not known.
    dfe_participant_id: Mapped[str | None] = mapped_column(String(36), index=True)
    dfe_course_identifier: Mapped[str | None] = mapped_column(String(64))  # None: the course's own
    dfe_schedule_identifier: Mapped[str | None] = mapped_column(String(40))
    dfe_cohort: Mapped[int | None]  # DfE's cohort year, e.g. 2022
    dfe_training_status: Mapped[str | None] = mapped_column(String(16))  # active, deferred, withdrawn
    dfe_funded_place: Mapped[bool | None] = mapped_column(Boolean)
    partner: Mapped[DeliveryPartner] = relationship()
    course: Mapped[Course] = relationship()
    other_emails: Mapped[list[OtherEmail]] = relationship(order_by=lambda: func.lower(OtherEmail.email),
                                                          cascade="all, delete-orphan", passive_deletes=True)

    # IDs are kept as given and matched ignoring case, so two may not differ by case alone.
    __table_args__ = (Index("uq_participant_participant_id_lower", func.lower(participant_id), unique=True),)

    @property
    def payment_agreed(self) -> bool:
        return self.school_contract_signed and self.sponsorship_agreement_signed


class OtherEmail(db.Model):
    """An address a participant also uses (a Teams sign-in, a webinar's registration email): matched,
    like their email, ignoring case, so one address belongs to one participant at most (an
    address may not be one participant's email and another's other email either: the importer
    checks that, as it spans two tables)."""

    __tablename__ = "participant_other_email"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))

    __table_args__ = (Index("uq_participant_other_email_lower", func.lower(email), unique=True),)


def email_key(address: str) -> str:
    """How an address is matched: ignoring case (the database's lower(), for its unique index)."""
    return address.strip().lower()


def participant_key(ref: str) -> str:
    """How a participant ID is matched: ignoring case ("ex001" finds "EX001"); IDs are stored as given."""
    return ref.lower()


def participant_id_is(ref: str) -> ColumnElement[bool]:
    return func.lower(Participant.participant_id) == participant_key(ref)


def participant_id_in(refs: Iterable[str]) -> ColumnElement[bool]:
    return func.lower(Participant.participant_id).in_(sorted({participant_key(ref) for ref in refs}))
