"""The benchmark run: the synthetic dataset, and the same measures on SQLite and on PostgreSQL.

1. the dataset (bench.dataset) written once as CSV files, in two stages;
2. for each database (a fresh SQLite file; a PostgreSQL cluster bench.postgres starts, or a
   fresh database on a given server): migrations and reference data, then
   a. the first stage (a fifth of the participants, DP002 whole) imported, DP002's dashboard timed;
   b. the national stage imported; its first credits file (1,000,000 rows at scale 1) is the
      measured import: wall time, peak memory; its first 200,000 rows (at scale 1), saved as
      Excel saves a workbook, are read and checked as an upload is (bench.xlsx);
   c. recompute() of met_on for every participant, against one plain SQL query per evidence
      table reading the same rows;
   d. the engagement export (standings + engagement_rows + csv_text) for every participant, and
      `flask next-steps` for every participant (in this process, through Flask's CLI runner);
   e. the pages (bench.pages): a partner lead's dashboard and filtered list (DP001 and DP002,
      server time and SQL queries), EDT's overview, /declarations and participant list, and
      DP002's dashboard again, now at national size;
   f. an upload of new credit rows through /uploads (a job, as a large file is), its preview
      (with the dry-run recompute) and its confirmation timed, and each click to its job's page;
   g. the partnership-meeting report for DP002 beside WeasyPrint rendering its HTML alone;
   h. the job runner under load (bench.jobs): `make serve` and `make worker` on the database,
      16 report jobs at once, /health and DP002's dashboard while they run, a click to a job's page;
   i. partners' reports as they come (bench.reports): a Teams report of 300 attendees and a Moodle
      completion report of 2,000 learners by 150 activities, each read, matched and previewed;
3. one table of both databases (bench.table).

Each import runs in a child process of its own (bench.imports). At a scale below 1 the import,
recompute, export and upload time targets shrink in proportion (the memory target, the ratios
and the page and report targets do not: a page's time is mostly per request), so a smoke run
is only indicative.
"""
from __future__ import annotations

import contextlib
import csv
import gc
import io
import os
import platform
import secrets
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from . import dataset
from .imports import ImportStats, import_file, import_in_child
from .xlsx import XLSX_ROWS, describe, measure_xlsx_check, write_credits_xlsx
from .pages import PAGES_AS_OF, REPORT_REPEATS, dashboard_timing, measure_pages, measure_report, measure_upload

IMPORT_SECONDS = 60.0  # for CREDITS_PER_FILE rows
IMPORT_MB = 500.0
RECOMPUTE_RATIO = 2.5
EXPORT_SECONDS = 5.0
EXPORT_AS_OF = date(2025, 3, 1)
NEXT_STEPS_SECONDS = 10.0  # flask next-steps for every participant
PAGE_MS = 300.0  # median and 95th percentile of a partner's dashboard and participant list
OVERVIEW_MS = 1000.0  # each of EDT's cross-partner pages: overview, /declarations, participant list
REPORT_SECONDS = 5.0
UPLOAD_SECONDS = 5.0  # confirming an upload of UPLOAD_ROWS new rows
PREVIEW_SECONDS = 5.0  # uploading UPLOAD_ROWS new rows to their preview, with its dry-run recompute
SCALING_RATIO = 1.2  # DP002's dashboard at national size against a fifth of it
REPORT_RATIO = 1.3  # the report against WeasyPrint rendering its finished HTML alone
JOB_REPORTS = 16  # partnership-report jobs asked for at once (bench.jobs, with its targets)

PLAIN_READS = (
    "SELECT participant_id, activity_id, credits, completed_on FROM credit_record",
    "SELECT participant_id, activity_id, session_date, mark FROM register_entry",
    "SELECT participant_id, block_id, percent, viewed_on FROM video_view",
    "SELECT participant_id, status, result, recorded_on FROM assessment_record",
)


class BenchmarkFailed(RuntimeError):
    pass


def _fresh_app(url: str):
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.extensions import db
    from tracker.reference.loader import load_reference

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
            upgrade()
        load_reference()
        db.session.commit()
    return app


class Clock:
    """Wall and CPU time since it was made (CPU: this process, user + system)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def _plain_read() -> tuple[float, float, int]:
    from sqlalchemy import text

    from tracker.extensions import db

    clock = Clock()
    count = 0
    with db.engine.connect() as connection:
        for query in PLAIN_READS:
            count += len(connection.execute(text(query)).fetchall())
    return *clock.read(), count


def _load() -> str:
    try:
        return "load average " + " ".join(f"{n:.1f}" for n in os.getloadavg())
    except OSError:
        return "load average unknown"


def _profiled(path: Path | None):
    if path is None:
        return contextlib.nullcontext()
    import cProfile

    @contextlib.contextmanager
    def run():
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            yield
        finally:
            profiler.disable()
            profiler.dump_stats(path)

    return run()


DATABASES = ("sqlite", "postgresql")


def alone_arguments(prog: str, doc: str, participants: int, argv: list[str] | None):
    """The options of a measure run alone (`python -m bench.xlsx`, `python -m bench.reports`)."""
    import argparse

    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=participants)
    parser.add_argument("--only", choices=DATABASES)
    parser.add_argument("--seed", type=int, default=2025)
    return parser.parse_args(argv)


def alone_dataset(work: Path, participants: int, seed: int) -> dataset.DatasetFiles:
    app = _fresh_app("sqlite:///" + str(work / "reference.db"))
    with app.app_context():
        from tracker.engagement.book import Book

        return dataset.generate(work / "data", Book(), participants, seed, dataset.CREDITS_PER_FILE)


def with_participants(work: Path, files: dataset.DatasetFiles, only: str | None):
    """For a measure run alone: each database (or `only` one), fresh, holding the dataset's
    participants; yields (name, url, app) and stops its PostgreSQL after."""
    from . import postgres

    for name in (only,) if only else DATABASES:
        with contextlib.ExitStack() as stack:
            url = "sqlite:///" + str(work / "bench.db") if name == "sqlite" else stack.enter_context(postgres.started())
            app = _fresh_app(url)
            for stage in files.stages:
                import_in_child(url, "participants", stage.participants)
            yield name, url, app


def run(
    participants: int = dataset.FULL_PARTICIPANTS,
    *,
    seed: int = 2025,
    workdir: Path | None = None,
    databases: dict[str, str | None] | None = None,
    isolate: bool = True,
    profile: bool = False,
    reimport: bool = True,
    report_repeats: int = REPORT_REPEATS,
    job_reports: int = JOB_REPORTS,
    out: Callable[[str], None] = print,
) -> dict:
    """Run the benchmark and return its figures; `out` receives the report line by line.

    databases: name -> SQLAlchemy URL of an empty database; None for SQLite means a fresh file
    in the workdir, and None for PostgreSQL a cluster started for the run (bench.postgres).
    Default: both.
    """
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="npq-bench-") as folder:
            return run(participants, seed=seed, workdir=Path(folder), databases=databases, isolate=isolate,
                       profile=profile, reimport=reimport, report_repeats=report_repeats, job_reports=job_reports,
                       out=out)
    from tracker.engagement.book import Book

    from . import postgres
    from .table import print_table

    databases = dict.fromkeys(DATABASES) if databases is None else databases
    scale = participants / dataset.FULL_PARTICIPANTS
    per_file = max(1, round(dataset.CREDITS_PER_FILE * scale))
    figures: dict = {"participants": participants, "scale": scale, "seed": seed, "databases": {}}
    begun = time.perf_counter()
    out(f"NPQ engagement tracker benchmark: {participants:,} participants (scale {scale:g}), seed {seed}, "
        f"on {' and '.join(databases)}")
    out(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {_load()}")
    if scale != 1:
        out(f"(scale {scale:g}: import, recompute, export and upload time targets scaled by {scale:g}; the memory "
            "target, the ratios and the page and report targets are not)")

    started = time.perf_counter()
    app = _fresh_app("sqlite:///" + str(workdir / "reference.db"))
    with app.app_context():
        files = dataset.generate(workdir / "data", Book(), participants, seed, per_file)
    seconds = time.perf_counter() - started
    evidence = sum(n for kind, n in files.rows.items() if kind != "participants")
    xlsx = workdir / "credits.xlsx"
    xlsx_rows = write_credits_xlsx([files.measured_credits], xlsx, max(1, round(XLSX_ROWS * scale)))
    figures["dataset"] = dict(files.rows, evidence=evidence, seconds=seconds, upload_rows=files.upload_rows,
                              first_stage=files.stages[0].refs, xlsx_rows=xlsx_rows)
    out(f"dataset generated in {seconds:.1f} s: {files.rows['participants']:,} participants in "
        f"{sum(1 for n in files.partners.values() if n)} partners (DP001 {files.partners['DP001']:,}, "
        f"DP002 {files.partners['DP002']:,}); {evidence:,} evidence rows: "
        + ", ".join(f"{kind} {files.rows[kind]:,}" for kind in ("credits", "attendance", "video-views", "assessments"))
        + f" ({len(files.credits)} credits files of at most {per_file:,} rows); first stage "
        f"{files.stages[0].refs:,} participants; upload file {files.upload_rows:,} new credit rows")

    for name, url in databases.items():
        with contextlib.ExitStack() as stack:
            if url is None:
                url = ("sqlite:///" + str(workdir / "bench.db") if name == "sqlite"
                       else stack.enter_context(postgres.started()))
            version = sqlite3.sqlite_version if name == "sqlite" else postgres.server_version(url)
            out(f"\n=== {name} {version} ===")
            figures["databases"][name] = run_database(
                name, url, files, workdir, scale=scale, isolate=isolate, profile=profile, reimport=reimport,
                report_repeats=report_repeats, job_reports=job_reports, out=out, xlsx=xlsx)
            figures["databases"][name]["version"] = version
            figures["databases"][name]["dfe_send"] = _dfe_send(name, url, workdir, scale, out)
            figures["databases"][name]["dfe_read"] = _dfe_read(name, url, workdir, scale, out)

    figures["total_seconds"] = time.perf_counter() - begun
    figures["load"] = _load()
    print_table(figures, out)
    out(f"\nbenchmark took {figures['total_seconds']:.0f} s end to end")
    return figures


def _dfe_send(name: str, url: str, workdir: Path, scale: float, out: Callable[[str], None]) -> dict:
    """3,000 declarations (at scale 1) sent to a stand-in of DfE enforcing a scaled-down rate limit
    (bench.dfe_send), on a database of their own beside the national one."""
    from . import dfe_send

    count = max(dfe_send.LIMIT // 2, round(dfe_send.DECLARATIONS * min(scale, 1)))
    with _beside(name, url, workdir, "dfe_send") as own:
        return dfe_send.measure(own, count, out=out)


def _dfe_read(name: str, url: str, workdir: Path, scale: float, out: Callable[[str], None]) -> dict:
    """`dfe sync` of 50,000 participants and `declarations refresh` of 200,000 declarations (at scale 1)
    from a stand-in of DfE at a scaled-down rate limit (bench.dfe_read), on a database of their own."""
    from . import dfe_read

    with _beside(name, url, workdir, "dfe_read") as own:
        return dfe_read.measure(own, max(100, round(dfe_read.PARTICIPANTS * min(scale, 1))), out=out)


@contextlib.contextmanager
def _beside(name: str, url: str, workdir: Path, label: str):
    """A database of its own for one measure, beside the national one: a file, or a scratch database."""
    from . import postgres

    if name == "sqlite":
        yield "sqlite:///" + str(workdir / f"{label}.db")
        return
    with postgres.scratch_database(url, f"bench_{label}") as own:
        yield own


def run_database(name: str, url: str, files: dataset.DatasetFiles, workdir: Path, *, scale: float,
                 isolate: bool, profile: bool, reimport: bool, report_repeats: int = REPORT_REPEATS,
                 job_reports: int = JOB_REPORTS, out: Callable[[str], None] = print, xlsx: Path | None = None) -> dict:
    """Every measure on one empty database."""
    from tracker.engagement.book import Book
    from tracker.engagement.recompute import recompute
    from tracker.engagement.standing import participants_query, standings
    from tracker.exports.cells import csv_text
    from tracker.exports.engagement import HEADER, engagement_rows
    from tracker.extensions import db
    from tracker.models import DeliveryPartner

    participants = sum(files.partners.values())
    figures: dict = {"load_start": _load()}
    begun = time.perf_counter()
    app = _fresh_app(url)
    out(f"fresh database (migrations + reference data): {time.perf_counter() - begun:.1f} s; {_load()}")
    out(f"imports (real importers, {'each in a fresh child process' if isolate else 'in this process'}):")
    out(f"  {'kind':<13}{'file':<22}{'rows':>10}{'created':>10}{'seconds':>9}{'CPU s':>8}{'rows/s':>9}"
        f"{'peak MB':>9}{'base MB':>9}")
    imports: list[ImportStats] = []

    def do_import(kind: str, path: Path, label: str = "") -> ImportStats:
        prof = workdir / f"profile-{name}-import-{path.stem}{label.strip()}.prof" if profile else None
        stats = import_in_child(url, kind, path, prof) if isolate else import_file(url, kind, path, prof)
        if stats.errors:
            raise BenchmarkFailed(f"{name}: import of {path.name} refused:\n" + "\n".join(stats.errors))
        out(f"  {kind:<13}{path.name + label:<22}{stats.rows:>10,}{stats.created:>10,}{stats.seconds:>9.1f}"
            f"{stats.cpu_seconds:>8.1f}{stats.rows_per_second:>9,.0f}{stats.peak_mb:>9.0f}{stats.baseline_mb:>9.0f}")
        return stats

    first, national = files.stages
    for kind, path in first.imports():
        imports.append(do_import(kind, path))
    figures["dashboard_small"] = dashboard_timing(app)
    for kind, path in national.imports():
        imports.append(do_import(kind, path))
    figures["imports"] = [vars(s) for s in imports]
    measured = next(s for s in imports if s.file == files.measured_credits.name)
    figures["credits_import"] = {
        "rows": measured.rows, "seconds": measured.seconds, "cpu_seconds": measured.cpu_seconds,
        "rows_per_second": measured.rows_per_second, "peak_mb": measured.peak_mb, "baseline_mb": measured.baseline_mb,
        "target_seconds": IMPORT_SECONDS * measured.rows / dataset.CREDITS_PER_FILE,
    }
    if xlsx is not None:
        figures["xlsx_check"] = measure_xlsx_check(url, xlsx)
        out(f"  {describe(figures['xlsx_check'])}")
        if figures["xlsx_check"]["errors"]:
            raise BenchmarkFailed(f"{name}: check of {xlsx.name} refused:\n" + "\n".join(figures["xlsx_check"]["errors"]))

    with app.app_context():
        first_read = _plain_read()
        clock = Clock()
        with _profiled(workdir / f"profile-{name}-recompute.prof" if profile else None):
            recomputed = recompute(None, Book())
            db.session.commit()
        recompute_wall, recompute_cpu = clock.read()
        second_read = _plain_read()
        plain_wall, plain_cpu = min(first_read[0], second_read[0]), min(first_read[1], second_read[1])
        figures["recompute"] = {
            "participants": recomputed, "seconds": recompute_wall, "cpu_seconds": recompute_cpu,
            "plain_read_seconds": plain_wall, "plain_read_cpu_seconds": plain_cpu, "evidence_rows": first_read[2],
            "ratio": recompute_wall / plain_wall, "cpu_ratio": recompute_cpu / plain_cpu,
        }

        clock = Clock()
        with _profiled(workdir / f"profile-{name}-export.prof" if profile else None):
            text = csv_text(HEADER, engagement_rows(standings(EXPORT_AS_OF)))
        export_wall, export_cpu = clock.read()
        rows = list(csv.reader(io.StringIO(text)))[1:]
        statuses = Counter(row[7] for row in rows)
        escalations = Counter(row[10] for row in rows if row[4] == "1")
        clock = Clock()
        partner = participants_query().where(DeliveryPartner.code == "DP001")
        partner_text = csv_text(HEADER, engagement_rows(standings(EXPORT_AS_OF, partner)))
        partner_wall, _ = clock.read()
        figures["export"] = {
            "participants": participants, "rows": len(rows), "bytes": len(text.encode("utf-8")),
            "seconds": export_wall, "cpu_seconds": export_cpu, "statuses": dict(statuses),
            "escalations": dict(escalations), "dp001_rows": partner_text.count("\n") - 1, "dp001_seconds": partner_wall,
            "target_seconds": EXPORT_SECONDS * scale,
        }
        # the export rows (177,630 lists of strings at scale 1) would otherwise stay alive to the end of the run
        # and double the cost of every full garbage collection while the pages below are timed
        del text, rows, partner_text
        figures["next_steps"] = _next_steps(scale, workdir)
        db.session.remove()

    if reimport:
        again = do_import("credits", files.measured_credits, " again")
        figures["credits_reimport"] = {"rows": again.rows, "unchanged": again.unchanged, "seconds": again.seconds,
                                       "cpu_seconds": again.cpu_seconds, "peak_mb": again.peak_mb}

    gc.collect()  # start the timings with no garbage left from the stages before
    out(f"pages (Flask test client, signed in), an upload and the partnership report, as of {PAGES_AS_OF}...")
    started = time.perf_counter()
    with _profiled(workdir / f"profile-{name}-pages.prof" if profile else None):
        figures["pages"] = measure_pages(app)
        figures["dashboard_national"] = dashboard_timing(app)
    figures["upload"] = measure_upload(app, files.upload)
    figures["upload"]["target_seconds"] = UPLOAD_SECONDS * files.upload_rows / dataset.UPLOAD_ROWS
    figures["upload"]["preview_target_seconds"] = PREVIEW_SECONDS * files.upload_rows / dataset.UPLOAD_ROWS
    with _profiled(workdir / f"profile-{name}-report.prof" if profile else None):
        figures["report"] = measure_report(app, "DP002", report_repeats)
    out(f"  done in {time.perf_counter() - started:.0f} s")
    if figures["report"] is not None:
        out(f"{job_reports} report jobs against make serve and make worker...")
        started = time.perf_counter()
        from .jobs import measure_jobs

        figures["jobs"] = measure_jobs(app, url, workdir, name, job_reports, files.upload)
        out(f"  done in {time.perf_counter() - started:.0f} s")
    with app.app_context():
        from .reports import measure as measure_reports

        figures["reports"] = measure_reports()
        db.engine.dispose()

    figures["seconds"] = time.perf_counter() - begun
    figures["load_end"] = _load()
    _details(figures, out)
    return figures


def _next_steps(scale: float, workdir: Path) -> dict:
    """`flask next-steps --as-of EXPORT_AS_OF --output FILE` for every participant, run in this process."""
    from flask import current_app
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import Participant

    path = workdir / "next-steps.csv"
    clock = Clock()
    result = current_app.test_cli_runner().invoke(
        args=["next-steps", "--as-of", EXPORT_AS_OF.isoformat(), "--output", str(path)])
    wall, cpu = clock.read()
    if result.exit_code:
        raise BenchmarkFailed(f"flask next-steps: exit {result.exit_code}: {result.output}{result.exception or ''}")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in handle) - 1
    return {"participants": db.session.scalar(select(func.count(Participant.id))), "rows": rows, "seconds": wall,
            "cpu_seconds": cpu, "target_seconds": NEXT_STEPS_SECONDS * scale}


def _details(figures: dict, out: Callable[[str], None]) -> None:
    from .jobs import print_jobs

    r, e = figures["recompute"], figures["export"]
    out(f"  recompute {r['seconds']:.1f} s (CPU {r['cpu_seconds']:.1f} s) of {r['participants']:,} participants; "
        f"plain read of the same {r['evidence_rows']:,} evidence rows {r['plain_read_seconds']:.2f} s "
        f"(CPU {r['plain_read_cpu_seconds']:.2f} s): {r['ratio']:.2f}x (CPU {r['cpu_ratio']:.2f}x)")
    out(f"  export as of {EXPORT_AS_OF}: {e['rows']:,} rows, {e['bytes'] / 1e6:.1f} MB, {e['seconds']:.2f} s "
        f"(DP001 alone, {e['dp001_rows']:,} rows: {e['dp001_seconds']:.2f} s); output statuses: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(e["statuses"].items())) + "; escalations: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(e["escalations"].items())))
    n = figures["next_steps"]
    out(f"  next steps as of {EXPORT_AS_OF}: {n['participants']:,} participants, {n['rows']:,} rows, "
        f"{n['seconds']:.2f} s (CPU {n['cpu_seconds']:.2f} s; target {n['target_seconds']:.1f} s)")
    if "credits_reimport" in figures:
        a = figures["credits_reimport"]
        out(f"  credits file imported again: {a['seconds']:.1f} s, {a['unchanged']:,} of {a['rows']:,} rows unchanged, "
            f"peak {a['peak_mb']:.0f} MB")
    _page_results(figures["pages"], out)
    u = figures["upload"]
    out(f"  upload of {u['file']} ({u['bytes'] / 1e6:.1f} MB): upload and check {u['upload_seconds']:.2f} s, "
        f"to its preview {u['preview_seconds']:.2f} s (CPU {u['preview_cpu_seconds']:.2f} s; {u['meets']}), "
        f"confirm {u['seconds']:.2f} s (CPU {u['cpu_seconds']:.2f} s), {u['created']:,} credit records created; "
        f"from the click to the job's page {u['click_seconds']:.2f} s, "
        f"and from Confirm {u['confirm_click_seconds']:.2f} s")
    _report_results(figures["report"], out)
    from .reports import describe as describe_reports

    for line in describe_reports(figures["reports"]):
        out(f"  {line}")
    print_jobs(figures.get("jobs"), out, (figures["report"] or {}).get("report_seconds"))
    out(f"  {figures['seconds']:.0f} s on this database; {figures['load_end']}")


def _ms(t: dict) -> str:
    return f"median {t['median_ms']:.0f} ms, p95 {t['p95_ms']:.0f} ms (CPU median {t['cpu_median_ms']:.0f} ms)"


def _page_results(pages: dict, out: Callable[[str], None]) -> None:
    for code, partner in pages["partners"].items():
        for name in ("dashboard", "list"):
            t = partner[name]
            timed = f"{t['requests']} requests: {_ms(t)}; " if "median_ms" in t else ""
            out(f"  {code} ({partner['participants']:,} participants) {name}: {timed}{t['queries']} SQL queries")
        if "dashboard_changed" in partner:
            out(f"  {code} dashboard, each request after a data change: {partner['dashboard_changed']['requests']} "
                f"requests: {_ms(partner['dashboard_changed'])}")
    for name, label in (("overview", "EDT overview"), ("declarations", "EDT /declarations"),
                        ("edt_list", "EDT participant list")):
        t = pages[name]
        out(f"  {label}: first request {t['first_ms']:.0f} ms, then {t['requests']} requests: {_ms(t)}; "
            f"{t['queries']} SQL queries")
    out(f"  (partner_overview() alone: {_ms(pages['overview']['direct'])})")


def _report_results(report: dict | None, out: Callable[[str], None]) -> None:
    if report is None:
        out("  partnership report: not measured (DP002 has no participants at this scale)")
        return
    out(f"  partnership report for {report['partner']} ({report['participants']:,} participants, meeting "
        f"{report['meeting_date']}, {report['pages'] or '?'} pages, {report['pdf_bytes'] / 1e3:.0f} kB), median of "
        f"{report['repeats']}: {report['report_seconds']:.2f} s (CPU {report['report_cpu_seconds']:.2f} s); "
        f"WeasyPrint rendering the same HTML alone {report['render_only_seconds']:.2f} s "
        f"(CPU {report['render_only_cpu_seconds']:.2f} s): {report['ratio']:.2f}x")
