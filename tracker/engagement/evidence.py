"""Reading participants' evidence in bulk, one participant at a time, for recompute and next steps.

The queries name table columns (Table.c), not ORM attributes, and their rows are read from the
database driver itself, in batches, without SQLAlchemy's per-row work: a recompute or the next
steps of everyone reads millions of rows.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Select, false, literal_column, select

from ..extensions import db
from ..models import AssessmentRecord, CreditRecord, RegisterEntry, VideoViewRecord
from ..rules.facts import Assessment, Credit, Evidence, Register, VideoView
from .book import Book

KINDS = ("credits", "registers", "videos", "assessments")
BATCH = 5000  # rows fetched from the driver at a time: one call per batch, not per row


def among(column, ids: Sequence[int]):
    """column IN ids, the ids written into the SQL (a bound parameter each costs SQLAlchemy more
    than the query's own work for a partner's few thousand); a run of consecutive ids (a whole
    recompute's chunk) as a range the index reads in order.

    ids: ascending and distinct integers.
    """
    if not ids:
        return false()
    if ids[-1] - ids[0] + 1 == len(ids):
        return column.between(ids[0], ids[-1])
    return column.op("IN", is_comparison=True)(literal_column("(" + ",".join(map(str, map(int, ids))) + ")"))


def _queries(ids: Sequence[int], book: Book, kinds: Sequence[str]) -> list[tuple[Select, str, Callable]]:
    """(query, Evidence field, rows -> facts) per kind of evidence; a row is (participant, *the fact's fields)."""
    credit = CreditRecord.__table__.c
    register = RegisterEntry.__table__.c
    video = VideoViewRecord.__table__.c
    assessment = AssessmentRecord.__table__.c
    block_numbers = {bid: number for facts in book.courses.values() for number, bid in facts.blocks.items()}

    day = day_reader() or (lambda value: value)
    new = tuple.__new__

    def credits(rows):
        return [new(Credit, (activity, value, day(on))) for _, activity, value, on in rows]

    def registers(rows):
        return [new(Register, (activity, day(on), mark)) for _, activity, on, mark in rows]

    def video_views(rows):
        return [new(VideoView, (block_numbers[block], percent, day(on))) for _, block, percent, on in rows]

    def assessments(rows):
        return [new(Assessment, (status, result, day(on))) for _, status, result, on in rows]

    made = {
        "credits": (select(credit.participant_id, credit.activity_id, credit.credits, credit.completed_on)
                    .where(among(credit.participant_id, ids)).order_by(credit.participant_id), credits),
        "registers": (select(register.participant_id, register.activity_id, register.session_date, register.mark)
                      .where(among(register.participant_id, ids)).order_by(register.participant_id),
                      registers),
        "videos": (select(video.participant_id, video.block_id, video.percent, video.viewed_on)
                   .where(among(video.participant_id, ids)).order_by(video.participant_id), video_views),
        "assessments": (select(assessment.participant_id, assessment.status, assessment.result,
                               assessment.recorded_on)
                        .where(among(assessment.participant_id, ids)).order_by(assessment.participant_id),
                        assessments),
    }
    return [(made[kind][0], kind, made[kind][1]) for kind in kinds]


def day_reader() -> Callable | None:
    """What turns a date cell the driver returns into a date: SQLite's driver returns the ISO
    text SQLAlchemy stored, PostgreSQL's a date (None: nothing to do)."""
    return date.fromisoformat if db.session.connection().dialect.name == "sqlite" else None


def driver_rows(query: Select) -> Iterator[tuple]:
    """The query's rows straight from the database driver's cursor, a batch per call: plain
    tuples, without SQLAlchemy's per-row work (a recompute of everyone reads millions). The
    statement still goes through SQLAlchemy's execution, so its events see it (the benchmark
    counts queries there). A date column comes as day_reader() reads it; every other column is
    an int, a float or text, which the drivers return as the rules read them (a boolean is
    SQLite's 0 or 1)."""
    connection = db.session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    result = connection.exec_driver_sql(str(compiled), params)
    try:
        while batch := result.cursor.fetchmany(BATCH):
            yield from batch
    finally:
        result.close()


def each_evidence(ids: Sequence[int], book: Book, kinds: Sequence[str] = KINDS) -> Iterator[tuple[int, Evidence]]:
    """(participant, evidence) for each of ids (ascending, distinct), each table read in participant order.

    One participant's evidence at a time, not a chunk's: short-lived objects stay in the
    garbage collector's young generations, where collecting them costs next to nothing.
    """
    streams = [(field, facts, groupby(driver_rows(query), itemgetter(0)))
               for query, field, facts in _queries(ids, book, kinds)]
    heads = [next(groups, None) for _, _, groups in streams]
    for pid in ids:
        evidence = Evidence()
        for index, (field, facts, groups) in enumerate(streams):
            head = heads[index]
            if head is not None and head[0] == pid:
                setattr(evidence, field, facts(head[1]))
                heads[index] = next(groups, None)
        yield pid, evidence
