"""The benchmark run: a fresh database, the synthetic dataset, and the measured figures.

1. a fresh SQLite database in a temporary folder (migrations, reference data);
2. the dataset (bench.dataset) written as CSV files and imported with the real importers,
   each file in a child process of its own (bench.imports);
3. the credits import of the first credits file (1,000,000 rows at scale 1): rows/s, wall
   time, peak memory;
4. recompute() of met_on for every participant, against one plain SQL query per evidence
   table reading the same rows;
5. the engagement export (standings + engagement_rows + csv_text) for every participant;
6. the pages (bench.pages), through Flask's test client signed in as a partner lead of DP001
   and of DP002 and as EDT staff: dashboard and filtered participant list (server time, SQL
   queries per page), EDT's overview of all partners, and partner_overview() alone;
7. the partnership-meeting report for DP002 beside WeasyPrint rendering its HTML alone.

Targets are printed with each figure; at a scale below 1 the time targets shrink in
proportion (the memory target, the ratios and the page and report targets do not: a page's
time is mostly per request, not per participant), so a smoke run is only indicative.
"""
from __future__ import annotations

import contextlib
import csv
import gc
import io
import os
import platform
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from . import dataset
from .imports import ImportStats, import_file, import_in_child
from .pages import PAGES_AS_OF, measure_pages, measure_report

IMPORT_SECONDS = 60.0  # for CREDITS_PER_FILE rows
IMPORT_MB = 500.0
RECOMPUTE_RATIO = 4.0
EXPORT_SECONDS = 5.0
EXPORT_AS_OF = date(2025, 3, 1)
PAGE_MS = 300.0  # median and 95th percentile of a partner's dashboard and participant list
OVERVIEW_MS = 1000.0
REPORT_SECONDS = 5.0
REPORT_RATIO = 1.3  # the report against WeasyPrint rendering its finished HTML alone

PLAIN_READS = (
    "SELECT participant_id, activity_id, credits, completed_on FROM credit_record",
    "SELECT participant_id, activity_id, session_date, mark FROM register_entry",
    "SELECT participant_id, block_id, percent, viewed_on FROM video_view",
    "SELECT participant_id, status, result, recorded_on FROM assessment_record",
)


class BenchmarkFailed(RuntimeError):
    pass


def _verdict(value: float, target: float, smaller_is_better: bool = True) -> str:
    met = value <= target if smaller_is_better else value >= target
    return f"{'MET' if met else 'NOT MET'} ({value / target:.2f} of target)"


def _fresh_app(url: str):
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.extensions import db
    from tracker.reference.loader import load_reference

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
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


def run(
    participants: int = dataset.FULL_PARTICIPANTS,
    *,
    seed: int = 2025,
    workdir: Path | None = None,
    isolate: bool = True,
    profile: bool = False,
    reimport: bool = True,
    out: Callable[[str], None] = print,
) -> dict:
    """Run the benchmark and return its figures; `out` receives the report line by line."""
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="npq-bench-") as folder:
            return run(participants, seed=seed, workdir=Path(folder), isolate=isolate, profile=profile,
                       reimport=reimport, out=out)
    from tracker.engagement.book import Book
    from tracker.engagement.recompute import recompute
    from tracker.engagement.standing import participants_query, standings
    from tracker.exports.cells import csv_text
    from tracker.exports.engagement import HEADER, engagement_rows
    from tracker.extensions import db
    from tracker.models import DeliveryPartner

    scale = participants / dataset.FULL_PARTICIPANTS
    per_file = max(1, round(dataset.CREDITS_PER_FILE * scale))
    figures: dict = {"participants": participants, "scale": scale, "seed": seed}
    begun = time.perf_counter()
    out(f"NPQ engagement tracker benchmark: {participants:,} participants (scale {scale:g}), seed {seed}")
    out(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {_load()}")
    if scale != 1:
        out(f"(scale {scale:g}: import, recompute and export time targets scaled by {scale:g}; the memory "
            "target, the ratios and the page and report targets are not)")

    url = "sqlite:///" + str(workdir / "bench.db")
    started = time.perf_counter()
    app = _fresh_app(url)
    out(f"\nfresh database (migrations + reference data): {time.perf_counter() - started:.1f} s  [{workdir}]")

    started = time.perf_counter()
    with app.app_context():
        files = dataset.generate(workdir / "data", Book(), participants, seed, per_file)
    seconds = time.perf_counter() - started
    evidence = sum(n for kind, n in files.rows.items() if kind != "participants")
    figures["dataset"] = dict(files.rows, evidence=evidence, seconds=seconds)
    out(f"dataset generated in {seconds:.1f} s: {files.rows['participants']:,} participants in "
        f"{sum(1 for n in files.partners.values() if n)} partners (DP001 {files.partners['DP001']:,}, "
        f"DP002 {files.partners['DP002']:,}); {evidence:,} evidence rows: "
        + ", ".join(f"{kind} {files.rows[kind]:,}" for kind in ("credits", "attendance", "video-views", "assessments"))
        + f" ({len(files.credits)} credits files of at most {per_file:,} rows)")

    # 2-3. the imports, each in a child process of its own
    out(f"\nimports (real importers, {'each in a fresh child process' if isolate else 'in this process'}):")
    out(f"  {'kind':<13}{'file':<20}{'rows':>10}{'created':>10}{'seconds':>9}{'CPU s':>8}{'rows/s':>9}"
        f"{'peak MB':>9}{'base MB':>9}")
    imports: list[ImportStats] = []

    def do_import(kind: str, path: Path, label: str = "") -> ImportStats:
        prof = workdir / f"profile-import-{path.stem}{label}.prof" if profile else None
        stats = import_in_child(url, kind, path, prof) if isolate else import_file(url, kind, path, prof)
        if stats.errors:
            raise BenchmarkFailed(f"import of {path.name} refused:\n" + "\n".join(stats.errors))
        out(f"  {kind:<13}{path.name + label:<20}{stats.rows:>10,}{stats.created:>10,}{stats.seconds:>9.1f}"
            f"{stats.cpu_seconds:>8.1f}{stats.rows_per_second:>9,.0f}{stats.peak_mb:>9.0f}{stats.baseline_mb:>9.0f}")
        return stats

    for kind, path in files.imports():
        imports.append(do_import(kind, path))
    figures["imports"] = [vars(s) for s in imports]
    measured = next(s for s in imports if s.kind == "credits")
    time_target = IMPORT_SECONDS * per_file / dataset.CREDITS_PER_FILE
    figures["credits_import"] = {
        "rows": measured.rows, "seconds": measured.seconds, "cpu_seconds": measured.cpu_seconds,
        "rows_per_second": measured.rows_per_second,
        "peak_mb": measured.peak_mb, "baseline_mb": measured.baseline_mb,
    }

    with app.app_context():
        # 4. recompute met_on for everyone, against a plain read of the same evidence
        first = _plain_read()
        clock = Clock()
        with _profiled(workdir / "profile-recompute.prof" if profile else None):
            recomputed = recompute(None, Book())
            db.session.commit()
        recompute_wall, recompute_cpu = clock.read()
        second = _plain_read()
        plain_wall, plain_cpu = min(first[0], second[0]), min(first[1], second[1])
        figures["recompute"] = {
            "participants": recomputed, "seconds": recompute_wall, "cpu_seconds": recompute_cpu,
            "plain_read_seconds": plain_wall, "plain_read_cpu_seconds": plain_cpu, "evidence_rows": first[2],
            "ratio": recompute_wall / plain_wall, "cpu_ratio": recompute_cpu / plain_cpu,
        }

        # 5. the engagement export for everyone, as of EXPORT_AS_OF
        clock = Clock()
        with _profiled(workdir / "profile-export.prof" if profile else None):
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
        }
        # the export rows (177,630 lists of strings at scale 1) would otherwise stay alive to the end of the run
        # and double the cost of every full garbage collection while the pages below are timed
        del text, rows, partner_text
        db.session.remove()

    if reimport:
        out("\nthe measured credits file again (every row unchanged):")
        again = do_import("credits", files.credits[0], " again")
        figures["credits_reimport"] = {"rows": again.rows, "unchanged": again.unchanged, "seconds": again.seconds,
                                       "cpu_seconds": again.cpu_seconds, "peak_mb": again.peak_mb}

    # 6-7. the pages and the report, on the same database
    gc.collect()  # start the timings with no garbage left from the stages before
    out(f"\npages (Flask test client, signed in) and the partnership report, as of {PAGES_AS_OF}...")
    started = time.perf_counter()
    with _profiled(workdir / "profile-pages.prof" if profile else None):
        figures["pages"] = measure_pages(app)
    with _profiled(workdir / "profile-report.prof" if profile else None):
        figures["report"] = measure_report(app, "DP002")
    out(f"  done in {time.perf_counter() - started:.0f} s")

    total = time.perf_counter() - begun
    figures["total_seconds"] = total
    r, e = figures["recompute"], figures["export"]
    export_target = EXPORT_SECONDS * scale
    out(f"\nresults (wall time against the targets; CPU time of the process beside it; {_load()})")
    out(f"  credits import, {measured.rows:,} rows ({measured.file}): {measured.seconds:.1f} s "
        f"(CPU {measured.cpu_seconds:.1f} s), {measured.rows_per_second:,.0f} rows/s")
    out(f"    target under {time_target:g} s: {_verdict(measured.seconds, time_target)}")
    out(f"    peak memory of the import process {measured.peak_mb:.0f} MB ({measured.baseline_mb:.0f} MB of it "
        f"before the import started); target under {IMPORT_MB:g} MB: {_verdict(measured.peak_mb, IMPORT_MB)}")
    out(f"  recompute met_on for {r['participants']:,} participants: {r['seconds']:.1f} s (CPU {r['cpu_seconds']:.1f} s); "
        f"plain read of the same {r['evidence_rows']:,} evidence rows: {r['plain_read_seconds']:.2f} s "
        f"(CPU {r['plain_read_cpu_seconds']:.2f} s)")
    out(f"    ratio {r['ratio']:.2f}x (CPU {r['cpu_ratio']:.2f}x); target within {RECOMPUTE_RATIO:g}x: "
        f"{_verdict(r['ratio'], RECOMPUTE_RATIO)}")
    out(f"  engagement export as of {EXPORT_AS_OF}, {participants:,} participants, {e['rows']:,} rows, "
        f"{e['bytes'] / 1e6:.1f} MB: {e['seconds']:.2f} s (CPU {e['cpu_seconds']:.2f} s)")
    out(f"    target under {export_target:g} s: {_verdict(e['seconds'], export_target)}")
    out(f"    (DP001 alone, {e['dp001_rows']:,} rows: {e['dp001_seconds']:.2f} s; output statuses: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())) + "; escalations: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(escalations.items())) + ")")
    if reimport:
        a = figures["credits_reimport"]
        out(f"  credits file imported again: {a['seconds']:.1f} s (CPU {a['cpu_seconds']:.1f} s), "
            f"{a['unchanged']:,} of {a['rows']:,} rows unchanged, peak {a['peak_mb']:.0f} MB")
    _page_results(figures["pages"], out)
    _report_results(figures["report"], out)
    out(f"\nbenchmark took {total:.0f} s end to end")
    return figures


def _ms(t: dict) -> str:
    return f"median {t['median_ms']:.0f} ms, p95 {t['p95_ms']:.0f} ms (CPU median {t['cpu_median_ms']:.0f} ms)"


def _page_results(pages: dict, out: Callable[[str], None]) -> None:
    partners = pages["partners"]
    lead = partners.get("DP001")
    names = {"dashboard": "dashboard (/dashboard)", "list": f"participant list ({pages['list_url']})"}
    for name, label in names.items():
        if lead is None:
            out(f"  {label}: not measured (DP001 has no participants at this scale)")
            continue
        t = lead[name]
        matches = f", {lead['list_matches']:,} matching" if name == "list" else ""
        out(f"  {label}, partner lead of DP001 ({lead['participants']:,} participants{matches}), "
            f"{t['requests']} requests: {_ms(t)}")
        worst = max(t["median_ms"], t["p95_ms"])
        out(f"    target median and p95 under {PAGE_MS:g} ms: {_verdict(worst, PAGE_MS)}")
        counted = {code: (p["participants"], p[name]["queries"]) for code, p in partners.items()}
        listed = ", ".join(f"{code} ({n:,} participants) {q}" for code, (n, q) in counted.items())
        if len(counted) > 1:
            same = len({q for _, q in counted.values()}) == 1
            out(f"    SQL queries per page: {listed}; the same whatever the number of participants: "
                f"{'MET' if same else 'NOT MET'}")
        else:
            out(f"    SQL queries per page: {listed} (DP002 has no participants at this scale to compare)")
    o = pages["overview"]
    out(f"  EDT overview (/overview), {o['participants']:,} participants in {o['partners']} partners, "
        f"{o['requests']} requests: {_ms(o)}; {o['queries']} SQL queries")
    out(f"    target under {OVERVIEW_MS:g} ms (p95): {_verdict(o['p95_ms'], OVERVIEW_MS)}")
    out(f"    (partner_overview() alone: {_ms(o['direct'])})")


def _report_results(report: dict | None, out: Callable[[str], None]) -> None:
    if report is None:
        out("  partnership report: not measured (DP002 has no participants at this scale)")
        return
    out(f"  partnership report for {report['partner']} ({report['participants']:,} participants, meeting "
        f"{report['meeting_date']}, {report['pages'] or '?'} pages, {report['pdf_bytes'] / 1e3:.0f} kB), median of "
        f"{report['repeats']}: "
        f"{report['report_seconds']:.2f} s (CPU {report['report_cpu_seconds']:.2f} s); WeasyPrint rendering the "
        f"same HTML alone {report['render_only_seconds']:.2f} s (CPU {report['render_only_cpu_seconds']:.2f} s)")
    out(f"    target under {REPORT_SECONDS:g} s: {_verdict(report['report_seconds'], REPORT_SECONDS)}")
    out(f"    ratio {report['ratio']:.2f} (CPU {report['cpu_ratio']:.2f}); target under {REPORT_RATIO:g}: "
        f"{_verdict(report['ratio'], REPORT_RATIO)}")
