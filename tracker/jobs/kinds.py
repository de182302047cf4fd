"""The one list of job kinds: what each is called, what it does, and how long it may run.

A kind's `run(params, progress)` does the work in a worker process (with an app context) and
returns its Result; `progress(done, total)` says how far it has got. A kind must be safe to run
again from the start after a worker died in the middle (recovery.py queues it again).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Result:
    content: bytes
    name: str  # the file name it downloads as
    mime: str


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str  # what it is, in the jobs list
    run: Callable[[dict, Callable[[int, int | None], None]], Result]
    describe: Callable[[dict], str]  # the job in a line: what was asked for


PARTNERSHIP_REPORT = "partnership-report"


def _partnership_report(params: dict, progress) -> Result:
    from ..reports import partnership_pdf

    meeting = date.fromisoformat(params["date"])
    progress(0, 1)
    pdf = partnership_pdf(params["partner"], meeting)
    progress(1, 1)
    return Result(pdf, f"partnership-report-{params['partner']}-{meeting.isoformat()}.pdf", "application/pdf")


def _report_for(params: dict) -> str:
    from ..formats import long_date

    return f"Partnership meeting report for {params['partner']}, meeting on {long_date(date.fromisoformat(params['date']))}"


KINDS = {kind.name: kind for kind in (
    JobKind(PARTNERSHIP_REPORT, "Partnership meeting report", _partnership_report, _report_for),
)}


def get(name: str) -> JobKind:
    return KINDS[name]
