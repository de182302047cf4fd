"""Render a report's data through its template and WeasyPrint.

The report has its own Jinja environment over templates/reports and its own small print
stylesheet, inlined so that the HTML is complete on its own (the benchmark renders it alone).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML

from . import charts
from ..formats import FILTERS
from ..words import STATUS_LABELS
from .partnership import build_report

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "reports"
STYLESHEET = Path(__file__).resolve().parent / "print.css"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals["status_labels"] = STATUS_LABELS
    env.globals["status_bars"] = charts.status_bars
    env.globals["progress_histogram"] = charts.progress_histogram
    return env


def partnership_html(partner_code: str, meeting_date: date) -> str:
    """The finished report as one HTML document. Needs an app context (it reads the database)."""
    report = build_report(partner_code, meeting_date)
    return _environment().get_template("partnership.html").render(
        report=report, stylesheet=STYLESHEET.read_text(encoding="utf-8")
    )


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html).write_pdf()


def partnership_pdf(partner_code: str, meeting_date: date) -> bytes:
    """The partnership-meeting report as PDF bytes; raises UnknownPartner for an unknown code."""
    return html_to_pdf(partnership_html(partner_code, meeting_date))
