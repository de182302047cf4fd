"""How dates and times are written, on pages, in messages and in the PDF: one module, every
function also a template filter of the same name (FILTERS)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta


def iso_date(value: date | None) -> str:
    """2023-06-22: dates in the files the tracker writes."""
    return value.isoformat() if value else ""


def long_date(value: date | None) -> str:
    """22 June 2023: headings, messages and the meeting date."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def short_date(value: date | None) -> str:
    """22 Jun 2023: tables, histories and the PDF."""
    return "" if value is None else f"{value.day} {value:%b %Y}"


def date_time(value: datetime | None) -> str:
    """2023-06-22 14:05: an audit time (UTC)."""
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def utc_stamp(value: datetime) -> str:
    """2024-10-02T09:00:00Z: an RFC 3339 UTC time, as DfE's API reads and writes them."""
    return f"{value:%Y-%m-%dT%H:%M:%S}Z"


def short_date_time(value: datetime | None) -> str:
    """22 Jun 2023 14:05: a recorded state's time (UTC)."""
    return "" if value is None else f"{value:%d %b %Y %H:%M}"


def time_of_day(value: datetime | time | None) -> str:
    """14:05: the time of an upload (UTC), or a meeting's start as audited (UK time)."""
    return "" if value is None else f"{value:%H:%M}"


def days_from_review(days: int) -> str:
    """How far a date is from a review date: "3 days to go", "review date today", "1 day after"."""
    if days < 0:
        return f"{-days} day{'' if days == -1 else 's'} to go"
    if days == 0:
        return "review date today"
    return f"{days} day{'' if days == 1 else 's'} after"


def clock_time(value: time | None) -> str:
    """2:30pm, 9am, midday: a meeting's start (UK local time), as GOV.UK writes times."""
    if value is None:
        return ""
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    return f"{hour}{':%02d' % value.minute if value.minute else ''}{'am' if value.hour < 12 else 'pm'}"


def time_span(start: time | None, minutes: int | None) -> str:
    """2:30pm to 3:30pm: a meeting's start and end; "" for a meeting with no start time."""
    if start is None:
        return ""
    if not minutes:
        return clock_time(start)
    end = (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()
    return f"{clock_time(start)} to {clock_time(end)}"


FILTERS = {f.__name__: f for f in (iso_date, long_date, short_date, date_time, short_date_time, time_of_day,
                                   days_from_review, clock_time, time_span)}
