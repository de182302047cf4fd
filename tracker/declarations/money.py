"""Money as DfE sees it, gathered for the pages: DfE's statements by month with the declarations the
tracker knows DfE put on each, and the tracker's expected declarations against DfE's
(rules/dfe_money.py, rules/dfe_statements.by_month). One query per side, at any scale."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..engagement.book import Book
from ..extensions import db
from ..models import DeclarationRecord, DeliveryPartner, Participant
from ..models.dfe import DfeStatement
from ..rules.declarations import DECLARATION_TYPES
from ..rules.dfe_money import Comparison, Expected, Held, compare
from ..rules.dfe_statements import Month, Statement, by_month
from .produce import produce


def statements_by_month() -> tuple[list[Month], int]:
    """DfE's statements as the last sync read them, by month, with the current declarations on each
    and the refunds of paid declarations voided."""
    statements = [(s.dfe_id, Statement(s.month, s.year, s.cohort, s.cut_off_date, s.payment_date, s.paid))
                  for s in db.session.scalars(select(DfeStatement))]
    record = DeclarationRecord.__table__.c

    def counted(statement):
        return db.session.execute(
            select(statement, record.declaration_type, record.state, func.count())
            .where(record.current.is_(True), statement.is_not(None))
            .group_by(statement, record.declaration_type, record.state)).all()

    return by_month(statements, counted(record.statement_id), DECLARATION_TYPES, counted(record.clawback_statement_id))


def statements_of(record: DeclarationRecord | None) -> dict[str, tuple[str, DfeStatement | None]]:
    """The statements DfE named for a declaration, as the last answer or refresh gave them:
    "payment" and "refund" -> (DfE's statement id, the statement if a sync read it)."""
    named = {"payment": record.statement_id, "refund": record.clawback_statement_id} if record else {}
    return {role: (dfe_id, db.session.scalar(select(DfeStatement).where(DfeStatement.dfe_id == dfe_id)))
            for role, dfe_id in named.items() if dfe_id}


def comparison(as_of: date, cohort: int | None = None, course: str | None = None,
               book: Book | None = None) -> Comparison:
    """What the tracker expects as of the date (declarations/produce.py) against what DfE holds, by
    partner and declaration type; narrowed by the tracker's cohort and course code."""
    book = book or Book()
    course_id = book.by_code[course].course.id if course in book.by_code else None
    if course is not None and course_id is None:
        return compare([], [])
    made = produce(as_of, cohort=cohort, book=book)
    expected = (Expected(pk, ref, made.partners[partner_id], shape[0], blocked)
                for pk, ref, partner_id, course_of, _, _, _, shape, blocked, _ in made.rows
                if course_id is None or course_of == course_id)
    record, people = DeclarationRecord.__table__.c, Participant.__table__.c
    query = (select(record.participant_id, people.participant_id, DeliveryPartner.code, record.declaration_type,
                    record.state)
             .join(Participant.__table__, record.participant_id == people.id)
             .join(DeliveryPartner, people.partner_id == DeliveryPartner.id)
             .where(record.current.is_(True)))
    if cohort is not None:
        query = query.where(people.cohort == cohort)
    if course_id is not None:
        query = query.where(people.course_id == course_id)
    return compare(expected, (Held(*row) for row in db.session.execute(query)))
