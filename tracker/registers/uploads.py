"""Uploads in the browser: check the file, dry-run the importer, keep it until the user confirms.

The browser calls the same importers as `flask import` (tracker/imports); this module only adds
what a web upload needs: which kinds a user may upload, a check that the file is what its name
says, and the pending upload between the preview and the confirmation.
"""
from __future__ import annotations

import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from ..engagement.book import Book
from ..clock import now
from ..extensions import db
from ..imports import ImportResult, importer_for, kinds, run_import
from ..imports.base import Context
from ..imports.kinds import ImportKind
from ..models import DeliveryPartner, ImportBatch, PendingUpload

MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
XLSX_SIGNATURE = b"PK\x03\x04"
SHOWN_ERRORS = 50


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
        return "The selected file is not an Excel workbook, although its name ends .xlsx: save it as .xlsx or .csv again"
    if extension == "csv" and not _is_text(content):
        return "The selected file is not a text CSV file, although its name ends .csv: save it as CSV again"
    return None


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def clean_filename(name: str) -> str:
    """The file's own name, without any folder a browser sent with it."""
    return re.split(r"[\\/]", name or "")[-1].strip()[:255] or "upload"


def context(today: date, partner_id: int | None, user: str) -> Context:
    return Context(today, Book(), partner_id=partner_id, user=user)


def dry_run(kind: str, filename: str, content: bytes, ctx: Context) -> ImportResult:
    """Validate and count without writing: whatever the importer touched is rolled back."""
    try:
        return run_import(importer_for(kind, ctx), io.BytesIO(content), filename, dry_run=True)
    finally:
        db.session.rollback()


def keep(kind: str, filename: str, content: bytes, user_id: int, partner_id: int | None,
         result: ImportResult) -> PendingUpload:
    pending = PendingUpload(
        token=secrets.token_urlsafe(32), kind=kind, filename=filename, content=content, user_id=user_id,
        partner_id=partner_id, created_at=now(),
        errors="\n".join(result.errors),
    )
    db.session.add(pending)
    return pending


def pending_for(token: str, user_id: int) -> PendingUpload | None:
    """Only the user who uploaded a file may see, confirm or cancel it."""
    return db.session.scalar(
        select(PendingUpload).where(PendingUpload.token == token, PendingUpload.user_id == user_id))


def waiting(user_id: int) -> list[PendingUpload]:
    return list(db.session.scalars(
        select(PendingUpload).where(PendingUpload.user_id == user_id).order_by(PendingUpload.created_at.desc())))


def confirm(pending: PendingUpload, ctx: Context) -> ImportResult:
    """Import for real, all or nothing. On success the pending upload is deleted; the caller
    commits. On errors nothing is written and the errors are kept for the preview."""
    result = run_import(importer_for(pending.kind, ctx), io.BytesIO(pending.content), pending.filename)
    if result.ok:
        db.session.delete(pending)
    else:
        db.session.rollback()
        pending.errors = "\n".join(result.errors)
    return result


def cancel(pending: PendingUpload) -> None:
    db.session.delete(pending)


@dataclass(frozen=True)
class RowProblem:
    row: str
    column: str
    message: str


def row_problem(line: str) -> RowProblem:
    """Split an importer's "row N: column: message" line for a table; file-wide problems keep
    their whole text as the message."""
    match = re.fullmatch(r"row (\d+): (.*)", line, re.S)
    if match is None:
        return RowProblem("", "", line)
    where, rest = match.groups()
    column, _, message = rest.partition(": ")
    if column.startswith("missing column"):
        return RowProblem(where, message, "is missing from the header row")
    if not message:
        return RowProblem(where, "", rest)
    return RowProblem(where, column, message)


def problems(errors: str | list[str]) -> list[RowProblem]:
    lines = errors.splitlines() if isinstance(errors, str) else errors
    return [row_problem(line) for line in lines if line.strip()]


def earlier_imports(kind: str, content: bytes, partner_id: int | None) -> list[ImportBatch]:
    """Imports of this very file (same bytes) the user may know of: their partner's and EDT's."""
    digest = hashlib.sha256(content).hexdigest()
    query = (select(ImportBatch).where(ImportBatch.sha256 == digest, ImportBatch.kind == kind)
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
