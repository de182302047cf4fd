"""Small plain functions that make test data through the real importers."""
from __future__ import annotations

import io
import uuid
from datetime import date

from sqlalchemy import select

from tracker.engagement.book import Book
from tracker.extensions import db
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context
from tracker.models import Course, DeliveryPartner, Participant

PARTICIPANT_HEADER = ("participant_id,full_name,email,delivery_partner,course,cohort,"
                      "school_contract_signed,sponsorship_agreement_signed,status")


def csv_file(header: str, *rows: str) -> io.BytesIO:
    return io.BytesIO(("\n".join((header,) + rows) + "\n").encode("utf-8"))


def import_text(kind: str, header: str, *rows: str, today: date = date(2026, 11, 24), dry_run=False,
                partner_id=None):
    """Import rows of KIND as the CLI would; commits when valid."""
    context = Context(today=today, book=Book(), partner_id=partner_id, user="test")
    result = run_import(importer_for(kind, context), csv_file(header, *rows), f"{kind}.csv", dry_run=dry_run)
    if result.ok and not dry_run:
        db.session.commit()
    else:
        db.session.rollback()
    return result


def gen_participant(ref="P001", partner="NORTH", course="NPQLT", cohort=3, contract="yes", sponsorship="yes",
                    status="active"):
    result = import_text(
        "participants", PARTICIPANT_HEADER,
        f"{ref},Name {ref},{ref.lower()}@example.org,{partner},{course},{cohort},{contract},{sponsorship},{status}",
    )
    assert result.ok, result.errors
    return ref


def dfe_id(ref: str) -> str:
    """The DfE participant id tests give participant `ref` (a UUID, the same every run)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"dfe-participant/{ref.upper()}"))


def ref_of(dfe_participant_id: str) -> str:
    """The tracker's participant_id of a DfE participant id given by dfe_id()."""
    return db.session.scalar(select(Participant.participant_id)
                             .where(Participant.dfe_participant_id == dfe_participant_id))


def give_dfe_ids(refs=None) -> dict[str, str]:
    """Gives every participant (or those named) their DfE participant id through the participants
    file's dfe_participant_id column; {ref: DfE id}."""
    def signed(flag, on):
        return on.isoformat() if on else ("yes" if flag else "no")

    people = db.session.execute(select(Participant.participant_id, Participant.full_name, Participant.email,
                                       DeliveryPartner.code, Course.code, Participant.cohort,
                                       Participant.school_contract_signed, Participant.school_contract_signed_on,
                                       Participant.sponsorship_agreement_signed,
                                       Participant.sponsorship_agreement_signed_on)
                                .join(DeliveryPartner).join(Course)).all()
    wanted = [p for p in people if refs is None or p[0] in refs]
    result = import_text("participants", "participant_id,full_name,email,delivery_partner,course,cohort,"
                         "school_contract_signed,sponsorship_agreement_signed,dfe_participant_id",
                         *(",".join([p[0], f'"{p[1]}"', p[2], p[3], p[4], str(p[5]), signed(*p[6:8]), signed(*p[8:10]),
                                     dfe_id(p[0])]) for p in wanted))
    assert result.ok, result.errors
    return {p[0]: dfe_id(p[0]) for p in wanted}
