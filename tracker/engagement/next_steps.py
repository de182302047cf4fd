"""Next steps for many participants at once, from their standings and their evidence in bulk.

Only the evidence the rule reads is fetched (credits, video views, assessments: never a
participant's own registers), a few queries per 2,000 participants, and only for participants who
have an output to work towards; plus one query for the dates each group (partner and cohort) held
its training events, so that nobody is asked to attend a session that has taken place.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select, union

from ..extensions import db
from ..models import DeliveryPartner, Participant, RegisterEntry, RegisterSession
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


Group = tuple[str, int]  # (partner code, cohort)


def group_sessions(found: list[Standing]) -> dict[Group, dict[int, list[date]]]:
    """The session dates of each training event (activity id) per group of `found`, from the registers
    taken in the browser and the register entries of the group's participants."""
    partners = sorted({s.partner for s in found})
    entry, session = RegisterEntry.__table__.c, RegisterSession.__table__.c
    entries = (
        select(DeliveryPartner.code, Participant.cohort, entry.activity_id, entry.session_date)
        .join(Participant, Participant.id == entry.participant_id)
        .join(DeliveryPartner, DeliveryPartner.id == Participant.partner_id)
        .where(DeliveryPartner.code.in_(partners))
    )
    taken = (
        select(DeliveryPartner.code, session.cohort, session.activity_id, session.session_date)
        .join(DeliveryPartner, DeliveryPartner.id == session.partner_id)
        .where(DeliveryPartner.code.in_(partners))
    )
    made: dict[Group, dict[int, list[date]]] = defaultdict(lambda: defaultdict(list))
    for code, cohort, activity, on in db.session.execute(union(entries, taken)):
        made[(code, cohort)][activity].append(on)
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
    sessions = group_sessions(list(working.values()))
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
                sessions.get((s.partner, s.cohort)),
            )
            if made is not None:
                steps[pk] = made
    return steps
