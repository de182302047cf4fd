"""The one list of job kinds: what each is called, what it does, and how long it may run.

A kind's `run(params, progress)` does the work in a worker process (with an app context) and
returns its Result; `progress(done, total)` says how far it has got. A kind must be safe to run
again from the start after a worker died in the middle (recovery.py queues it again).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Result:
    content: bytes
    name: str  # the file name it downloads as
    mime: str


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str  # what it is, in the jobs list
    run: Callable[[dict, Callable[[int, int | None], None]], Result | None]  # None: nothing to download
    describe: Callable[[dict], str]  # the job in a line: what was asked for
    # Jobs that would collide (send to DfE twice at once, apply two uploads of one partner) name the
    # same group: while one of a group is unfinished for a partner (or for everyone, partner None),
    # starting another gives back the one under way (work.start).
    group: str | None = None


PARTNERSHIP_REPORT = "partnership-report"
NEXT_STEP_EMAILS = "next-step-emails"
UPLOAD_CHECK = "upload-check"
UPLOAD_IMPORT = "upload-import"
UPLOADS = (UPLOAD_CHECK, UPLOAD_IMPORT)


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


def _next_step_emails(params: dict, progress) -> None:
    from ..escalation.emails import send_for_job

    progress(0, len(params["participants"]))
    send_for_job(params["batch"], params["participants"], date.fromisoformat(params["today"]), progress)


def _emails_to(params: dict) -> str:
    count = len(params["participants"])
    return f"Next-step emails to {count} participant{'s' if count != 1 else ''}"


def _upload_params(params: dict) -> tuple:
    """(upload id, today, uploader, when it was asked for) of an upload's job."""
    return params["upload"], date.fromisoformat(params["today"]), params["user"], datetime.fromisoformat(params["at"])


def _upload_check(params: dict, progress) -> None:
    from ..registers.uploads import check_kept

    check_kept(*_upload_params(params))


def _upload_import(params: dict, progress) -> None:
    from ..registers.uploads import import_kept

    import_kept(*_upload_params(params))


def _upload(verb: str):
    def describe(params: dict) -> str:
        from ..imports.kinds import get

        return f"{verb} {params['file']}: {get(params['kind']).label}"
    return describe


KINDS = {kind.name: kind for kind in (
    JobKind(PARTNERSHIP_REPORT, "Partnership meeting report", _partnership_report, _report_for),
    JobKind(NEXT_STEP_EMAILS, "Next-step emails", _next_step_emails, _emails_to),
    JobKind(UPLOAD_CHECK, "Checking an upload", _upload_check, _upload("Checking")),
    # One import of a partner's uploads at a time: confirming another meanwhile is refused (web/uploads.py).
    JobKind(UPLOAD_IMPORT, "Importing an upload", _upload_import, _upload("Importing"), group="upload-imports"),
)}


def get(name: str) -> JobKind:
    return KINDS[name]
