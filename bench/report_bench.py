"""How long the partnership-meeting report takes, and how much of that is WeasyPrint's rendering.

Call inside an app context:

    measure("BENCH", date(2024, 2, 10))  ->  {"report_seconds", "render_only_seconds", "ratio", ...}

report_seconds is the median of partnership_pdf() (queries, rules, template and rendering);
render_only_seconds the median of WeasyPrint rendering the finished HTML alone. A ratio near 1
means the report's own data work is small beside the rendering.

synthetic_partner() makes a partner of many participants through the real importers, for a
benchmark database that has none.
"""
from __future__ import annotations

import csv
import io
import random
import statistics
import time
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tracker.engagement.book import Book
from tracker.extensions import db
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context
from tracker.models import Cohort, ContactAttempt, Extension, Participant
from tracker.reports.pdf import html_to_pdf, partnership_html, partnership_pdf

try:
    from pypdf import PdfReader
except ImportError:  # a test dependency; the page count is a nicety
    PdfReader = None


def _median_seconds(run, repeats: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of `repeats` runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def measure(partner_code: str, meeting_date: date, repeats: int = 3) -> dict:
    html = partnership_html(partner_code, meeting_date)
    pdf = partnership_pdf(partner_code, meeting_date)  # warm caches and fonts before timing
    report, report_cpu = _median_seconds(lambda: partnership_pdf(partner_code, meeting_date), repeats)
    render, render_cpu = _median_seconds(lambda: html_to_pdf(html), repeats)
    participants = db.session.scalar(
        select(db.func.count(Participant.id)).where(Participant.partner.has(code=partner_code.upper()))
    )
    return {
        "partner": partner_code.upper(),
        "meeting_date": meeting_date.isoformat(),
        "participants": participants,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages) if PdfReader else None,
        "pdf_bytes": len(pdf),
        "report_seconds": round(report, 3),
        "render_only_seconds": round(render, 3),
        "ratio": round(report / render, 3) if render else None,
        # CPU time is steadier than wall time on a shared machine.
        "report_cpu_seconds": round(report_cpu, 3),
        "render_only_cpu_seconds": round(render_cpu, 3),
    }


def _csv(header: list[str], rows: list[list[object]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def _import(kind: str, header: list[str], rows: list[list[object]], today: date) -> None:
    result = run_import(importer_for(kind, Context(today, Book(), user="bench")), _csv(header, rows), f"{kind}.csv")
    if not result.ok:
        db.session.rollback()
        raise ValueError(f"{kind}: " + "; ".join(result.error_lines(5)))
    db.session.commit()


def synthetic_partner(code: str = "BENCH", participants: int = 500, meeting_date: date = date(2024, 2, 10),
                      seed: int = 7) -> str:
    """A partner with `participants` participants across courses and cohorts, with credits,
    registers and a few logged interventions, dated up to the meeting date. Re-running it changes nothing."""
    rng = random.Random(seed)
    book = Book()
    starts = {c.number: c.start_date for c in db.session.scalars(select(Cohort))}
    courses = [f for f in book.courses.values() if f.course.course_group != "coaching" and f.blocks]
    people, credits, registers = [], [], []
    for index in range(participants):
        facts = courses[index % len(courses)]
        cohort = rng.choice([c for c in facts.course.cohort_numbers if starts[c] < meeting_date])
        ref = f"{code}{index:04d}"
        status = "deferred" if index % 37 == 5 else "withdrawn" if index % 41 == 7 else "active"
        signed = "no" if index % 23 == 3 else "yes"
        people.append([ref, f"Participant {index:04d}", f"{ref.lower()}@example.org", code, facts.course.code,
                       cohort, signed, "yes", status])
        span = max((meeting_date - starts[cohort]).days, 1)
        engagement = rng.random()  # share of the activities done so far
        activities = sorted(facts.activities.items())
        done = int(len(activities) * engagement * min(1.0, span / 500))
        for position, ((block, _), activity) in enumerate(activities[:done]):
            if activity.credits is None:
                continue
            on = starts[cohort] + timedelta(days=int(span * (position + 1) / (len(activities) + 1)))
            if activity.component == "training-event":
                registers.append([ref, block, activity.title, on.isoformat(),
                                  "absent" if rng.random() < 0.15 else "attended", "Facilitator"])
            else:
                credits.append([ref, block, activity.title, "", on.isoformat(), "platform"])
    _import("participants", ["participant_id", "full_name", "email", "delivery_partner", "course", "cohort",
                             "school_contract_signed", "sponsorship_agreement_signed", "status"], people, meeting_date)
    _import("credits", ["participant_id", "block", "activity", "credits", "completed_on", "source"], credits,
            meeting_date)
    _import("attendance", ["participant_id", "block", "event", "session_date", "attendance", "marked_by"], registers,
            meeting_date)
    _log_interventions(code, meeting_date, rng)
    return code


def _log_interventions(code: str, meeting_date: date, rng: random.Random) -> None:
    pks = db.session.scalars(
        select(Participant.id).where(Participant.partner.has(code=code)).order_by(Participant.participant_id)
    ).all()
    logged = set(db.session.scalars(select(ContactAttempt.participant_id).where(ContactAttempt.participant_id.in_(pks))))
    at = datetime.combine(meeting_date, datetime.min.time())
    for pk in pks[::4]:
        if pk in logged:
            continue
        db.session.add(ContactAttempt(participant_id=pk, contacted_on=meeting_date - timedelta(days=rng.randint(1, 30)),
                                      method=rng.choice(("email", "phone")), outcome="no-response",
                                      note="Chased about the next block", recorded_by="facilitator@bench.example",
                                      recorded_at=at))
        if rng.random() < 0.3:
            db.session.add(Extension(participant_id=pk, output=2, deadline=meeting_date + timedelta(days=14),
                                     note="Agreed a new deadline", agreed_by="lead@bench.example", agreed_at=at))
    db.session.commit()
