"""An iCalendar file of a partner's meetings and the review dates of its cohorts, to add to Outlook."""
from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from ..models import DeliveryPartner
from . import meetings_of, reviews_of

DOMAIN = "npq-tracker.edt.example"


def _all_day(uid: str, summary: str, on, description: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    if description:
        event.add("description", description)
    return event


def partner_calendar(partner: DeliveryPartner, stamp: datetime) -> bytes:
    """stamp: when the file is made (the clock's now()), as every event's DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", "-//Education Development Trust//NPQ engagement tracker//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"NPQ partnership meetings: {partner.code}")
    for meeting, _ in meetings_of(partner.id, include_cancelled=False):
        calendar.add_component(_all_day(f"meeting-{meeting.id}", f"Partnership meeting: {partner.code} and EDT",
                                        meeting.meeting_date, meeting.note, stamp))
    for review in reviews_of(partner.id):
        calendar.add_component(_all_day(
            f"review-{partner.code}-{review.cohort}-{review.course_group}-{review.output}",
            f"Review date: cohort {review.cohort} {review.course_group} Output {review.output}",
            review.review_date, "The 3-week escalation window starts the day after.", stamp))
    return calendar.to_ical()
