"""An iCalendar file of a partner's meetings and the review dates ahead of its cohorts, to add to Outlook.

A meeting with a start time is a timed event in UK time (Europe/London, with its VTIMEZONE), its
online link as the event's URL and LOCATION; one without is an all-day event. Review dates before
today are left out: they can no longer be prepared for, and they filled the calendar back to 2021.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..models import DeliveryPartner, PartnershipMeeting
from . import DEFAULT_MINUTES, meetings_of, reviews_of

DOMAIN = "npq-tracker.edt.example"
UK = ZoneInfo("Europe/London")


def _event(uid: str, summary: str, description: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    return event


def _all_day(uid: str, summary: str, on: date, description: str, stamp: datetime) -> Event:
    event = _event(uid, summary, description, stamp)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    return event


def _meeting(meeting: PartnershipMeeting, code: str, stamp: datetime) -> Event:
    summary = f"Partnership meeting: {code} and EDT"
    description = "\n\n".join(part for part in (meeting.note, meeting.online_link and f"Join online: {meeting.online_link}")
                              if part)
    if meeting.start_time is None:
        event = _all_day(f"meeting-{meeting.id}", summary, meeting.meeting_date, description, stamp)
    else:
        event = _event(f"meeting-{meeting.id}", summary, description, stamp)
        start = datetime.combine(meeting.meeting_date, meeting.start_time, tzinfo=UK)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=meeting.minutes or DEFAULT_MINUTES))
    if meeting.online_link:
        event.add("url", meeting.online_link)
        event.add("location", meeting.online_link)
    return event


def partner_calendar(partner: DeliveryPartner, stamp: datetime, today: date) -> bytes:
    """stamp: when the file is made (the clock's now()), as every event's DTSTAMP; today: the clock's
    date, from which review dates are given."""
    calendar = Calendar()
    calendar.add("prodid", "-//Education Development Trust//NPQ engagement tracker//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"NPQ partnership meetings: {partner.code}")
    for meeting, _ in meetings_of(partner.id, include_cancelled=False):
        calendar.add_component(_meeting(meeting, partner.code, stamp))
    for review in reviews_of(partner.id, since=today):
        calendar.add_component(_all_day(
            f"review-{partner.code}-{review.cohort}-{review.course_group}-{review.output}",
            f"Review date: cohort {review.cohort} {review.course_group} Output {review.output}",
            review.review_date, "The 3-week escalation window starts the day after.", stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
