"""Course content and payment schedules (Annex 2 and Annex 1a), edited by EDT."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Course(db.Model):
    __tablename__ = "course"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    course_group: Mapped[str] = mapped_column(String(16))
    outputs: Mapped[int]
    dfe_identifier: Mapped[str] = mapped_column(String(80))
    cohorts: Mapped[str] = mapped_column(String(32))  # space-separated cohort numbers offered
    printed_total: Mapped[int | None]
    price_per_teacher: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    blocks: Mapped[list[Block]] = relationship(back_populates="course", order_by="Block.number")

    @property
    def cohort_numbers(self) -> list[int]:
        return [int(c) for c in self.cohorts.split()]


class Block(db.Model):
    __tablename__ = "block"
    __table_args__ = (UniqueConstraint("course_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    number: Mapped[int]
    printed_total: Mapped[int | None]  # None while the block's content is TBC
    course: Mapped[Course] = relationship(back_populates="blocks")
    activities: Mapped[list[Activity]] = relationship(back_populates="block", order_by="Activity.position")


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("block_id", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id"))
    position: Mapped[int]
    component: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    duration: Mapped[str] = mapped_column(String(40))
    credits: Mapped[int | None]  # None when TBC
    block: Mapped[Block] = relationship(back_populates="activities")


class Cohort(db.Model):
    __tablename__ = "cohort"
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(80))
    start_date: Mapped[date]
    specialist_schedule: Mapped[str] = mapped_column(String(40))
    leadership_schedule: Mapped[str] = mapped_column(String(40))


class ScheduleOutput(db.Model):
    __tablename__ = "schedule_output"
    __table_args__ = (UniqueConstraint("cohort", "course_group", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort: Mapped[int] = mapped_column(ForeignKey("cohort.number"))
    course_group: Mapped[str] = mapped_column(String(16))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    percentage: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    review_date: Mapped[date]
    invoice_date: Mapped[date]
    payment_date: Mapped[date]


class BlockWindow(db.Model):
    """The dates a block's content should be completed by, for a cohort and course group."""

    __tablename__ = "block_window"
    __table_args__ = (UniqueConstraint("cohort", "course_group", "block"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort: Mapped[int] = mapped_column(ForeignKey("cohort.number"))
    course_group: Mapped[str] = mapped_column(String(16))
    block: Mapped[int]
    opens: Mapped[date]
    closes: Mapped[date]
