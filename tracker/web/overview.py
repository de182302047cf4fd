"""EDT's overview of every delivery partner: outputs met, escalation and expected payments, and the
declarations the tracker expects against those DfE holds (tracker/declarations/money.py).

The figures come from tracker/engagement/overview.py (the rules, called once per group of
participants who share the same facts).
"""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from ..clock import today
from ..engagement.book import Book
from ..engagement.overview import combined
from ..engagement.pages import overview, overview_money
from ..rules.declaration_states import ELIGIBLE, PAID, PAYABLE, SUBMITTED
from ..rules.status import BLOCKED, MET, MET_LATE, NOT_MET, PENDING
from ..words import DECLARATION_STATE_LABELS
from .access import EDT, access

bp = Blueprint("overview", __name__, url_prefix="/overview")

COHORTS = (1, 2, 3, 4)
SHOWN_DIFFERENCES = 100  # per partner: the declarations page lists them all
DFE_STATES = (SUBMITTED, ELIGIBLE, PAYABLE, PAID)
SHOWN_STATUSES = ((MET, "Met"), (MET_LATE, "Met late"), (BLOCKED, "Blocked"), (PENDING, "Pending"),
                  (NOT_MET, "Not met"))


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
    links = {
        p.code: {
            "dashboard": url_for("dashboard.index", partner=p.code),
            "participants": url_for("participants.index", partner=p.code),
        }
        for p in partners
    }
    courses = sorted((f.course for f in book.courses.values()), key=lambda c: c.code)
    return render_template(
        "overview/index.html", title="All delivery partners", partners=partners, total=combined(partners), numbers=numbers,
        statuses=SHOWN_STATUSES, as_of=today(), cohort=cohort, course=course, cohorts=COHORTS, courses=courses,
        links=links, priced=[c for c in courses if c.price_per_teacher is not None],
        price_link=url_for("reference.index"), dfe_money=money, shown_differences=SHOWN_DIFFERENCES,
        dfe_states=DFE_STATES, state_labels=DECLARATION_STATE_LABELS,
    )
