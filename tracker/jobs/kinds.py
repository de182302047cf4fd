"""The one list of job kinds: what each is called, what it does, and how long it may run.

A kind's `run(params, progress)` does the work in a worker process (with an app context) and
returns its Result; `progress(done, total, counts)` says how far it has got (progress.job_id is the
job's id), and a kind's `summary(done, total, counts)` puts that in words for the job's page. A
kind must be safe to run again from the start after a worker died in the middle (recovery.py
queues it again).
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
    # How far it has got, in words ("1,240 of 3,018 declarations sent; 2 refused by DfE"); None: "N of M done"
    summary: Callable[[int, int | None, dict], str] | None = None


PARTNERSHIP_REPORT = "partnership-report"
NEXT_STEP_EMAILS = "next-step-emails"
RECOMPUTE = "recompute"
SEND_TO_DFE = "declarations-to-dfe"
REFRESH_FROM_DFE = "declarations-from-dfe"
SYNC_WITH_DFE = "dfe-sync"
CHANGES_TO_DFE = "changes-to-dfe"
VOID_AT_DFE = "void-at-dfe"
DFE = "dfe"  # the group: one job talks to DfE at a time (its rate limit, and nothing sent twice)
UPLOAD_CHECK = "upload-check"
UPLOAD_IMPORT = "upload-import"
UPLOADS = (UPLOAD_CHECK, UPLOAD_IMPORT)
BUILD_PAGES = "build-pages"


def _partnership_report(params: dict, progress) -> Result:
    from ..reports import partnership_pdf

    meeting = date.fromisoformat(params["date"])
    progress(0, 1)
    pdf = partnership_pdf(params["partner"], meeting)
    progress(1, 1)
    return Result(pdf, f"partnership-report-{params['partner']}-{meeting.isoformat()}.pdf", "application/pdf")


def _report_for(params: dict) -> str:
    from ..formats import long_date

    return (f"Partnership meeting report for {params['partner']}, meeting on {long_date(date.fromisoformat(params['date']))}"
            " (worked out as of that date)")


def _next_step_emails(params: dict, progress) -> None:
    from ..escalation.emails import send_for_job

    progress(0, len(params["participants"]))
    send_for_job(params["batch"], params["participants"], date.fromisoformat(params["today"]), progress)


def _emails_to(params: dict) -> str:
    count = len(params["participants"])
    return f"Next-step emails to {count} participant{'s' if count != 1 else ''}"


def _recompute(params: dict, progress) -> None:
    from ..engagement.recompute import recompute
    from ..extensions import db

    progress(0, len(params["participants"]) if params["participants"] is not None else None)
    recompute(params["participants"], progress=progress)
    db.session.commit()


def _recomputing(params: dict) -> str:
    who = ("every participant" if params["participants"] is None else
           f"{len(params['participants'])} participant{'s' if len(params['participants']) != 1 else ''}")
    return f"Recompute the outputs of {who}" + (f" after {params['why']}" if params.get("why") else "")


def _send_to_dfe(params: dict, progress) -> Result:
    from ..declarations.dfe import DfeApi
    from ..declarations.submit import outcomes_csv, send

    with DfeApi.from_environment(params["actor"]) as api:
        outcomes = send(api, date.fromisoformat(params["as_of"]), date.fromisoformat(params["today"]),
                        params.get("partner"), params["actor"], job_id=progress.job_id, progress=progress)
    return Result(outcomes_csv(outcomes).encode(), f"declarations-sent-to-dfe-{params['today']}.csv", "text/csv")


def _sending(params: dict) -> str:
    from ..formats import long_date

    partner = f" of {params['partner']}" if params.get("partner") else ""
    return f"Declarations{partner} sent to DfE, as of {long_date(date.fromisoformat(params['as_of']))}"


def _sent(done: int, total: int | None, counts: dict) -> str:
    words = [f"{counts.get('sent', 0):,} of {total or 0:,} declarations sent"]
    words += [f"{counts[key]:,} {label}" for key, label in (("refused", "refused by DfE"), ("not sent", "not sent"),
                                                             ("skipped", "skipped (another run had them)"))
              if counts.get(key)]
    return "; ".join(words)


def _refresh_from_dfe(params: dict, progress) -> Result | None:
    from ..declarations.dfe import DfeApi
    from ..declarations.refresh import refresh
    from ..exports.cells import csv_text

    with DfeApi.from_environment(params["actor"]) as api:
        done = refresh(api, params["actor"], job_id=progress.job_id, progress=progress)
    progress(done.read, done.read, done.counts())
    if not done.unknown:
        return None
    return Result(csv_text(["dfe_id"], ([i] for i in done.unknown)).encode(), "dfe-declarations-not-in-the-tracker.csv",
                  "text/csv")


def _refreshing(params: dict) -> str:
    return "DfE's changes to the declarations, read into the tracker"


def _read(done: int, total: int | None, counts: dict) -> str:
    words = f"{counts.get('read', done):,} of DfE's declarations read; {counts.get('changed', 0):,} changed"
    unknown = counts.get("unknown", 0)
    return words + (f"; {unknown:,} not ones the tracker sent" if unknown else "")


def _sync_with_dfe(params: dict, progress) -> None:
    from ..declarations.dfe import DfeApi
    from ..declarations.sync import sync

    with DfeApi.from_environment(params["actor"]) as api:
        sync(api, params["actor"], progress=progress)


def _syncing(params: dict) -> str:
    return "DfE's participants, delivery partners and statements, read into the tracker"


def _synced(done: int, total: int | None, counts: dict) -> str:
    words = (f"{counts.get('read', done):,} of DfE's enrolments read; {counts.get('matched', 0):,} matched to "
             f"participants; {counts.get('changed', 0):,} participants changed")
    return words + ("" if total is None else f"; {counts.get('not in the tracker', 0):,} not in the tracker")
def _changes_to_dfe(params: dict, progress) -> Result:
    from ..declarations.changes import send_changes, told_csv
    from ..declarations.dfe import DfeApi

    with DfeApi.from_environment(params["actor"]) as api:
        told = send_changes(api, params["actor"], pks=params.get("participants"), job_id=progress.job_id,
                            today=date.fromisoformat(params["today"]), progress=progress)
    return Result(told_csv(told).encode(), f"changes-sent-to-dfe-{params['today']}.csv", "text/csv")


def _telling(params: dict) -> str:
    who = params.get("names") or ("one participant" if params.get("participants") else "every participant")
    return f"Withdrawals, deferrals, returns, moves and outcomes of {who} sent to DfE"


def _told(done: int, total: int | None, counts: dict) -> str:
    words = [f"{counts.get('sent', 0):,} of {total or 0:,} changes sent"]
    words += [f"{counts[key]:,} {label}" for key, label in (("refused", "refused by DfE"), ("not sent", "not sent"))
              if counts.get(key)]
    return "; ".join(words)


def _void_at_dfe(params: dict, progress) -> None:
    from ..declarations.dfe import DfeApi
    from ..declarations.void import void
    from ..extensions import db

    with DfeApi.from_environment(params["actor"]) as api:
        try:
            void(api, params["participant"], params["kind"], params["actor"])
        finally:
            db.session.commit()  # DfE's answer is kept, a refusal too


def _voiding(params: dict) -> str:
    return f"{params['participant']}'s {params['kind']} declaration voided at DfE"


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


def _build_pages(params: dict, progress) -> None:
    from ..engagement.pages import build

    build(date.fromisoformat(params["today"]), progress)


def _building(params: dict) -> str:
    return "EDT's pages and the dashboards built" + (f" after {params['why']}" if params.get("why") else "")


KINDS = {kind.name: kind for kind in (
    JobKind(PARTNERSHIP_REPORT, "Partnership meeting report", _partnership_report, _report_for),
    JobKind(NEXT_STEP_EMAILS, "Next-step emails", _next_step_emails, _emails_to),
    JobKind(RECOMPUTE, "Recompute outputs", _recompute, _recomputing),
    JobKind(SEND_TO_DFE, "Declarations sent to DfE", _send_to_dfe, _sending, group=DFE, summary=_sent),
    JobKind(REFRESH_FROM_DFE, "DfE's changes read", _refresh_from_dfe, _refreshing, group=DFE, summary=_read),
    JobKind(SYNC_WITH_DFE, "Sync with DfE", _sync_with_dfe, _syncing, group=DFE, summary=_synced),
    JobKind(CHANGES_TO_DFE, "Changes sent to DfE", _changes_to_dfe, _telling, group=DFE, summary=_told),
    JobKind(VOID_AT_DFE, "Declaration voided at DfE", _void_at_dfe, _voiding, group=DFE),
    JobKind(UPLOAD_CHECK, "Checking an upload", _upload_check, _upload("Checking")),
    # One import of a partner's uploads at a time: confirming another meanwhile is refused (web/uploads.py).
    JobKind(UPLOAD_IMPORT, "Importing an upload", _upload_import, _upload("Importing"), group="upload-imports"),
    # After an import: the cached pages (engagement/pages.py) built for every worker before anyone asks.
    JobKind(BUILD_PAGES, "Building the pages", _build_pages, _building),
)}


def get(name: str) -> JobKind:
    return KINDS[name]
