"""Recompute and store met_on for participants whose evidence or reference data changed.

The queries name table columns (Table.c), not ORM attributes: the rows are plain values,
and SQLAlchemy hands them over without the ORM's per-row loading work (evidence.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import delete, select

from ..extensions import db
from ..models.bulk import insert_rows
from ..models import OutputRecord, Participant
from ..rules.facts import Evidence, OutputMet
from ..rules.outputs import compute_outputs
from ..rules.periods import outputs_with_periods
from .book import Book
from .collection import collector_paused
from .evidence import among, each_evidence
from .periods import load_periods

CHUNK = 2000
OUTPUT_COLUMNS = ("participant_id", "number", "met_on", "basis", "not_preferred")


def _chunks(ids: list[int], size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def each_verdict(ids: list[int], book: Book,
                 amend: Callable[[int, Evidence], None] | None = None) -> Iterator[tuple[int, list[OutputMet]]]:
    """(participant, the verdicts of their outputs) for each of ids (ascending, distinct) that exists,
    from their stored evidence; amend(participant, evidence), when given, first changes that
    evidence in place (the forecast's records a file would write)."""
    people_table = Participant.__table__.c
    people = dict(
        (pid, (course_id, cohort))
        for pid, course_id, cohort in db.session.execute(
            select(people_table.id, people_table.course_id, people_table.cohort).where(among(people_table.id, ids))
        )
    )
    periods = load_periods(ids)
    for pid, evidence in each_evidence(ids, book):
        if pid not in people:
            continue  # no such participant
        if amend is not None:
            amend(pid, evidence)
        course_id, cohort = people[pid]
        facts = book.courses[course_id]
        if pid in periods:
            found = periods[pid]
            cohorts = {cohort} | {d.from_cohort for d in found.moves}
            schedules = {c: book.schedule(course_id, c) for c in cohorts}
            yield pid, outputs_with_periods(schedules, cohort, facts.content, evidence, found)
        else:
            yield pid, compute_outputs(book.schedule(course_id, cohort), facts.content, evidence)


def recompute(participant_ids: Iterable[int] | None = None, book: Book | None = None,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute met_on for these participants (all when None). Returns how many.

    Only the verdicts that changed are written (deleted and inserted again, with COPY on
    PostgreSQL): most recomputes after an import change a few outputs of many participants.
    progress(done, total), when given, hears of each chunk written (a job commits it there).
    """
    with collector_paused():
        return _recompute(participant_ids, book, progress)


def _recompute(participant_ids: Iterable[int] | None, book: Book | None, progress) -> int:
    book = book or Book()
    if participant_ids is None:
        participant_ids = db.session.scalars(select(Participant.id)).all()
    ids = sorted(set(participant_ids))
    outputs = OutputRecord.__table__
    for done, chunk in enumerate(_chunks(ids)):
        stored = {
            (pid, number): (rid, (met_on, basis, not_preferred))
            for rid, pid, number, met_on, basis, not_preferred in db.session.execute(
                select(outputs.c.id, outputs.c.participant_id, outputs.c.number, outputs.c.met_on, outputs.c.basis,
                       outputs.c.not_preferred).where(among(outputs.c.participant_id, chunk))
            )
        }
        rows, stale = [], []
        for pid, verdicts in each_verdict(chunk, book):
            for met in verdicts:
                verdict = (met.met_on, ";".join(met.basis), met.not_preferred)
                before = stored.pop((pid, met.number), None)
                if before is not None:
                    if before[1] == verdict:
                        continue
                    stale.append(before[0])
                rows.append((pid, met.number, *verdict))
        stale.extend(rid for rid, _ in stored.values())  # outputs the course no longer has
        for part in _chunks(stale):
            db.session.execute(delete(outputs).where(outputs.c.id.in_(part)))
        insert_rows(outputs, OUTPUT_COLUMNS, rows)
        if progress is not None:
            progress(min((done + 1) * CHUNK, len(ids)), len(ids))
    return len(ids)
