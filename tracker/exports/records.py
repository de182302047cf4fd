"""`export KIND`: the stored records of an import kind, in exactly that kind's import format.

Each kind names its export where it registers (imports/kinds.py, `export=`): the columns in the
contract's order and a query of the stored records of one partner (None: every partner), rows
named by column. Importing the file back changes nothing: each cell is written as the importer
reads it back to the stored value (dates ISO, agreements yes/no or the date signed).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import RowMapping, Select, func, select

from ..extensions import db
from ..formats import iso_date
from ..models import (Activity, AssessmentRecord, Block, Course, CreditRecord, DeliveryPartner, OtherEmail,
                      Participant, RegisterEntry, VideoViewRecord)
from ..models.people import email_key
from .cells import csv_text

CHUNK = 5000


@dataclass(frozen=True)
class Export:
    columns: tuple[str, ...]  # the kind's import columns, in INTERCHANGE.md's order
    query: Callable[[], Select]  # the records, each row named by column (values as the database holds them)
    cells: Callable[[RowMapping], dict] = dict  # a row's cells by column, when the query's need shaping

    def rows(self, partner_id: int | None) -> Iterator[list[object]]:
        query = self.query()
        if partner_id is not None:
            query = query.where(Participant.partner_id == partner_id)
        for rows in db.session.execute(query.execution_options(yield_per=CHUNK)).partitions(CHUNK):
            for row in rows:
                cells = self.cells(row._mapping)
                yield [_cell(cells[column]) for column in self.columns]


def _cell(value: object) -> object:
    return iso_date(value) if isinstance(value, date) else value


def export_csv(export: Export, partner_id: int | None) -> str:
    return csv_text(list(export.columns), export.rows(partner_id))


def _evidence(record, *columns, by: Iterable = ()) -> Select:
    """A kind of evidence with its participant's id, in participant_id order then `by`."""
    return (select(Participant.participant_id.label("participant_id"), *columns)
            .join_from(record, Participant, record.participant_id == Participant.id)
            .order_by(Participant.participant_id, *by))


def _participants() -> Select:
    return (select(Participant.participant_id.label("participant_id"), Participant.full_name.label("full_name"),
                   Participant.email.label("email"), DeliveryPartner.code.label("delivery_partner"),
                   Course.code.label("course"), Participant.cohort.label("cohort"),
                   Participant.school_contract_signed, Participant.school_contract_signed_on,
                   Participant.sponsorship_agreement_signed, Participant.sponsorship_agreement_signed_on,
                   Participant.status.label("status"),
                   select(func.aggregate_strings(OtherEmail.email, ";"))
                   .where(OtherEmail.participant_id == Participant.id).scalar_subquery().label("other_emails"),
                   Participant.dfe_participant_id.label("dfe_participant_id"),
                   Participant.dfe_schedule_identifier.label("schedule_identifier"),
                   Participant.dfe_cohort.label("dfe_cohort"))
            .join(DeliveryPartner, Participant.partner_id == DeliveryPartner.id)
            .join(Course, Participant.course_id == Course.id)
            .order_by(Participant.participant_id))


def _participant(row: RowMapping) -> dict:
    """An agreement as the file gives it: the date it was signed, else yes or no; other emails
    `;`-separated in address order (the order the importer compares them in)."""
    cells = dict(row)
    for name in ("school_contract_signed", "sponsorship_agreement_signed"):
        cells[name] = row[name + "_on"] or ("yes" if row[name] else "no")
    others = row["other_emails"].split(";") if row["other_emails"] else []
    cells["other_emails"] = ";".join(sorted(others, key=email_key))
    return cells


def _of_activities(record, title: str, *columns, dated) -> Select:
    """Evidence of an activity, named by its block and title (`title` the column), in course order."""
    return (_evidence(record, Block.number.label("block"), Activity.title.label(title), *columns,
                      by=(Block.number, Activity.position, dated))
            .join(Activity, record.activity_id == Activity.id).join(Block, Activity.block_id == Block.id))


def _credits() -> Select:
    return _of_activities(CreditRecord, "activity", CreditRecord.credits.label("credits"),
                          CreditRecord.completed_on.label("completed_on"), CreditRecord.source.label("source"),
                          dated=CreditRecord.completed_on)


def _attendance() -> Select:
    return _of_activities(RegisterEntry, "event", RegisterEntry.session_date.label("session_date"),
                          RegisterEntry.mark.label("attendance"), RegisterEntry.marked_by.label("marked_by"),
                          dated=RegisterEntry.session_date)


def _video_views() -> Select:
    return (_evidence(VideoViewRecord, Block.number.label("block"), VideoViewRecord.percent.label("percent_watched"),
                      VideoViewRecord.viewed_on.label("viewed_on"), by=(Block.number, VideoViewRecord.viewed_on))
            .join(Block, VideoViewRecord.block_id == Block.id))


def _assessments() -> Select:
    return _evidence(AssessmentRecord, AssessmentRecord.status.label("status"), AssessmentRecord.result.label("result"),
                     AssessmentRecord.recorded_on.label("recorded_on"), by=(AssessmentRecord.recorded_on,))


PARTICIPANTS = Export(("participant_id", "full_name", "email", "delivery_partner", "course", "cohort",
                       "school_contract_signed", "sponsorship_agreement_signed", "status", "other_emails",
                       "dfe_participant_id", "schedule_identifier", "dfe_cohort"),
                      _participants, _participant)
CREDITS = Export(("participant_id", "block", "activity", "credits", "completed_on", "source"), _credits)
ATTENDANCE = Export(("participant_id", "block", "event", "session_date", "attendance", "marked_by"), _attendance)
VIDEO_VIEWS = Export(("participant_id", "block", "percent_watched", "viewed_on"), _video_views)
ASSESSMENTS = Export(("participant_id", "status", "result", "recorded_on"), _assessments)
