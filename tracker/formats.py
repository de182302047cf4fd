"""How dates and times are written, on pages, in messages and in the PDF: one module, every
function also a template filter of the same name (FILTERS)."""
from __future__ import annotations

from datetime import date, datetime


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


def time_of_day(value: datetime | None) -> str:
    """14:05: the time of an upload (UTC)."""
    return "" if value is None else f"{value:%H:%M}"


def days_from_review(days: int) -> str:
    """How far a date is from a review date: "3 days to go", "review date today", "1 day after"."""
    if days < 0:
        return f"{-days} day{'' if days == -1 else 's'} to go"
    if days == 0:
        return "review date today"
    return f"{days} day{'' if days == 1 else 's'} after"


FILTERS = {f.__name__: f for f in (iso_date, long_date, short_date, date_time, short_date_time, time_of_day,
                                              days_from_review)}
