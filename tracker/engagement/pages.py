"""The results behind the pages that read many participants, cached by the data version (version.py).

The views ask here, and so does the job that builds EDT's pages after an import (the job kind
"build-pages", tracker/jobs/kinds.py), so a page and the job compute the same result under the
same name and key, and the first person after an import reads what the job kept.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from .book import Book
from .standing import Standing, participants_query, standings
from .version import cached


def everyone(as_of: date, book: Book) -> list[Standing]:
    """Every participant's standing: EDT's participant list."""
    return cached("standings", (as_of,), lambda: standings(as_of, None, book))


def partners_own(as_of: date, partner_id: int, book: Book) -> list[Standing]:
    """One partner's participants' standings: the partner's own participant list."""
    from ..models import Participant

    return cached("partner-standings", (as_of, partner_id),
                  lambda: standings(as_of, participants_query().where(Participant.partner_id == partner_id), book))


def dashboard_view(as_of: date, partner_id: int | None, book: Book | None = None):
    """One partner's dashboard (partner_id), or every partner's (None); the course book read only if needed."""
    from ..models import Participant
    from .summary import dashboard

    query = participants_query()
    if partner_id is not None:
        query = query.where(Participant.partner_id == partner_id)
    return cached("dashboard", (as_of, partner_id), lambda: dashboard(as_of, query, partner_id, book or Book()))


def overview(as_of: date, cohort: int | None, course: str | None, book: Book):
    from .overview import partner_overview

    return cached("overview", (as_of, cohort, course), lambda: partner_overview(as_of, cohort, course, book))


def overview_money(as_of: date, cohort: int | None, course: str | None, book: Book):
    from ..declarations.money import comparison

    return cached("overview-dfe", (as_of, cohort, course), lambda: comparison(as_of, cohort, course, book))


def declarations(as_of: date, partner: str | None, cohort: int | None, output: int | None):
    from ..declarations.listing import listing

    return cached("declarations", (as_of, partner, cohort, output),
                  lambda: listing(as_of, as_of, partner=partner, cohort=cohort, output=output))


def build(as_of: date, progress=None) -> int:
    """EDT's pages as first opened (no filters), and every partner's dashboard and list, computed and kept for every
    worker unless already kept at this data version; returns how many were built or found."""
    from ..models import DeliveryPartner

    book = Book()
    partners = db.session.scalars(select(DeliveryPartner.id).order_by(DeliveryPartner.code)).all()
    steps = [lambda: overview(as_of, None, None, book), lambda: overview_money(as_of, None, None, book),
             lambda: everyone(as_of, book), lambda: dashboard_view(as_of, None, book),
             lambda: declarations(as_of, None, None, None)]
    steps += [lambda partner=partner: dashboard_view(as_of, partner, book) for partner in partners]
    steps += [lambda partner=partner: partners_own(as_of, partner, book) for partner in partners]
    for done, step in enumerate(steps):
        if progress is not None:
            progress(done, len(steps))
        step()
    if progress is not None:
        progress(len(steps), len(steps))
    return len(steps)


def build_soon(as_of: date, actor: str, why: str) -> None:
    """After a committed import: a job builds the pages for every worker (the job kind "build-pages")."""
    from ..jobs.kinds import BUILD_PAGES
    from ..jobs.work import start

    start(BUILD_PAGES, {"today": as_of.isoformat(), "why": why}, actor=actor, partner_id=None)
