"""Registers taken in the browser: one training event on one date for one partner's group.

A mark is a RegisterEntry with the identity the attendance importer uses (participant + event
+ session date), so a register taken here and an uploaded register update the same record.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select, update

from ..audit import record
from ..clock import now
from ..engagement.book import Book
from ..engagement.recompute import recompute
from ..extensions import db
from ..imports.serial import serialised
from ..refusal import Refusal
from ..models import Activity, Block, Cohort, Course, DeliveryPartner, Participant, RegisterEntry, RegisterSession
from ..rules.facts import (ACTIVE, ATTENDED, REGISTER_MARKS, TRAINING_EVENT, before_start, dated_before_start,
                           dated_in_future)


@dataclass(frozen=True)
class Event:
    """A training event activity, as a register names it."""

    activity_id: int
    course_id: int
    course: str
    block: int
    title: str

    @property
    def label(self) -> str:
        return f"{self.course} – Block {self.block} – {self.title}"


@dataclass(frozen=True)
class SessionRow:
    session: RegisterSession
    partner: str
    event: Event
    marks: int


def _events_query():
    return (
        select(Activity.id, Course.id, Course.code, Block.number, Activity.title)
        .join(Block, Activity.block_id == Block.id)
        .join(Course, Block.course_id == Course.id)
        .where(Activity.component == TRAINING_EVENT)
    )


def training_events() -> list[Event]:
    """Every training event of every course, in course, block and timetable order."""
    rows = db.session.execute(_events_query().order_by(Course.code, Block.number, Activity.position))
    return [Event(*row) for row in rows]


def event_of(activity_id: int) -> Event | None:
    row = db.session.execute(_events_query().where(Activity.id == activity_id)).first()
    return Event(*row) if row else None


def cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.number)))


def session_date_problem(session_date: date, today: date) -> str | None:
    """Evidence dated after today is refused (DOMAIN.md "Evidence")."""
    return "Session date must be today or in the past" if dated_in_future(session_date, today) else None


def create_session(*, partner_id: int, activity_id: int, cohort: int, session_date: date, today: date,
                   actor: str) -> tuple[RegisterSession, bool]:
    """The register for this partner, event, cohort and date: (session, True) when new.

    An existing register for the same session is returned rather than duplicated.
    """
    event = event_of(activity_id)
    if event is None:
        raise Refusal("event", "Choose a training event from the list")
    problem = session_date_problem(session_date, today)
    if problem:
        raise Refusal("session_date", problem)
    course = db.session.get(Course, event.course_id)
    if cohort not in course.cohort_numbers:
        offered = ", ".join(map(str, course.cohort_numbers))
        raise Refusal("cohort", f"{course.code} is not offered in cohort {cohort} (offered in cohorts {offered})")
    existing = db.session.scalar(select(RegisterSession).where(
        RegisterSession.partner_id == partner_id, RegisterSession.activity_id == activity_id,
        RegisterSession.cohort == cohort, RegisterSession.session_date == session_date))
    if existing is not None:
        return existing, False
    session = RegisterSession(partner_id=partner_id, activity_id=activity_id, cohort=cohort,
                              session_date=session_date, created_by=actor,
                              created_at=now())
    if db.session.scalar(_group_query(session, event).limit(1)) is None:
        code = db.session.get(DeliveryPartner, partner_id).code
        raise Refusal("cohort", f"{code} has no active participants on {event.course} in cohort {cohort}")
    start = db.session.get(Cohort, cohort).start_date
    if dated_before_start(session_date, start):
        raise Refusal("session_date", "Session date " + before_start(session_date, cohort, start))
    db.session.add(session)
    db.session.flush()
    record(actor, "create", "register_session", session.id,
           after={"event": event.label, "cohort": cohort, "session_date": session_date, "partner_id": partner_id})
    return session, True


def _group_query(session: RegisterSession, event: Event):
    """Active participants of the partner on the event's course and cohort, and anyone already
    marked for this session (so a participant deferred later keeps their mark on the page)."""
    marked = select(RegisterEntry.participant_id).where(
        RegisterEntry.activity_id == session.activity_id, RegisterEntry.session_date == session.session_date)
    return select(Participant).where(
        Participant.partner_id == session.partner_id,
        Participant.course_id == event.course_id,
        Participant.cohort == session.cohort,
        or_(Participant.status == ACTIVE, Participant.id.in_(marked)),
    ).order_by(Participant.full_name, Participant.participant_id)


def group(session: RegisterSession) -> list[Participant]:
    return list(db.session.scalars(_group_query(session, event_of(session.activity_id))))


def current_marks(session: RegisterSession, participant_ids) -> dict[int, RegisterEntry]:
    ids = list(participant_ids)
    if not ids:
        return {}
    entries = db.session.scalars(select(RegisterEntry).where(
        RegisterEntry.activity_id == session.activity_id, RegisterEntry.session_date == session.session_date,
        RegisterEntry.participant_id.in_(ids)))
    return {entry.participant_id: entry for entry in entries}


def save_marks(session: RegisterSession, wanted: dict[int, str], actor: str, book: Book | None = None) -> int:
    """Record these marks (participant pk -> mark), audit each change and recompute met_on.

    Returns how many marks changed. Marks equal to the stored ones change nothing. The caller
    commits.
    """
    members = {p.id for p in group(session)}
    strangers = set(wanted) - members
    if strangers:
        raise Refusal("marks", "Marks can only be saved for participants in this register's group")
    for mark in wanted.values():
        if mark not in REGISTER_MARKS:
            raise Refusal("marks", f"'{mark}' is not one of {', '.join(REGISTER_MARKS)}")
    stored = current_marks(session, wanted)
    marked_by = actor[:120]
    changes: list[tuple[RegisterEntry, dict | None]] = []
    for pid, mark in wanted.items():
        entry = stored.get(pid)
        if entry is None:
            entry = RegisterEntry(participant_id=pid, activity_id=session.activity_id,
                                  session_date=session.session_date, mark=mark, marked_by=marked_by,
                                  session_id=session.id)
            db.session.add(entry)
            changes.append((entry, None))
        elif entry.mark != mark:
            before = {"mark": entry.mark, "marked_by": entry.marked_by}
            entry.mark, entry.marked_by, entry.session_id = mark, marked_by, session.id
            changes.append((entry, before))
    if not changes:
        return 0
    db.session.flush()
    for entry, before in changes:
        record(actor, "create" if before is None else "update", "attendance", entry.id,
               participant_id=entry.participant_id, before=before,
               after={"activity_id": entry.activity_id, "session_date": entry.session_date, "mark": entry.mark,
                      "marked_by": entry.marked_by, "register_session": session.id})
    recompute({entry.participant_id for entry, _ in changes}, book)
    return len(changes)


def mark_everyone_attended(session: RegisterSession, actor: str) -> int:
    """Mark everyone in the group who has no mark yet as attended; existing marks are kept."""
    members = [p.id for p in group(session)]
    stored = current_marks(session, members)
    return save_marks(session, {pid: ATTENDED for pid in members if pid not in stored}, actor)


def in_turn(change: Callable[[], int], partner_id: int, wait: float | None = None) -> int:
    """Run a change of register marks one at a time with the imports that could touch the same
    marks (imports/serial.py), and commit it: an attendance file confirmed at the same moment
    waits, or is waited for, instead of both adding the same entry; for `wait` seconds at most, then
    it is refused with Busy (imports/serial.py)."""
    db.session.commit()  # what the page read; the marks are read again inside the turn
    with serialised(partner_id, wait):
        try:
            count = change()
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return count


def sessions_in_scope(partner_id: int | None, limit: int = 200) -> list[SessionRow]:
    """Register sessions newest first, for one partner or (None) for all."""
    marks = (select(RegisterEntry.session_id, func.count().label("n"))
             .group_by(RegisterEntry.session_id).subquery())
    query = (
        select(RegisterSession, DeliveryPartner.code, func.coalesce(marks.c.n, 0))
        .join(DeliveryPartner, RegisterSession.partner_id == DeliveryPartner.id)
        .outerjoin(marks, marks.c.session_id == RegisterSession.id)
        .order_by(RegisterSession.session_date.desc(), RegisterSession.created_at.desc(), RegisterSession.id.desc())
        .limit(limit)
    )
    if partner_id is not None:
        query = query.where(RegisterSession.partner_id == partner_id)
    rows = db.session.execute(query).all()
    events = {e.activity_id: e for e in training_events()}
    return [SessionRow(session, code, events[session.activity_id], n) for session, code, n in rows]


@dataclass(frozen=True)
class ImportedRegister:
    """Marks of one partner's cohort at one training event on one date that came from an attendance file."""

    session_date: date
    partner: str
    event: Event
    cohort: int
    marks: int
    attended: int


def imported_in_scope(partner_id: int | None, limit: int = 200) -> list[ImportedRegister]:
    """Registers imported from attendance files (marks with no register session), newest first."""
    attended = func.sum(case((RegisterEntry.mark != "absent", 1), else_=0))
    query = (
        select(RegisterEntry.session_date, DeliveryPartner.code, RegisterEntry.activity_id, Participant.cohort,
               func.count(), attended)
        .join(Participant, RegisterEntry.participant_id == Participant.id)
        .join(DeliveryPartner, Participant.partner_id == DeliveryPartner.id)
        .where(RegisterEntry.session_id.is_(None))
        .group_by(RegisterEntry.session_date, DeliveryPartner.code, RegisterEntry.activity_id, Participant.cohort)
        .order_by(RegisterEntry.session_date.desc(), DeliveryPartner.code, RegisterEntry.activity_id, Participant.cohort)
        .limit(limit)
    )
    if partner_id is not None:
        query = query.where(Participant.partner_id == partner_id)
    events = {e.activity_id: e for e in training_events()}
    return [ImportedRegister(on, code, events[activity], cohort, n, int(present or 0))
            for on, code, activity, cohort, n, present in db.session.execute(query) if activity in events]


def open_imported(*, partner_id: int, activity_id: int, cohort: int, session_date: date,
                  actor: str) -> RegisterSession:
    """The register of imported marks (partner, event, cohort, date), to open and correct like one
    taken in the browser. A mark is a RegisterEntry (participant + event + date) whoever made it, so
    opening it is finding or making the RegisterSession of that key and giving it the imported
    marks of its group; their marked_by stays the import's until a person changes a mark, which
    then says who did (save_marks). The caller commits."""
    event = event_of(activity_id)
    if event is None:
        raise Refusal("event", "Choose a training event from the list")
    imported = select(RegisterEntry.id).join(Participant, RegisterEntry.participant_id == Participant.id).where(
        RegisterEntry.activity_id == activity_id, RegisterEntry.session_date == session_date,
        RegisterEntry.session_id.is_(None), Participant.partner_id == partner_id, Participant.cohort == cohort)
    ids = list(db.session.scalars(imported))
    session = db.session.scalar(select(RegisterSession).where(
        RegisterSession.partner_id == partner_id, RegisterSession.activity_id == activity_id,
        RegisterSession.cohort == cohort, RegisterSession.session_date == session_date))
    if session is None:
        if not ids:
            raise Refusal("event", "There is no imported register of this event on this date")
        session = RegisterSession(partner_id=partner_id, activity_id=activity_id, cohort=cohort,
                                  session_date=session_date, created_by=actor, created_at=now())
        db.session.add(session)
        db.session.flush()
        record(actor, "create", "register_session", session.id,
               after={"event": event.label, "cohort": cohort, "session_date": session_date, "partner_id": partner_id,
                      "imported_marks": len(ids)})
    if ids:
        db.session.execute(update(RegisterEntry).where(RegisterEntry.id.in_(ids)).values(session_id=session.id)
                           .execution_options(synchronize_session=False))
    return session
