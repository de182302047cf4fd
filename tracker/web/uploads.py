"""Uploads: a file is checked and previewed, and imported only when its uploader confirms.

The checks and the pending upload live in tracker/registers/uploads.py; the importers are the
ones `flask import` uses.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from ..clock import today
from ..exports.cells import csv_text
from ..extensions import db
from ..models import PendingUpload
from ..registers import uploads
from .access import ANYONE, access, guard_partner_id, own_partner_id

bp = Blueprint("uploads", __name__, url_prefix="/uploads")


class UploadForm(FlaskForm):
    kind = SelectField("Kind of report", widget=GovSelect(), validate_choice=False,
                       validators=[DataRequired("Choose the kind of report")])
    file = FileField("File", widget=GovFileInput(), validators=[FileRequired("Select a CSV or XLSX file")],
                     description="A .csv or .xlsx file of up to 10 MB, with a header row")

    def validate_kind(self, field):
        if field.data not in {kind.name for kind in uploads.kinds_for(current_user.role)}:
            raise ValidationError("Choose the kind of report from the list")


def _context():
    return uploads.context(today(), own_partner_id(), current_user.email)


def _pending_or_404(token: str) -> PendingUpload:
    pending = uploads.pending_for(token, current_user.id)
    if pending is None:
        abort(404)
    guard_partner_id(pending.partner_id)
    return pending


def _counts(result) -> str:
    return (f"{result.read} rows read, {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged")


@bp.route("", methods=["GET", "POST"])
@access(ANYONE)
def index():
    kinds = uploads.kinds_for(current_user.role)
    form = UploadForm()
    form.kind.choices = [SelectChoice("", "Choose the kind of report")] + [
        SelectChoice(kind.name, kind.label) for kind in kinds]
    if form.validate_on_submit():
        filename = uploads.clean_filename(form.file.data.filename)
        content = form.file.data.read(uploads.MAX_BYTES + 1)
        problem = uploads.file_problem(filename, content)
        if problem:
            form.file.errors.append(problem)
        else:
            result = uploads.dry_run(form.kind.data, filename, content, _context())
            pending = uploads.keep(form.kind.data, filename, content, current_user.id, own_partner_id(), result)
            db.session.commit()
            return redirect(url_for("uploads.preview", token=pending.token))
    return render_template(
        "uploads/index.html", title="Uploads", form=form, kinds=kinds, kind_names=uploads.labels(),
        waiting=uploads.waiting(current_user.id),
        batches=uploads.recent_imports(own_partner_id()), show_partner=current_user.is_edt,
    )


@bp.get("/<token>")
@access(ANYONE)
def preview(token: str):
    pending = _pending_or_404(token)
    result = uploads.dry_run(pending.kind, pending.filename, pending.content, _context())
    return render_template(
        "uploads/preview.html", title="Check your file" if result.ok else "Your file has problems",
        pending=pending, result=result, kind_name=uploads.labels()[pending.kind],
        problems=uploads.problems(result.errors[: uploads.SHOWN_ERRORS]), shown=uploads.SHOWN_ERRORS,
        earlier=uploads.earlier_imports(pending.kind, pending.content, own_partner_id()),
    )


@bp.get("/<token>/errors.csv")
@access(ANYONE)
def errors_csv(token: str):
    pending = _pending_or_404(token)
    result = uploads.dry_run(pending.kind, pending.filename, pending.content, _context())
    rows = [[p.row, p.column, p.message] for p in uploads.problems(result.errors)]
    stem = pending.filename.rpartition(".")[0] or pending.filename
    return Response(csv_text(["row", "column", "message"], rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_safe_name(stem)}-errors.csv"'})


def _safe_name(stem: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in stem)[:100] or "upload"


@bp.post("/<token>/confirm")
@access(ANYONE)
def confirm(token: str):
    pending = _pending_or_404(token)
    filename = pending.filename
    result = uploads.confirm(pending, _context())
    db.session.commit()
    if not result.ok:
        flash("Nothing was imported: the file has problems now. Fix the file and upload it again.")
        return redirect(url_for("uploads.preview", token=token))
    flash(f"Imported {filename}: {_counts(result)}", "success")
    return redirect(url_for("uploads.index"))


@bp.post("/<token>/cancel")
@access(ANYONE)
def cancel(token: str):
    pending = _pending_or_404(token)
    filename = pending.filename
    uploads.cancel(pending)
    db.session.commit()
    flash(f"Upload of {filename} cancelled: nothing was imported", "success")
    return redirect(url_for("uploads.index"))
