"""Recording one participant's summative assessment, as EDT staff do in the browser.

A record entered here goes through the assessments importer's own row checks and identity
(participant + recorded date: the same date again updates that record); met_on is then
recomputed and the change audited. Files of assessments go through the uploads instead.
"""
from __future__ import annotations

from datetime import date

from .audit import record
from .engagement.book import Book
from .engagement.recompute import recompute
from .imports.base import Context, ImportResult, RowError
from .imports.evidence import AssessmentsImporter
from .models import Participant
from .refusal import Refusal

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def record_assessment(participant: Participant, *, status: str, result: str, recorded_on: date | None,
                      actor: str, today: date) -> str:
    """CREATED, UPDATED or UNCHANGED. Refuses, naming the field, what the importer would refuse in a row."""
    if recorded_on is None:
        raise Refusal("recorded_on", "Enter the date recorded")
    book = Book()
    importer = AssessmentsImporter(Context(today, book, user=actor))
    outcome = ImportResult(importer.kind)
    try:
        key, values = importer.parse({"participant_id": participant.participant_id, "status": status,
                                      "result": result, "recorded_on": recorded_on.isoformat()})
        importer.apply({key: values}, outcome, dry_run=False)
    except RowError as error:
        raise Refusal(error.field, error.message[:1].upper() + error.message[1:]) from None
    after = {"status": values[0], "result": values[1], "recorded_on": recorded_on, "entered": "in the browser"}
    if outcome.created:
        record(actor, "create", "assessments", participant_id=participant.id, after=after)
    elif outcome.updated:
        record(actor, "update", "assessments", participant_id=participant.id, before=outcome.changes[0][2], after=after)
    if outcome.touched:
        recompute(outcome.touched, book)
    return CREATED if outcome.created else UPDATED if outcome.updated else UNCHANGED
