"""Small plain functions that make test data through the real importers."""
from __future__ import annotations

import io
from datetime import date

from tracker.engagement.book import Book
from tracker.extensions import db
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context

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
