"""Help: the tracker's own account of its rules, docs/rules.md, as a page."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import markdown
from flask import Blueprint, render_template
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .access import ANYONE, access

bp = Blueprint("help", __name__, url_prefix="/help")

RULES = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
CLASSES = {"h1": "govuk-heading-l", "h2": "govuk-heading-m", "h3": "govuk-heading-s", "p": "govuk-body",
           "ul": "govuk-list govuk-list--bullet", "table": "govuk-table", "thead": "govuk-table__head",
           "tbody": "govuk-table__body", "tr": "govuk-table__row", "th": "govuk-table__header",
           "td": "govuk-table__cell"}


class _GovukClasses(Treeprocessor):
    def run(self, root):
        for element in root.iter():
            if element.tag in CLASSES:
                element.set("class", CLASSES[element.tag])
        for table in root.iter("table"):
            _stack_on_phones(table)


def _stack_on_phones(table) -> None:
    """A table's rows stack as cards on a phone, each cell labelled by its column's heading."""
    table.set("class", "govuk-table app-table--cards")
    headings = ["".join(th.itertext()).strip() for th in table.iter("th")]
    for row in table.iter("tr"):
        for heading, cell in zip(headings, row.findall("td")):
            if heading:
                cell.set("data-label", heading)


class _Govuk(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_GovukClasses(md), "govuk", 0)


@lru_cache(maxsize=1)
def rules_html() -> tuple[str, Markup]:
    """(title, body) of docs/rules.md: the first heading is the page's title."""
    text = RULES.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title.lstrip("# ").strip(), Markup(markdown.markdown(body, extensions=["tables", _Govuk()]))


@bp.get("/rules")
@access(ANYONE)
def rules():
    title, body = rules_html()
    return render_template("help/rules.html", title=title, body=body)
