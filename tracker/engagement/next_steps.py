"""Next steps for many participants at once, from their standings and their evidence in bulk.

Only the evidence the rule reads is fetched (credits, video views, assessments: never the
registers), a few queries per 2,000 participants, and only for participants who have an
output to work towards.
"""
from __future__ import annotations

from datetime import date

from ..rules.facts import ACTIVE
from ..rules.next_steps import NextSteps, Offered, Syllabus, next_steps
from ..rules.status import met_by
from .book import Book
from .collection import collector_paused
from .evidence import each_evidence
from .standing import Standing

CHUNK = 2000
EVIDENCE = ("credits", "videos", "assessments")  # what the rule reads


def syllabuses(book: Book) -> dict[int, Syllabus]:
    """Each course's activities in course order, and its blocks with content, by course id."""
    made = {}
    for course_id, facts in book.courses.items():
        offered = sorted(
            (
                Offered(a.id, facts.block_of_activity[a.id], a.position, a.title, a.component)
                for a in facts.activities.values()
            ),
            key=lambda o: (o.block, o.position),
        )
        made[course_id] = Syllabus(tuple(offered), tuple(sorted({o.block for o in offered})))
    return made


def _working(found: list[Standing], as_of: date) -> list[Standing]:
    """Participants with an output still to meet: the only ones the rule can name steps for."""
    return [
        s for s in found
        if s.status == ACTIVE and any(not met_by(o.met, as_of) for o in s.outputs)
    ]


def next_steps_for(found: list[Standing], as_of: date, book: Book | None = None) -> dict[int, NextSteps]:
    """NextSteps by participant pk, for those of `found` who have any."""
    with collector_paused():
        return _next_steps_for(found, as_of, book)


def _next_steps_for(found: list[Standing], as_of: date, book: Book | None) -> dict[int, NextSteps]:
    book = book or Book()
    courses = syllabuses(book)
    working = {s.pk: s for s in _working(found, as_of)}
    ids = sorted(working)
    steps: dict[int, NextSteps] = {}
    # At least one pass, even for nobody, so that a page's query count never depends on who is on it.
    for start in range(0, max(len(ids), 1), CHUNK):
        for pk, evidence in each_evidence(ids[start : start + CHUNK], book, EVIDENCE):
            s = working[pk]
            made = next_steps(
                s.status,
                [o.spec for o in s.outputs],
                [o.met for o in s.outputs],
                book.courses[s.course_id].content,
                courses[s.course_id],
                evidence,
                as_of,
                book.cohort_starts[s.cohort],
            )
            if made is not None:
                steps[pk] = made
    return steps
