"""Partners' reports as they come, read, matched and previewed: a Teams attendance report of 300
attendees and a Moodle activity completion report of 2,000 learners by 150 activities.

The reports are written here byte by byte as FORMATS.md describes them (Teams: UTF-16LE with a BOM,
TABs, three sections; Moodle: the CSV download, every cell quoted), naming participants of the
benchmark's dataset by their email, with a few guests who match nobody. Each is measured along the
path the command line's `import ... --dry-run` and the browser's preview take: recognise the
report, read it, match its people and propose the register or the credits, check them through the
kind's importer without writing (imports/from_report.py), and describe what they would change
(imports/changes.py), and the outputs it would newly meet, as the browser's review shows them.
Median of REPEATS, each with a fresh Book as a request makes.

Call inside an app context on a database holding the dataset's participants:

    measure()  ->  {"teams": {...}, "moodle": {...}}

`python -m bench.reports [--only sqlite|postgresql] [--participants N]` runs this measure alone:
a dataset of N participants (default 30,000, enough for a group of 2,000), its participants
imported into a fresh database, then both reports, on each database.
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

TEAMS_ATTENDEES = 300
MOODLE_LEARNERS = 2_000
MOODLE_ACTIVITIES = 150
GUESTS = 5  # in each report, people who match nobody (a facilitator, guests)
REPORT_SECONDS = 2.0  # each report read, matched and previewed
REPEATS = 3
TODAY = date(2026, 11, 24)  # bench.imports' today


def _group(size: int) -> tuple[str, int, list[tuple[str, str]]]:
    """The course and cohort with the most active participants (not EHCO, which has no content),
    and up to `size` of them as (participant_id, email)."""
    from tracker.extensions import db
    from tracker.models import Course, Participant

    code, cohort, _ = db.session.execute(
        select(Course.code, Participant.cohort, func.count())
        .join(Course, Participant.course_id == Course.id)
        .where(Participant.status == "active", Course.code != "EHCO")
        .group_by(Course.code, Participant.cohort).order_by(func.count().desc(), Course.code).limit(1)).one()
    people = db.session.execute(
        select(Participant.participant_id, Participant.email).join(Course, Participant.course_id == Course.id)
        .where(Course.code == code, Participant.cohort == cohort, Participant.status == "active")
        .order_by(Participant.participant_id).limit(size)).all()
    return code, cohort, [tuple(person) for person in people]


def _session_day(cohort: int) -> date:
    from tracker.extensions import db
    from tracker.models import Cohort

    start = db.session.scalar(select(Cohort.start_date).where(Cohort.number == cohort))
    return min(start + timedelta(days=75), TODAY - timedelta(days=1))


def _us(moment: datetime) -> str:
    """Teams' US-English time: 1/15/25, 7:29:57 PM."""
    hour = moment.hour % 12 or 12
    return (f"{moment.month}/{moment.day}/{moment.year % 100:02d}, {hour}:{moment.minute:02d}:{moment.second:02d} "
            f"{'AM' if moment.hour < 12 else 'PM'}")


def _span(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return " ".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")) if n) or "0s"


def teams_report(title: str, day: date, people: list[tuple[str, str]]) -> bytes:
    """A Teams attendance report (current layout) of a two-hour meeting: each person joins once, most
    stay, some leave early; a few drop and rejoin; the organiser and GUESTS guests match nobody."""
    start = datetime(day.year, day.month, day.day, 16, 0, 0)
    end = start + timedelta(hours=2)
    rows, activities = [], []
    people = [("Facil Itator", "facilitator@partner.example", "Organizer", 0, 7200)] + [
        (f"Guest {n}", f"guest{n}@elsewhere.example", "Attendee", 60 * n, 3600) for n in range(1, GUESTS + 1)] + [
        (f"Person {ref}", email, "Attendee", 30 * (i % 20), 7200 - 30 * (i % 20) - (3000 if i % 7 == 0 else 0))
        for i, (ref, email) in enumerate(people)]
    for i, (name, email, role, late, stay) in enumerate(people):
        joined, left = start + timedelta(seconds=late), start + timedelta(seconds=late + stay)
        rows.append([name, _us(joined), _us(left), _span(stay), email, email, role])
        if i % 10 == 3:  # dropped out for five minutes
            gap = joined + timedelta(seconds=stay // 2)
            activities += [[name, _us(joined), _us(gap), _span(stay // 2), email, role],
                           [name, "", _us(gap + timedelta(minutes=5)), "", email, role],
                           [name, _us(gap + timedelta(minutes=5)), _us(left), _span(stay // 2 - 300), email, role]]
        else:
            activities.append([name, _us(joined), _us(left), _span(stay), email, role])
    summary = [("Meeting title", title), ("Attended participants", str(len(rows))), ("Start time", _us(start)),
               ("End time", _us(end)), ("Meeting duration", "2h"), ("Average attendance time", "1h 45m")]
    width = 7

    def line(cells) -> str:
        cells = [f'"{c}"' if "," in c else c for c in cells]
        return "\t".join(cells + [""] * (width - len(cells)))

    lines = [line(["1. Summary"]), *(line(list(pair)) for pair in summary), "\t" * (width - 1),
             line(["2. Participants"]),
             line(["Name", "First Join", "Last Leave", "In-Meeting Duration", "Email", "Participant ID (UPN)", "Role"]),
             *(line(row) for row in rows), "\t" * (width - 1), line(["3. In-Meeting Activities"]),
             line(["Name", "Join Time", "Leave Time", "Duration", "Email", "Role"]), *(line(row) for row in activities)]
    return b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le")


def moodle_completion(activities: list[tuple[str, bool]], day: date, people: list[tuple[str, str]]) -> bytes:
    """Moodle's activity completion report, the CSV download: a header starting with a comma, every cell
    quoted, a state and a date per activity. activities: (title, may be completed): an activity whose
    credits are still TBC is never completed here, as its credits could not be given."""
    def quote(value: str) -> str:
        return '"' + value.replace('"', "'") + '"'

    text = "," + quote("Email address") + "".join("," + quote(title) + "," + quote("") for title, _ in activities)
    lines = [text]
    learners = people + [(f"Guest {n}", f"guest{n}@elsewhere.example") for n in range(1, GUESTS + 1)]
    for i, (ref, email) in enumerate(learners):
        cells = []
        for j, (_, completable) in enumerate(activities):
            done = completable and (i + j) % 3 != 0
            when = datetime(day.year, day.month, day.day, 9, 0) + timedelta(days=j % 40, minutes=i % 600)
            when = min(when, datetime(TODAY.year, TODAY.month, TODAY.day) - timedelta(days=1))
            cells.append(("Completed" if done else "Not completed", f"{when:%Y-%m-%d %H:%M:%S}" if done else ""))
        lines.append(quote(f"Learner {ref}") + "," + quote(email)
                     + "".join("," + quote(state) + "," + quote(when) for state, when in cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _course_activities(code: str) -> list[tuple[str, bool]]:
    """The course's activities in timetable order, up to MOODLE_ACTIVITIES, then as many more of
    the platform's own (a forum, a page) as make MOODLE_ACTIVITIES columns: those match nothing and
    are listed."""
    from tracker.engagement.book import Book

    facts = Book().by_code[code]
    ordered = sorted((block, a.position, a.id, a.title, a.credits is not None)
                     for (block, _), a in facts.activities.items())
    titles = [(title, completable) for *_, title, completable in ordered][:MOODLE_ACTIVITIES]
    return titles + [(f"Platform page {n}", False) for n in range(1, MOODLE_ACTIVITIES - len(titles) + 1)]


def _first_event(code: str) -> tuple[str, int]:
    """The title and block of the course's first training event."""
    from tracker.engagement.book import Book
    from tracker.rules.facts import TRAINING_EVENT

    facts = Book().by_code[code]
    events = sorted((block, activity.position, activity.title) for (block, _), activity in facts.activities.items()
                    if activity.component == TRAINING_EVENT)
    return events[0][2], events[0][0]


def _timed(work) -> tuple[float, float, object]:
    """(median wall seconds, its CPU seconds, the last result) of REPEATS runs."""
    runs = []
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu, result))
    runs.sort(key=lambda run: run[0])
    return runs[len(runs) // 2]


def _preview(kind: str, data: bytes, filename: str, **options):
    """What the command line's --dry-run and the browser's preview do with a report: recognise it,
    read it, match and propose, check through the kind's importer, describe the changes."""
    from tracker.engagement.book import Book
    from tracker.extensions import db
    from tracker.imports.base import Context
    from tracker.imports.changes import described
    from tracker.imports.from_report import import_completions, import_register, report_format

    context = Context(today=TODAY, book=Book(), user="bench")
    found = report_format(data, kind)
    run = import_register if kind == "attendance" else import_completions
    imported = run(data, filename, found, context, dry_run=True, forecast=True, **options)
    imported.result.described = described(imported.result.changes)
    db.session.rollback()
    return imported


def measure() -> dict:
    from tracker.imports.proposals.register import Options

    figures = {}
    code, cohort, people = _group(max(TEAMS_ATTENDEES, MOODLE_LEARNERS))
    day = _session_day(cohort)
    event, block = _first_event(code)
    attendees = people[:TEAMS_ATTENDEES]
    data = teams_report(f"{event} {day:%d %B}", day, attendees)
    seconds, cpu, imported = _timed(lambda: _preview(
        "attendance", data, "teams.csv", event=event, block=block, options=Options(groups=((code, cohort),))))
    result = imported.result
    figures["teams"] = {"attendees": len(attendees), "rows": len(attendees) + 1 + GUESTS, "bytes": len(data),
                        "course": code, "cohort": cohort, "marks": result.read, "errors": list(result.errors),
                        "unmatched": len(imported.proposed.unmatched), "seconds": seconds, "cpu_seconds": cpu,
                        "target_seconds": REPORT_SECONDS}
    learners = people[:MOODLE_LEARNERS]
    activities = _course_activities(code)
    data = moodle_completion(activities, day, learners)
    seconds, cpu, imported = _timed(lambda: _preview("credits", data, "completion.csv", course=code, cohort=cohort))
    result = imported.result
    figures["moodle"] = {"learners": len(learners), "activities": len(activities), "bytes": len(data),
                         "course": code, "cohort": cohort, "credits": result.read, "errors": list(result.errors),
                         "seconds": seconds, "cpu_seconds": cpu, "target_seconds": REPORT_SECONDS}
    return figures


def describe(figures: dict) -> list[str]:
    t, m = figures["teams"], figures["moodle"]
    return [f"Teams report of {t['attendees']:,} attendees of {t['course']} cohort {t['cohort']} "
            f"({t['bytes'] / 1e3:.0f} kB, {t['unmatched']} not matched) read, matched and previewed: "
            f"{t['seconds']:.2f} s (CPU {t['cpu_seconds']:.2f} s), {t['marks']:,} marks; target {t['target_seconds']:g} s",
            f"Moodle completion report of {m['learners']:,} learners by {m['activities']} activities "
            f"({m['bytes'] / 1e6:.1f} MB) read, matched and previewed: {m['seconds']:.2f} s "
            f"(CPU {m['cpu_seconds']:.2f} s), {m['credits']:,} credits; target {m['target_seconds']:g} s"]


def main(argv: list[str] | None = None) -> int:
    from .run import _load, alone_arguments, alone_dataset, with_participants

    args = alone_arguments("python -m bench.reports", __doc__, 30_000, argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="npq-bench-reports-") as folder:
        work = Path(folder)
        files = alone_dataset(work, args.participants, args.seed)
        print(f"{args.participants:,} participants; {_load()}")
        for name, _, app in with_participants(work, files, args.only):
            with app.app_context():
                figures = measure()
            for line in describe(figures):
                print(f"{name}: {line}; {_load()}")
            for report in figures.values():
                if report["errors"]:
                    print("\n".join(report["errors"]))
                failed |= bool(report["errors"]) or report["seconds"] > report["target_seconds"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
