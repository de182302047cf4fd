"""Partnership meetings: EDT schedules them per delivery partner (add, move, cancel, with a note).

Each change is audited. `reviews_of` gives the review dates of the cohorts and course groups a
partner has participants in; `warnings` the ones no meeting prepares (rules/meetings.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..audit import record
from ..clock import now
from ..extensions import db
from ..models import Course, DeliveryPartner, Participant, PartnershipMeeting, ScheduleOutput
from ..refusal import Refusal
from ..rules.meetings import Review, uncovered

NOTE_LIMIT = 2000


def _note(note: str | None) -> str:
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise Refusal("note", f"The note must be {NOTE_LIMIT} characters or fewer")
    return text


def _on(meeting_date: date | None) -> date:
    if meeting_date is None:
        raise Refusal("meeting_date", "Enter the meeting date")
    return meeting_date


def add_meeting(partner: DeliveryPartner, *, meeting_date: date | None, note: str | None, actor: str) -> PartnershipMeeting:
    meeting = PartnershipMeeting(partner_id=partner.id, meeting_date=_on(meeting_date), note=_note(note))
    db.session.add(meeting)
    db.session.flush()
    record(actor, "schedule-meeting", "partnership_meeting", meeting.id,
           after={"partner": partner.code, "meeting_date": meeting.meeting_date, "note": meeting.note})
    return meeting


def move_meeting(meeting: PartnershipMeeting, *, meeting_date: date | None, note: str | None, actor: str) -> None:
    if meeting.cancelled_at is not None:
        raise Refusal("meeting_date", "This meeting was cancelled; schedule a new one instead")
    before = {"meeting_date": meeting.meeting_date, "note": meeting.note}
    after = {"meeting_date": _on(meeting_date), "note": _note(note)}
    if before == after:
        return
    meeting.meeting_date, meeting.note = after["meeting_date"], after["note"]
    record(actor, "move-meeting", "partnership_meeting", meeting.id, before=before, after=after)


def cancel_meeting(meeting: PartnershipMeeting, *, note: str | None, actor: str) -> None:
    if meeting.cancelled_at is not None:
        raise Refusal("note", "This meeting is already cancelled")
    reason = _note(note)
    before = {"meeting_date": meeting.meeting_date, "note": meeting.note}
    meeting.cancelled_at = now()
    if reason:
        meeting.note = f"{meeting.note}\n\nCancelled: {reason}".strip()
    record(actor, "cancel-meeting", "partnership_meeting", meeting.id, before=before,
           after={"cancelled_at": meeting.cancelled_at, "note": meeting.note})


def meetings_of(partner_id: int | None, *, include_cancelled: bool = True) -> list[tuple[PartnershipMeeting, str]]:
    """(meeting, partner code) in date order, for one partner or all."""
    query = (select(PartnershipMeeting, DeliveryPartner.code)
             .join(DeliveryPartner, PartnershipMeeting.partner_id == DeliveryPartner.id)
             .order_by(PartnershipMeeting.meeting_date, DeliveryPartner.code, PartnershipMeeting.id))
    if partner_id is not None:
        query = query.where(PartnershipMeeting.partner_id == partner_id)
    if not include_cancelled:
        query = query.where(PartnershipMeeting.cancelled_at.is_(None))
    return [tuple(row) for row in db.session.execute(query)]


def reviews_of(partner_id: int) -> list[Review]:
    """The review dates of every cohort and course group the partner has participants in."""
    groups = db.session.execute(
        select(Participant.cohort, Course.course_group).join(Course, Participant.course_id == Course.id)
        .where(Participant.partner_id == partner_id).distinct()).all()
    reviews = []
    for cohort, group in groups:
        for row in db.session.scalars(select(ScheduleOutput).where(
                ScheduleOutput.cohort == cohort, ScheduleOutput.course_group == group)):
            reviews.append(Review(cohort, group, row.number, row.review_date))
    return sorted(reviews, key=lambda r: (r.review_date, r.cohort, r.course_group, r.output))


def warnings(partner_id: int, today: date) -> list[Review]:
    """Review dates from today on with no meeting scheduled in the 42 days before them."""
    dates = [m.meeting_date for m, _ in meetings_of(partner_id, include_cancelled=False)]
    return uncovered(reviews_of(partner_id), dates, today)
