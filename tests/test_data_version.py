"""The data version changes with every committed change to the data, and results cached by it follow."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from tracker.engagement.recompute import recompute
from tracker.engagement.version import cached, current
from tracker.extensions import db
from tracker.models import AuditEvent, OutputRecord, Participant, SignInAttempt
from tracker.models.bulk import insert_rows

from .factories import gen_participant, import_text

CREDITS_HEADER = "participant_id,block,activity,credits,completed_on,source"


def test_an_import_changes_the_data_version(session):
    before = current()
    gen_participant("P001")
    assert current() not in ("", before)


def test_a_refused_import_keeps_the_data_version(session):
    gen_participant("P001")
    before = current()
    result = import_text("credits", CREDITS_HEADER, "P001,1,No such activity,,2023-01-10,platform")
    assert not result.ok and current() == before


def test_an_edit_through_the_orm_changes_it_and_a_rollback_does_not(session):
    gen_participant("P001")
    participant = db.session.scalar(select(Participant).where(Participant.participant_id == "P001"))
    before = current()
    participant.status = "deferred"
    db.session.rollback()
    assert current() == before
    participant = db.session.scalar(select(Participant).where(Participant.participant_id == "P001"))
    participant.status = "deferred"
    db.session.commit()  # not flushed before the commit
    assert current() != before


def test_sign_in_attempts_and_audit_events_are_not_data(session):
    gen_participant("P001")
    before = current()
    db.session.add(SignInAttempt(email="a@b.example", address="127.0.0.1", at=datetime(2026, 11, 24), succeeded=False))
    db.session.add(AuditEvent(at=datetime(2026, 11, 24), actor="test", action="view", entity="participant"))
    db.session.commit()
    assert current() == before


def test_a_recompute_that_changes_nothing_writes_nothing(session):
    gen_participant("P001")
    gen_participant("P002")
    ids = dict(db.session.execute(select(OutputRecord.id, OutputRecord.number)).all())
    before = current()
    recompute(None)
    db.session.commit()
    assert dict(db.session.execute(select(OutputRecord.id, OutputRecord.number)).all()) == ids
    assert current() == before


def test_cached_results_last_until_the_data_changes(session):
    gen_participant("P001")
    calls = []

    def compute():
        calls.append(1)
        return db.session.scalar(select(db.func.count(Participant.id)))

    assert cached("test-count", (date(2023, 3, 1),), compute) == 1
    assert cached("test-count", (date(2023, 3, 1),), compute) == 1
    assert len(calls) == 1
    assert cached("test-count", (date(2023, 3, 2),), compute) == 1 and len(calls) == 2  # another key
    gen_participant("P002")
    assert cached("test-count", (date(2023, 3, 1),), compute) == 2 and len(calls) == 3


def test_nothing_is_cached_inside_a_transaction_that_changed_data(session):
    gen_participant("P001")
    calls = []

    def compute():
        calls.append(1)
        return db.session.scalar(select(db.func.count(Participant.id)))

    cached("test-dirty", (), compute)
    participant = db.session.scalar(select(Participant).where(Participant.participant_id == "P001"))
    participant.full_name = "Renamed"
    assert cached("test-dirty", (), compute) == 1 and len(calls) == 2
    db.session.rollback()


def test_bulk_rows_are_written_in_the_transaction_and_change_the_version(session):
    gen_participant("P001")
    pk = db.session.scalar(select(Participant.id))
    db.session.execute(OutputRecord.__table__.delete())
    db.session.commit()
    before = current()
    rows = [(pk, 1, date(2023, 1, 5), "register;video", True), (pk, 2, None, "", False)]
    assert insert_rows(OutputRecord.__table__, ("participant_id", "number", "met_on", "basis", "not_preferred"),
                       iter(rows)) == 2
    stored = db.session.execute(select(OutputRecord.participant_id, OutputRecord.number, OutputRecord.met_on,
                                       OutputRecord.basis, OutputRecord.not_preferred)
                                .order_by(OutputRecord.number)).all()
    assert [tuple(r) for r in stored] == rows
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(OutputRecord.id))) == 0  # all in the caller's transaction
    insert_rows(OutputRecord.__table__, ("participant_id", "number", "met_on", "basis", "not_preferred"), rows)
    db.session.commit()
    assert current() != before
