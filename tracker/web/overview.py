"""EDT's overview of every delivery partner: outputs met, escalation and expected payments, and the
declarations the tracker expects against those DfE holds (tracker/declarations/money.py).

The figures come from tracker/engagement/overview.py (the rules, called once per group of
participants who share the same facts).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for

from ..clock import today
from ..engagement.book import Book
from ..engagement.overview import combined
from ..engagement.pages import overview, overview_money
from ..rules.declaration_states import ELIGIBLE, PAID, PAYABLE, SUBMITTED
from ..rules.status import BLOCKED, MET, MET_LATE, NOT_MET, PENDING
from ..words import DECLARATION_STATE_LABELS, OVERVIEW_SORT_LABELS
from .access import EDT, access
from .paging import Page

bp = Blueprint("overview", __name__, url_prefix="/overview")

COHORTS = (1, 2, 3, 4)
SHOWN_DIFFERENCES = 100  # per partner: the declarations page lists them all
DFE_STATES = (SUBMITTED, ELIGIBLE, PAYABLE, PAID)
SHOWN_STATUSES = ((MET, "Met"), (MET_LATE, "Met late"), (BLOCKED, "Blocked"), (PENDING, "Pending"),
                  (NOT_MET, "Not met"))
PER_PAGE = 50  # partners on a page: one row each

# Each sortable column's key: a tuple that sorts ascending; ties fall back to the risk order.
SORT_KEYS = {
    "risk": lambda p: p.risk.key,
    "partner": lambda p: p.code,
    "participants": lambda p: p.participants,
    "escalated": lambda p: (p.escalated, p.risk.key),
    "window": lambda p: (p.in_window, p.risk.key),
    "extended": lambda p: (p.extended, p.risk.key),
    "not-met": lambda p: (p.not_met_share if p.not_met_share is not None else -1, p.risk.key),
    "expected": lambda p: (p.expected, p.unpriced),
}
ASCENDING_FIRST = {"partner"}  # other columns show the most first


@dataclass(frozen=True)
class OverviewSorting:
    column: str = "risk"
    descending: bool = True

    @classmethod
    def from_args(cls, args) -> "OverviewSorting":
        column = (args.get("sort") or "").strip()
        if column not in SORT_KEYS:
            return cls()
        order = (args.get("order") or "").strip()
        return cls(column, order != "asc" if order in ("asc", "desc") else column not in ASCENDING_FIRST)

    def apply(self, partners: list) -> list:
        by_risk = sorted(partners, key=lambda p: p.code)  # the last tie-break: the code, A to Z
        by_risk = sorted(by_risk, key=SORT_KEYS["risk"], reverse=True)
        if self.column == "risk":
            return by_risk if self.descending else by_risk[::-1]
        return sorted(by_risk, key=SORT_KEYS[self.column], reverse=self.descending)

    def toggled(self, column: str) -> "OverviewSorting":
        if column == self.column:
            return OverviewSorting(column, not self.descending)
        return OverviewSorting(column, column not in ASCENDING_FIRST)

    def query_args(self) -> dict[str, str]:
        if self == OverviewSorting():
            return {}
        return {"sort": self.column, "order": "desc" if self.descending else "asc"}

    def aria(self, column: str) -> str | None:
        if column != self.column:
            return None
        return "descending" if self.descending else "ascending"


@bp.get("")
@access(EDT)
def index():
    book = Book()
    cohort = request.args.get("cohort", "")
    cohort = int(cohort) if cohort.isdigit() and int(cohort) in COHORTS else None
    course = request.args.get("course", "")
    course = course if course in book.by_code else None
    partners = overview(today(), cohort, course, book)
    money = overview_money(today(), cohort, course, book)
    numbers = sorted({n for p in partners for n in p.outputs})
    sorting = OverviewSorting.from_args(request.args)
    ranks = {p.code: n for n, p in enumerate(OverviewSorting().apply(partners), 1)}
    page = Page.of(sorting.apply(partners), per_page=PER_PAGE)
    filters = {k: v for k, v in (("cohort", cohort), ("course", course)) if v}
    links = {
        p.code: {
            "dashboard": url_for("dashboard.index", partner=p.code),
            "participants": url_for("participants.index", partner=p.code),
        }
        for p in page.items
    }
    courses = sorted((f.course for f in book.courses.values()), key=lambda c: c.code)
    return render_template(
        "overview/index.html", title="All delivery partners", partners=partners, total=combined(partners), numbers=numbers,
        page=page, ranks=ranks, sorting=sorting, sort_labels=OVERVIEW_SORT_LABELS,
        sort_url=lambda column: url_for("overview.index", **filters, **sorting.toggled(column).query_args()),
        sorted_args=sorting.query_args(),
        statuses=SHOWN_STATUSES, as_of=today(), cohort=cohort, course=course, cohorts=COHORTS, courses=courses,
        links=links, priced=[c for c in courses if c.price_per_teacher is not None],
        price_link=url_for("reference.index"), dfe_money=money, shown_differences=SHOWN_DIFFERENCES,
        dfe_states=DFE_STATES, state_labels=DECLARATION_STATE_LABELS,
    )
