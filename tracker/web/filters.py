"""Formatting for templates: dates in words, status tags. Templates format; they never decide."""
from __future__ import annotations

from datetime import date

from flask import Flask

STATUS_TAGS = {
    "met": ("Met", "govuk-tag--green"),
    "met-late": ("Met late", "govuk-tag--turquoise"),
    "blocked": ("Blocked", "govuk-tag--orange"),
    "pending": ("Pending", "govuk-tag--blue"),
    "not-met": ("Not met", "govuk-tag--red"),
    "total-unknown": ("Total unknown", "govuk-tag--grey"),
    "criteria-pending": ("Criteria pending", "govuk-tag--grey"),
}
ESCALATION_TAGS = {
    "none": ("None", "govuk-tag--grey"),
    "due-soon": ("Due soon", "govuk-tag--yellow"),
    "window": ("In the window", "govuk-tag--orange"),
    "extended": ("Extended", "govuk-tag--purple"),
    "escalated": ("Escalated", "govuk-tag--red"),
    "deferred": ("Deferred", "govuk-tag--grey"),
    "withdrawn": ("Withdrawn", "govuk-tag--grey"),
}


def long_date(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def short_date(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%b %Y}"


def init_app(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(short_date)
    app.add_template_global(STATUS_TAGS, "STATUS_TAGS")
    app.add_template_global(ESCALATION_TAGS, "ESCALATION_TAGS")
