"""Formatting for templates: dates in words, status tags. Templates format; they never decide."""
from __future__ import annotations

from flask import Flask

from ..formats import FILTERS
from ..words import AT_RISK_LABEL, ESCALATION_LABELS, STATUS_LABELS, agreed_deadline, at_risk_reason, last_contact

_STATUS_CLASSES = {
    "met": "govuk-tag--green",
    "met-late": "govuk-tag--turquoise",
    "blocked": "govuk-tag--orange",
    "pending": "govuk-tag--blue",
    "not-met": "govuk-tag--red",
    "total-unknown": "govuk-tag--grey",
    "criteria-pending": "govuk-tag--grey",
}
_ESCALATION_CLASSES = {
    "none": "govuk-tag--grey",
    "due-soon": "govuk-tag--yellow",
    "window": "govuk-tag--orange",
    "extended": "govuk-tag--purple",
    "escalated": "govuk-tag--red",
    "deferred": "govuk-tag--grey",
    "withdrawn": "govuk-tag--grey",
}
STATUS_TAGS = {status: (label, _STATUS_CLASSES[status]) for status, label in STATUS_LABELS.items()}
ESCALATION_TAGS = {state: (label, _ESCALATION_CLASSES[state]) for state, label in ESCALATION_LABELS.items()}


def init_app(app: Flask) -> None:
    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
    app.add_template_global(STATUS_TAGS, "STATUS_TAGS")
    app.add_template_global(ESCALATION_TAGS, "ESCALATION_TAGS")
    for function in (agreed_deadline, at_risk_reason, last_contact):
        app.add_template_global(function, function.__name__)
    app.add_template_global(AT_RISK_LABEL, "AT_RISK_LABEL")
