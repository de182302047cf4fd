"""Uploads in the browser: check the file once, keep the result, import it when the user confirms.

The browser calls the same importers as `flask import` (tracker/imports); this module adds what a
web upload needs: which kinds a user may upload, a check that the file is what its name says,
the limits of UPLOAD_LIMITS, and the pending upload between the preview and the confirmation.

A file is read and checked once, at upload: the preview and errors.csv show the stored result.
Confirming claims the pending upload atomically (waiting -> importing), so a second click on
Confirm finds it claimed and shows the first click's result instead of importing again.

A file whose headings are not its kind's is kept ("mapping") until its uploader says which column
holds each field (registers/mappings.py); the mapping is kept with the upload, so its check and
import, in the request or by a job, read the file with it.

A large file (UPLOAD_JOB_BYTES) is kept unchecked ("checking") and checked by a job
(check_kept); its import is a job too (import_kept). Both run the same check and confirm as a
file checked in the request, and an import marks its upload imported in its own transaction, so
a job run again after a crash, or twice, imports the file once.
"""
from __future__ import annotations

import hashlib
import io
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from ..engagement.book import Book
from ..engagement.forecast import NewlyMet
from ..engagement.pages import build_soon
from ..extensions import db
from ..imports import ImportResult, kinds, run_import
from ..imports.base import Context
from ..imports.changes import Changes, described
from ..imports.kinds import ImportKind
from ..imports.mapping import NO_MAPPING, ColumnMapping
from ..imports.reading import UPLOAD_LIMITS
from ..imports.serial import Busy, serialised
from ..models import DeliveryPartner, ImportBatch, PendingUpload
from ..refusal import Refusal
from .mappings import OWN_COLUMNS, Reading, mapping_of, remember

MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
XLSX_SIGNATURE = b"PK\x03\x04"
SHOWN_ERRORS = 50
SHOWN_MET = 200  # outputs newly met listed on the preview; meets.csv has them all
SHOWN_CHANGES = 200  # records changed listed on the preview; changes.csv has all the check kept (changes.KEPT)
WAITING_HOURS = 24
MOST_WAITING = 5
KEPT_DAYS = 7  # expired and imported uploads are kept (without their file) to explain themselves
CHECKING, WAITING, IMPORTING, IMPORTED, EXPIRED = "checking", "waiting", "importing", "imported", "expired"
MAPPING = "mapping"  # its headings are not its kind's: waiting for its uploader's column mapping
UNFINISHED = (MAPPING, CHECKING, WAITING, IMPORTING)
WAITS = (MAPPING, WAITING)  # waiting for its uploader: expires after WAITING_HOURS
STALE_CLAIM = timedelta(minutes=10)  # a claim left by a worker that died mid-import
SECOND_CLICK_WAIT = 20.0  # seconds a second click waits for the first one's result


def kinds_for(role: str) -> tuple[ImportKind, ...]:
    """The kinds this role may upload, as the importers declare (partners: their own evidence)."""
    return kinds.for_role(role)


def labels() -> dict[str, str]:
    return {kind.name: kind.label for kind in kinds.all_kinds()}


def file_problem(filename: str, content: bytes) -> str | None:
    """Why this file cannot be imported, judged by its name and its first bytes; None when it can."""
    extension = filename.lower().rpartition(".")[2]
    if "." not in filename or f".{extension}" not in EXTENSIONS:
        return "The selected file must be a CSV or XLSX file"
    if not content:
        return "The selected file is empty"
    if len(content) > MAX_BYTES:
        return "The selected file must be smaller than 10 MB"
    if extension == "xlsx" and not content.startswith(XLSX_SIGNATURE):
        return ("The selected file is not an Excel workbook, although its name ends .xlsx: save it as .xlsx or .csv "
                "again")
    if extension == "csv" and b"\x00" in content:
        return "The selected file is not a text CSV file, although its name ends .csv: save it as CSV again"
    return None


def clean_filename(name: str) -> str:
    """The file's own name, without any folder a browser sent with it."""
    return re.split(r"[\\/]", name or "")[-1].strip()[:255] or "upload"


def context(today: date, partner_id: int | None, user: str) -> Context:
    return Context(today, Book(), partner_id=partner_id, user=user)


def too_many_waiting(user_id: int, now: datetime) -> str | None:
    """Why the user may not upload another file now, or None. A file whose check found problems is
    not counted: it can never be confirmed, so it waits for nothing."""
    waiting_now = db.session.scalar(
        select(func.count()).select_from(PendingUpload)
        .where(PendingUpload.user_id == user_id, PendingUpload.state.in_(UNFINISHED),
               PendingUpload.created_at > now - timedelta(hours=WAITING_HOURS),
               or_(PendingUpload.state != WAITING, func.coalesce(PendingUpload.error_count, 0) == 0)))
    if waiting_now >= MOST_WAITING:
        return (f"You have {MOST_WAITING} files waiting for confirmation, the most one person may have: "
                "confirm or cancel one of them first")
    return None


BUSY_MESSAGE = ("The database was too busy to check the file, or another file of your partnership was being "
                "imported: nothing was kept. Upload the file again in a minute")


def check(kind: str, filename: str, content: bytes, ctx: Context, wait: float | None = None,
          mapping: ColumnMapping = NO_MAPPING) -> ImportResult | None:
    """Read and check the file once, within the upload limits, and find the outputs it would
    newly meet: a good file is imported and its participants recomputed in a transaction that
    is rolled back, so nothing stays written. It runs as an import would (imports/serial.py),
    so it never waits on, or is waited on by, another import's uncommitted rows. None: the
    database refused the dry run's writes for a reason of its own (busy), or another import held
    the partner's lock for longer than `wait` seconds."""
    try:
        with serialised(ctx.partner_id, wait):
            try:
                result = run_import(kinds.get(kind).importer_for(ctx), io.BytesIO(content), filename, dry_run=True,
                                    limits=UPLOAD_LIMITS, forecast=True, mapping=mapping)
                return with_changes_described(result)
            finally:
                db.session.rollback()
    except (DBAPIError, Busy):
        db.session.rollback()
        return None


def keep(kind: str, filename: str, content: bytes, user_id: int, partner_id: int | None,
         result: ImportResult | None, now: datetime, reading: Reading = OWN_COLUMNS,
         report_format: str | None = None) -> PendingUpload:
    """The upload, waiting for its uploader with the check's result; with None, kept to be checked
    by a job (check_kept), or, when its uploader is asked for a column mapping, kept for that.
    report_format: a partner's report, whose check is its review (the proposal depends on what the
    person chooses: web/report_uploads.py)."""
    expire(now)
    state = MAPPING if reading.asked else CHECKING if result is None else WAITING
    pending = PendingUpload(
        token=secrets.token_urlsafe(32), kind=kind, filename=filename, user_id=user_id, partner_id=partner_id,
        created_at=now, report_format=report_format, sha256=hashlib.sha256(content).hexdigest(), state=state,
        **reading.stored(),
        **({"content": content} | ({} if result is None else _checked(result, bool(reading.mapping)))))
    db.session.add(pending)
    return pending


def read_with(pending: PendingUpload, reading: Reading, result: ImportResult | None) -> None:
    """The upload read with another column mapping: waiting with its check's result, or (None) kept
    to be checked by a job. Its earlier check no longer counts."""
    pending.state = WAITING if result is not None else CHECKING
    pending.job_id, pending.claimed_at = None, None
    for name, value in (reading.stored() | ({} if result is None else _checked(result, True))).items():
        setattr(pending, name, value)


def with_changes_described(result: ImportResult) -> ImportResult:
    """The result with its first changes in words (imports/changes.py), read before the check's
    rollback or the import's commit."""
    if result.ok:
        result.described = described(result.changes)
    return result


def _outcome(result: ImportResult) -> dict:
    """A check's or an import's result, as the upload stores it: the first row errors naming their
    participants, and the first changes (bounded, with their count)."""
    return {"rows_read": result.read, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "error_count": result.error_count,
            "errors": "\n".join(result.errors.named()), "meets": result.newly_met.to_text(),
            "changes": result.described.to_text()}


def _checked(result: ImportResult, mapped: bool = False) -> dict:
    """A check's result as the upload stores it. A file with problems is not kept: it can never be
    imported (its problems are); unless it was read with a column mapping, which its uploader may
    change and check the file again."""
    return _outcome(result) | ({} if result.ok or mapped else {"content": b""})


def _set(pending_id: int, *states: str, **values) -> bool:
    """Change the upload if it is in one of these states (any, with none); True when it was."""
    statement = update(PendingUpload).where(PendingUpload.id == pending_id)
    if states:
        statement = statement.where(PendingUpload.state.in_(states))
    return db.session.execute(statement.values(values).execution_options(synchronize_session=False)).rowcount == 1


def link(pending_id: int, job_id: int) -> None:
    """The upload names the job checking or importing it (its page links there)."""
    _set(pending_id, job_id=job_id)


GONE_MESSAGE = "The file was cancelled or waited too long for confirmation: nothing was imported. Upload it again"
JOB_BUSY_MESSAGE = "The database was too busy: nothing was imported. Try again"


def _kept(pending_id: int, now: datetime) -> PendingUpload:
    pending = db.session.get(PendingUpload, pending_id)
    if pending is None or expired(pending, now):
        raise Refusal(None, GONE_MESSAGE)
    return pending


def check_kept(pending_id: int, today: date, user: str, now: datetime) -> None:
    """A job (`now`: when it was asked for): check a large upload kept unchecked and store the
    result, after which it waits for its uploader's confirmation like a file checked in the
    request. A check writes nothing, so one cut short by a crash is simply run again."""
    pending = _kept(pending_id, now)
    if pending.state != CHECKING:
        return
    mapping = mapping_of(pending)
    result = check(pending.kind, pending.filename, pending.content, context(today, pending.partner_id, user),
                   mapping=mapping)
    if result is None:
        raise Refusal(None, "The database was too busy to check the file. Try again")
    _set(pending_id, CHECKING, state=WAITING, **_checked(result, bool(mapping)))
    db.session.commit()


def import_kept(pending_id: int, today: date, user: str, now: datetime) -> ImportResult:
    """A job (`now`: when it was asked for): import a large upload its uploader confirmed, once.
    An upload already imported (by this job's earlier run, or another click's job) is left as it
    is; one whose import a crash cut short was rolled back with it and is imported now."""
    pending = _kept(pending_id, now)
    if pending.state == IMPORTED:
        return stored_result(pending)
    if pending.state == CHECKING or (pending.state == WAITING and pending.error_count):
        raise Refusal(None, "Nothing was imported: the file has not been checked, or has problems")
    if pending.state == WAITING and not claim(pending, now):
        raise Refusal(None, JOB_BUSY_MESSAGE)
    result = confirm(pending, context(today, pending.partner_id, user))
    if result is None:
        raise Refusal(None, JOB_BUSY_MESSAGE)
    if not result.ok:
        raise Refusal(None, "Nothing was imported: the file has problems now. Fix the file and upload it again")
    return result


def expire(now: datetime) -> None:
    """Uploads wait 24 hours: then their file is dropped; after a week the record goes too."""
    db.session.execute(
        update(PendingUpload)
        .where(PendingUpload.created_at <= now - timedelta(hours=WAITING_HOURS), PendingUpload.state.in_(WAITS))
        .values(state=EXPIRED, content=b""))
    db.session.execute(delete(PendingUpload).where(PendingUpload.created_at <= now - timedelta(days=KEPT_DAYS)))


def expired(pending: PendingUpload, now: datetime) -> bool:
    return pending.state == EXPIRED or (
        pending.state in WAITS and pending.created_at <= now - timedelta(hours=WAITING_HOURS))


EXPIRED_MESSAGE = (f"This upload waited more than {WAITING_HOURS} hours, the longest a file waits for "
                   "confirmation: nothing was imported. Upload the file again")


def pending_for(token: str, user_id: int) -> PendingUpload | None:
    """Only the user who uploaded a file may see, confirm or cancel it."""
    return db.session.scalar(
        select(PendingUpload).where(PendingUpload.token == token, PendingUpload.user_id == user_id))


def waiting(user_id: int, now: datetime) -> list[PendingUpload]:
    """The user's files waiting for confirmation; their contents are not loaded (deferred)."""
    return list(db.session.scalars(
        select(PendingUpload)
        .where(PendingUpload.user_id == user_id, PendingUpload.state.in_(UNFINISHED),
               PendingUpload.created_at > now - timedelta(hours=WAITING_HOURS))
        .order_by(PendingUpload.created_at.desc())))


def claim(pending: PendingUpload, now: datetime) -> bool:
    """Take the upload for this request: True for the one request that gets it, committed at once."""
    statement = (
        update(PendingUpload)
        .where(PendingUpload.id == pending.id,
               PendingUpload.created_at > now - timedelta(hours=WAITING_HOURS),
               or_(PendingUpload.state == WAITING,
                   and_(PendingUpload.state == IMPORTING, PendingUpload.claimed_at < now - STALE_CLAIM)))
        .values(state=IMPORTING, claimed_at=now)
        .execution_options(synchronize_session=False))
    try:
        claimed = db.session.execute(statement).rowcount == 1
        db.session.commit()
    except OperationalError:  # SQLite busy past its timeout: another request holds the database
        db.session.rollback()
        return False
    return claimed


def confirm(pending: PendingUpload, ctx: Context, wait: float | None = None,
            run: Callable[[bytes, str, Context], ImportResult] | None = None) -> ImportResult | None:
    """Import a claimed upload for real, all or nothing, and commit.

    Imports that could touch the same records run one at a time (imports/serial.py). On success
    the upload is marked imported with the real counts and its file dropped, in the import's own
    transaction and only if it is still being imported, so that it is imported once however
    often this runs; on row errors nothing is written and the upload waits again, showing them.
    None: the database refused for a reason of its own, or another import held the partner's lock
    for longer than `wait` seconds (nothing was written; the upload waits again). run: how the
    file is imported (a report's register or credits, as the person reviewed them); by default as
    a file of its kind.
    """
    content, kind, filename, pending_id = pending.content, pending.kind, pending.filename, pending.id
    mapping, headings = mapping_of(pending), pending.headings_key
    try:
        with serialised(ctx.partner_id, wait):
            if run is None:
                result = run_import(kinds.get(kind).importer_for(ctx), io.BytesIO(content), filename, forecast=True,
                                    mapping=mapping)
            else:
                result = run(content, filename, ctx)
            if result.ok:
                with_changes_described(result)
                if not _set(pending_id, IMPORTING, state=IMPORTED, content=b"", **_outcome(result)):
                    db.session.rollback()  # imported meanwhile by another: that import stands
                    return stored_result(db.session.get(PendingUpload, pending_id))
                if mapping:
                    _set(pending_id, saved_mapping_id=remember(ctx.partner_id, kind, headings, mapping, ctx.user))
                _pause_before_commit()
                db.session.commit()
                build_soon(ctx.today, ctx.user, f"the import of {filename}")
                return result
            db.session.rollback()
    except (DBAPIError, Busy):
        db.session.rollback()
        result = None
    values = {"state": WAITING, "claimed_at": None}
    if result is not None:
        values |= _outcome(result) | {"meets": None}
    _set(pending_id, IMPORTING, **values)
    db.session.commit()
    return result


def _pause_before_commit() -> None:
    pause = current_app.config.get("UPLOAD_PAUSE_BEFORE_COMMIT_SECONDS") or 0
    if pause:
        time.sleep(pause)


def outcome_of(pending_id: int, wait: float = SECOND_CLICK_WAIT) -> PendingUpload:
    """The upload once no request is importing it (waiting at most `wait` seconds)."""
    deadline = time.monotonic() + wait
    while True:
        db.session.expire_all()
        db.session.commit()
        pending = db.session.get(PendingUpload, pending_id)
        if pending is None or pending.state != IMPORTING or time.monotonic() >= deadline:
            return pending
        time.sleep(0.2)


def cancel(pending: PendingUpload) -> bool:
    """Discard an upload nobody is importing; False when a confirm claimed it first."""
    return db.session.execute(
        delete(PendingUpload).where(PendingUpload.id == pending.id, PendingUpload.state.in_((*WAITS, EXPIRED)))
        .execution_options(synchronize_session=False)).rowcount == 1


def stored_result(pending: PendingUpload) -> ImportResult:
    """The result of the check at upload (or of the import, once imported), as the file's own."""
    result = ImportResult(pending.kind, pending.rows_read, pending.created, pending.updated, pending.unchanged)
    for line in (pending.errors or "").splitlines():
        result.errors.append(line)
    result.errors.count = max(pending.error_count, len(result.errors))
    result.newly_met = NewlyMet.from_text(pending.meets)
    result.described = Changes.from_text(pending.changes)
    return result


@dataclass(frozen=True)
class RowProblem:
    row: str
    column: str
    message: str
    participant: str = ""


def row_problem(line: str) -> RowProblem:
    """Split an importer's "row N (participant): column: message" line (imports/base.named_line)
    for a table; file-wide problems keep their whole text as the message."""
    match = re.fullmatch(r"row (\d+)(?: \((.*?)\))?: (.*)", line, re.S)
    if match is None:
        return RowProblem("", "", line)
    where, who, rest = match.groups()
    column, _, message = rest.partition(": ")
    if column.startswith("missing column"):
        return RowProblem(where, message, "is missing from the header row")
    if not message:
        return RowProblem(where, "", rest, who or "")
    return RowProblem(where, column, message, who or "")


def problems(errors: str | list[str]) -> list[RowProblem]:
    lines = errors.splitlines() if isinstance(errors, str) else errors
    return [row_problem(line) for line in lines if line.strip()]


def earlier_imports(pending: PendingUpload, partner_id: int | None) -> list[ImportBatch]:
    """Imports of this very file (same bytes) the user may know of: their partner's and EDT's."""
    query = (select(ImportBatch).where(ImportBatch.sha256 == pending.sha256, ImportBatch.kind == pending.kind)
             .order_by(ImportBatch.imported_at.desc()))
    if partner_id is not None:
        query = query.where(or_(ImportBatch.partner_id == partner_id, ImportBatch.partner_id.is_(None)))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class BatchRow:
    batch: ImportBatch
    partner: str


def recent_imports(partner_id: int | None, limit: int = 20) -> list[BatchRow]:
    """Files imported, newest first: a partner's own, or (None) everyone's."""
    query = (select(ImportBatch, DeliveryPartner.code)
             .outerjoin(DeliveryPartner, ImportBatch.partner_id == DeliveryPartner.id)
             .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc()).limit(limit))
    if partner_id is not None:
        query = query.where(ImportBatch.partner_id == partner_id)
    return [BatchRow(batch, code or "EDT") for batch, code in db.session.execute(query)]
