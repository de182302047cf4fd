"""The upload check's forecast (the file's records joined to the stored evidence in memory, no
writes) newly meets exactly what importing the file and recomputing newly meets, for random
small files over stored evidence they repeat, replace and add to."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tracker.engagement.book import Book
from tracker.engagement.recompute import recompute
from tracker.extensions import db
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context
from tracker.models import (AssessmentRecord, AuditEvent, CreditRecord, Deferral, ImportBatch, OutputRecord,
                            Participant, RegisterEntry, VideoViewRecord)
from tracker.rules.facts import SELF_STUDY, TRAINING_EVENT

from .helpers import ASSESSMENTS, ATTENDANCE, CREDITS, TODAY, VIDEO_VIEWS, lines, snapshot

pytestmark = pytest.mark.usefixtures("people")

PEOPLE = ("P3", "P1", "P2", "L3")  # NPQLT in cohorts 3, 1 and 2; NPQLL in cohort 3
HEADERS = {"credits": CREDITS, "attendance": ATTENDANCE, "video-views": VIDEO_VIEWS, "assessments": ASSESSMENTS}
DAYS = tuple(date(2022, 10, 1) + timedelta(days=90 * n) for n in range(7))  # from cohort 3's start: records recur
SELF_TITLE = "1,S 1.1a The Importance of Teachers and Teaching"  # 3 credits
EVIDENCE = (CreditRecord, RegisterEntry, VideoViewRecord, AssessmentRecord, ImportBatch, AuditEvent, OutputRecord)


def _activities(code: str, component: str, most: int) -> list[tuple[int, str, int | None]]:
    found = sorted((number, activity.title, activity.credits)
                   for (number, _), activity in Book().by_code[code].activities.items()
                   if activity.component == component and (component != SELF_STUDY or activity.credits))
    return found[:most]


def _key(draw, kind: str, pools) -> tuple:
    """A record's identity: participant, (block and activity or block,) day."""
    ref = draw(st.sampled_from(PEOPLE))
    course = "NPQLL" if ref == "L3" else "NPQLT"
    day = draw(st.sampled_from(DAYS))
    if kind in ("credits", "attendance"):
        return ref, draw(st.sampled_from(pools[course, SELF_STUDY if kind == "credits" else TRAINING_EVENT])), day
    if kind == "video-views":
        return ref, draw(st.integers(1, 3)), day
    return ref, day


def _row(draw, kind: str, key: tuple) -> str:
    ref, day = key[0], key[-1]
    if kind == "credits":
        block, title, credits = key[1]
        value = draw(st.one_of(st.just(""), st.integers(0, credits).map(str)))
        source = draw(st.sampled_from(("platform", "self-report"))) if ref in ("P1", "P2") else "platform"
        return f"{ref},{block},{title},{value},{day},{source}"
    if kind == "attendance":
        block, title, _ = key[1]
        mark = draw(st.sampled_from(("attended", "absent", "contingency")))
        return f"{ref},{block},{title},{day},{mark},{draw(st.sampled_from(('', 'F')))}"
    if kind == "video-views":
        return f"{ref},{key[1]},{draw(st.sampled_from((50, 89.9, 90, 100)))},{day}"
    status, result = draw(st.sampled_from((("submitted", ""), ("marked", "pass"), ("moderated", "pass"),
                                           ("moderated", "fail"), ("not-submitted", ""))))
    return f"{ref},{status},{result},{day}"


@st.composite
def files(draw, kind: str, pools, most: int = 12, again: tuple = ()) -> dict[tuple, str]:
    """A file's rows by record: at most one row per record (a second, different row would be
    refused); some of them, when given, for the records in `again` (a stored file's)."""
    rows: dict[tuple, str] = {}
    for key in draw(st.lists(st.sampled_from(again), max_size=len(again))) if again else ():
        rows.setdefault(key, _row(draw, kind, key))
    for _ in range(draw(st.integers(0, most))):
        key = _key(draw, kind, pools)
        rows.setdefault(key, _row(draw, kind, key))
    return rows


def _context() -> Context:
    return Context(today=TODAY, book=Book(), user="test")


def _forecast(kind: str, rows: list[str]):
    """The upload's check: a dry run with forecast, rolled back as the uploads page does."""
    try:
        return run_import(importer_for(kind, _context()), io.BytesIO(lines(HEADERS[kind], *rows)), "file.csv",
                          dry_run=True, forecast=True)
    finally:
        db.session.rollback()


def _imported(kind: str, rows: list[str]):
    """What the confirm finds: the import written and recomputed, its newly met read back."""
    try:
        return run_import(importer_for(kind, _context()), io.BytesIO(lines(HEADERS[kind], *rows)), "file.csv",
                          forecast=True)
    finally:
        db.session.rollback()


def _start_afresh(deferred: bool) -> None:
    for table in EVIDENCE:
        db.session.execute(table.__table__.delete())
    db.session.execute(Deferral.__table__.delete())
    if deferred:
        p2 = db.session.scalar(select(Participant.id).where(Participant.participant_id == "P2"))
        db.session.add(Deferral(participant_id=p2, deferred_on=date(2023, 5, 1), returned_on=date(2024, 1, 1),
                                from_cohort=None, to_cohort=None, note="", recorded_by="test",
                                recorded_at=datetime(2024, 1, 1)))
    recompute(book=Book())
    db.session.commit()


def _stored(kind: str, *rows: str) -> None:
    result = run_import(importer_for(kind, _context()), io.BytesIO(lines(HEADERS[kind], *rows)), "stored.csv")
    assert result.ok, result.errors
    db.session.commit()


@pytest.fixture()
def pools():
    return {(code, component): _activities(code, component, 3)
            for code in ("NPQLT", "NPQLL") for component in (SELF_STUDY, TRAINING_EVENT)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_forecast_newly_meets_what_the_import_and_its_recompute_do(pools, data):
    _start_afresh(deferred=data.draw(st.booleans(), label="P2 deferred"))
    kind = data.draw(st.sampled_from(tuple(HEADERS)), label="kind")
    again = ()
    for stored_kind in HEADERS:
        stored = data.draw(files(stored_kind, pools), label=f"stored {stored_kind}")
        _stored(stored_kind, *stored.values())
        if stored_kind == kind:
            again = tuple(stored)
    rows = list(data.draw(files(kind, pools, most=8, again=again), label="file").values())
    before = snapshot()
    forecast = _forecast(kind, rows)
    assert snapshot() == before
    imported = _imported(kind, rows)
    assert forecast.ok and imported.ok, (forecast.errors, imported.errors)
    assert forecast.summary() == imported.summary()
    assert forecast.touched == imported.touched
    assert forecast.newly_met == imported.newly_met
    assert snapshot() == before


def test_a_record_the_file_replaces_is_taken_out_of_the_evidence_the_forecast_reads():
    """Output 2 (retention) needs more credits for an activity after Output 1 than before it: the
    stored record's 3 credits, replaced by 0, no longer count."""
    _start_afresh(deferred=False)
    _stored("attendance", "P3,1,NPQLT F2F Training Session,2022-11-01,attended,")
    _stored("credits", f"P3,{SELF_TITLE},3,2022-11-02,platform")
    rows = [f"P3,{SELF_TITLE},0,2022-11-02,platform", f"P3,{SELF_TITLE},3,2024-06-03,platform"]
    forecast = _forecast("credits", rows)
    assert (forecast.updated, forecast.created) == (1, 1)
    assert [(m.output, m.participant_id, m.met_on) for m in forecast.newly_met.met] == [(2, "P3", date(2024, 6, 3))]
    assert forecast.newly_met == _imported("credits", rows).newly_met


def test_a_record_the_file_changes_is_read_with_its_new_values():
    _start_afresh(deferred=False)
    event = "1,NPQLT F2F Training Session"
    _stored("attendance", f"P3,{event},2022-11-01,absent,")
    rows = [f"P3,{event},2022-11-01,attended,"]
    forecast = _forecast("attendance", rows)
    assert (forecast.updated, forecast.created) == (1, 0)
    assert [(m.output, m.participant_id, m.met_on) for m in forecast.newly_met.met] == [(1, "P3", date(2022, 11, 1))]
    assert forecast.newly_met == _imported("attendance", rows).newly_met
