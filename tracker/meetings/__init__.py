"""Partnership meetings: EDT schedules them per delivery partner (add, move, cancel, with a note).

Each change is audited. `reviews_of` gives the review dates of the cohorts and course groups a
partner has participants in; `warnings` the ones no meeting prepares (rules/meetings.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from urllib.parse import urlsplit

from sqlalchemy import select

from ..audit import record
from ..clock import now
from ..extensions import db
from ..formats import time_of_day
from ..models import Course, DeliveryPartner, Participant, PartnershipMeeting, ScheduleOutput
from ..refusal import Refusal
from ..rules.meetings import Review, uncovered

NOTE_LIMIT = 2000
LINK_LIMIT = 500
DEFAULT_MINUTES = 60  # a timed meeting with no length given lasts an hour
LONGEST_MINUTES = 8 * 60
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


@dataclass(frozen=True)
class When:
    """A meeting's optional start time (UK local time), length and online link, as given in a form."""

    start_time: str | None = None  # "14:30", "2:30pm", "9am"; empty: the meeting is for the day
    minutes: str | int | None = None
    online_link: str | None = None


def parse_time(text: str | None) -> time | None:
    """14:30, 14.30, 2:30pm, 2pm, 9 am; None for nothing."""
    value = (text or "").strip().lower().replace(" ", "")
    if not value:
        return None
    if value in ("midday", "noon", "12noon"):
        return time(12, 0)
    found = _TIME.match(value)
    if found:
        hour, minute, half = int(found[1]), int(found[2] or 0), found[3]
        if half and 1 <= hour <= 12:
            hour = hour % 12 + (12 if half == "pm" else 0)
        elif half or (found[2] is None):
            hour = 99  # "14pm", or a bare "14": not a time people write
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise Refusal("start_time", "Enter the start time like 14:30 or 2:30pm")


def _minutes(value, start: time | None) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return DEFAULT_MINUTES if start else None
    if start is None:
        raise Refusal("start_time", "Enter the start time, or leave the length empty")
    if not text.isdigit() or not 0 < int(text) <= LONGEST_MINUTES:
        raise Refusal("minutes", f"Enter the length in minutes, a whole number from 1 to {LONGEST_MINUTES}")
    return int(text)


def _link(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if (len(text) > LINK_LIMIT or parts.scheme not in ("https", "http") or not parts.hostname
            or any(c.isspace() or ord(c) < 32 for c in text)):
        raise Refusal("online_link", "Enter the online link as a full web address starting https://")
    return text


def _when(when: When | None) -> dict:
    when = when or When()
    start = parse_time(when.start_time)
    return {"start_time": start, "minutes": _minutes(when.minutes, start), "online_link": _link(when.online_link)}


def _audited(values: dict) -> dict:
    return {k: time_of_day(v) if isinstance(v, time) else v for k, v in values.items()}


def _note(note: str | None) -> str:
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise Refusal("note", f"The note must be {NOTE_LIMIT} characters or fewer")
    return text


def _on(meeting_date: date | None) -> date:
    if meeting_date is None:
        raise Refusal("meeting_date", "Enter the meeting date")
    return meeting_date


def add_meeting(partner: DeliveryPartner, *, meeting_date: date | None, note: str | None, actor: str,
                when: When | None = None) -> PartnershipMeeting:
    on, written, timed = _on(meeting_date), _note(note), _when(when)
    meeting = PartnershipMeeting(partner_id=partner.id, meeting_date=on, note=written, **timed)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "schedule-meeting", "partnership_meeting", meeting.id,
           after={"partner": partner.code, "meeting_date": meeting.meeting_date, "note": meeting.note,
                  **_audited(timed)})
    return meeting


def move_meeting(meeting: PartnershipMeeting, *, meeting_date: date | None, note: str | None, actor: str,
                 when: When | None = None) -> None:
    if meeting.cancelled_at is not None:
        raise Refusal("meeting_date", "This meeting was cancelled; schedule a new one instead")
    before = {"meeting_date": meeting.meeting_date, "note": meeting.note, "start_time": meeting.start_time,
              "minutes": meeting.minutes, "online_link": meeting.online_link}
    after = {"meeting_date": _on(meeting_date), "note": _note(note), **_when(when)}
    if before == after:
        return
    for name, value in after.items():
        setattr(meeting, name, value)
    record(actor, "move-meeting", "partnership_meeting", meeting.id, before=_audited(before), after=_audited(after))


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


def reviews_of(partner_id: int, since: date | None = None) -> list[Review]:
    """The review dates of every cohort and course group the partner has participants in (from `since` on)."""
    groups = db.session.execute(
        select(Participant.cohort, Course.course_group).join(Course, Participant.course_id == Course.id)
        .where(Participant.partner_id == partner_id).distinct()).all()
    reviews = []
    for cohort, group in groups:
        for row in db.session.scalars(select(ScheduleOutput).where(
                ScheduleOutput.cohort == cohort, ScheduleOutput.course_group == group)):
            if since is None or row.review_date >= since:
                reviews.append(Review(cohort, group, row.number, row.review_date))
    return sorted(reviews, key=lambda r: (r.review_date, r.cohort, r.course_group, r.output))


def warnings(partner_id: int, today: date) -> list[Review]:
    """Review dates from today on with no meeting scheduled in the 42 days before them."""
    dates = [m.meeting_date for m, _ in meetings_of(partner_id, include_cancelled=False)]
    return uncovered(reviews_of(partner_id), dates, today)
