"""Importing one file through the real path, in a child process of its own.

A fresh 'spawn' child imports the file (tracker.imports.importer_for + run_import, then
commit, as `flask import` does) and reports its wall time and its peak resident memory
(ru_maxrss), so the memory figure belongs to the import alone, not to the benchmark that
generated the data.
"""
from __future__ import annotations

import multiprocessing
import resource
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 24)


@dataclass
class ImportStats:
    kind: str
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    seconds: float
    cpu_seconds: float  # CPU time of the import process (user + system) over the same span
    baseline_mb: float  # the child's peak RSS before the import started (interpreter, app)
    peak_mb: float  # the child's peak RSS when the import had finished
    errors: list[str]

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    On Linux, VmHWM of /proc/self/status: ru_maxrss of a spawned child starts from its
    parent's peak (Linux carries the high-water mark of the forked copy across exec), which
    would charge the benchmark's own memory to the import.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / (1024 * 1024) if sys.platform == "darwin" else usage / 1024  # bytes on macOS, KiB elsewhere


def import_file(url: str, kind: str, path: Path, profile: Path | None = None, *, dry_run: bool = False,
                upload_limits: bool = False) -> ImportStats:
    """Import in the current process (an app is created for `url`); dry_run: check only, writing
    nothing; upload_limits: within the limits of a file uploaded in the browser."""
    from tracker import create_app
    from tracker.engagement.book import Book
    from tracker.extensions import db
    from tracker.imports import importer_for, run_import
    from tracker.imports.base import Context
    from tracker.imports.reading import NO_LIMITS, UPLOAD_LIMITS

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        baseline = peak_rss_mb()
        profiler = None
        if profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started, cpu = time.perf_counter(), time.process_time()
        context = Context(today=TODAY, book=Book(), user="bench")
        with open(path, "rb") as stream:
            result = run_import(importer_for(kind, context), stream, path.name, dry_run=dry_run,
                                limits=UPLOAD_LIMITS if upload_limits else NO_LIMITS)
        if result.ok and not dry_run:
            db.session.commit()
        else:
            db.session.rollback()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        db.session.remove()
    return ImportStats(kind, path.name, result.read, result.created, result.updated, result.unchanged,
                       seconds, cpu, baseline, peak_rss_mb(), result.error_lines(10))


def _child(connection, url: str, kind: str, path: str, profile: str | None, options: dict) -> None:
    try:
        connection.send(import_file(url, kind, Path(path), Path(profile) if profile else None, **options))
    except BaseException as error:  # report, so the parent does not wait forever
        connection.send(error)
        raise
    finally:
        connection.close()


def import_in_child(url: str, kind: str, path: Path, profile: Path | None = None, **options) -> ImportStats:
    """import_file in a fresh 'spawn' child; options: import_file's dry_run and upload_limits."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child,
                              args=(sender, url, kind, str(path), str(profile) if profile else None, options))
    process.start()
    sender.close()
    try:
        answer = receiver.recv()
    except EOFError:
        answer = None
    process.join()
    if answer is None:
        answer = RuntimeError(f"the import of {path.name} died (exit code {process.exitcode})")
    if isinstance(answer, BaseException):
        raise answer
    return answer
