"""Reading participants' evidence in bulk, one participant at a time, for recompute and next steps.

The queries name table columns (Table.c), not ORM attributes: the rows are plain values,
and SQLAlchemy hands them over without the ORM's per-row loading work, which matters when
every participant's evidence (millions of rows) is read.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Select, select

from ..extensions import db
from ..models import AssessmentRecord, CreditRecord, RegisterEntry, VideoViewRecord
from ..rules.facts import Assessment, Credit, Evidence, Register, VideoView
from .book import Book

KINDS = ("credits", "registers", "videos", "assessments")


def among(column, ids: Sequence[int]):
    """column IN ids; a run of consecutive ids (a whole recompute's chunk) as a range the index reads in order.

    ids: ascending and distinct.
    """
    if ids and ids[-1] - ids[0] + 1 == len(ids):
        return column.between(ids[0], ids[-1])
    return column.in_(ids)


def _queries(ids: Sequence[int], book: Book, kinds: Sequence[str]) -> list[tuple[Select, str, Callable]]:
    """(query, Evidence field, row -> fact) per kind of evidence; a row is (participant, *the fact's fields)."""
    credit = CreditRecord.__table__.c
    register = RegisterEntry.__table__.c
    video = VideoViewRecord.__table__.c
    assessment = AssessmentRecord.__table__.c
    block_numbers = {bid: number for facts in book.courses.values() for number, bid in facts.blocks.items()}

    def video_view(row):
        return VideoView(block_numbers[row[1]], row[2], row[3])

    def fact(kind):
        return lambda row: tuple.__new__(kind, row[1:])

    made = {
        "credits": (select(credit.participant_id, credit.activity_id, credit.credits, credit.completed_on)
                    .where(among(credit.participant_id, ids)).order_by(credit.participant_id), fact(Credit)),
        "registers": (select(register.participant_id, register.activity_id, register.session_date, register.mark)
                      .where(among(register.participant_id, ids)).order_by(register.participant_id),
                      fact(Register)),
        "videos": (select(video.participant_id, video.block_id, video.percent, video.viewed_on)
                   .where(among(video.participant_id, ids)).order_by(video.participant_id), video_view),
        "assessments": (select(assessment.participant_id, assessment.status, assessment.result,
                               assessment.recorded_on)
                        .where(among(assessment.participant_id, ids)).order_by(assessment.participant_id),
                        fact(Assessment)),
    }
    return [(made[kind][0], kind, made[kind][1]) for kind in kinds]


def each_evidence(ids: Sequence[int], book: Book, kinds: Sequence[str] = KINDS) -> Iterator[tuple[int, Evidence]]:
    """(participant, evidence) for each of ids (ascending, distinct), each table read in participant order.

    One participant's evidence at a time, not a chunk's: short-lived objects stay in the
    garbage collector's young generations, where collecting them costs next to nothing.
    """
    streams = [(field, fact, groupby(db.session.execute(query), itemgetter(0)))
               for query, field, fact in _queries(ids, book, kinds)]
    heads = [next(groups, None) for _, _, groups in streams]
    for pid in ids:
        evidence = Evidence()
        for index, (field, fact, groups) in enumerate(streams):
            head = heads[index]
            if head is not None and head[0] == pid:
                setattr(evidence, field, [fact(row) for row in head[1]])
                heads[index] = next(groups, None)
        yield pid, evidence
