"""Uploads: a file is checked once and previewed, and imported only when its uploader confirms.

The checks, the limits and the pending upload live in tracker/registers/uploads.py; the
importers are the ones `flask import` uses. A file of more than UPLOAD_JOB_BYTES is checked, and
imported, by a job (tracker/jobs): the request keeps it and goes at once to the job's page, which
shows the same preview and Confirm button when the check is done.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from ..clock import now, today
from ..exports.cells import csv_text
from ..exports.records import export_csv
from ..extensions import db
from ..imports.reading import UPLOAD_LIMITS
from ..imports.serial import IN_A_REQUEST
from ..jobs import start
from ..jobs.kinds import UPLOAD_CHECK, UPLOAD_IMPORT, UPLOADS
from ..models import Job, PendingUpload
from ..registers import mappings, uploads
from ..words import newly_met_summary
from .access import ANYONE, access, guard_partner_id, own_partner_id, partner_or_404

bp = Blueprint("uploads", __name__, url_prefix="/uploads")


class UploadForm(FlaskForm):
    kind = SelectField("Kind of report", widget=GovSelect(), validate_choice=False,
                       validators=[DataRequired("Choose the kind of report")])
    file = FileField("File", widget=GovFileInput(), validators=[FileRequired("Select a CSV or XLSX file")],
                     description=f"A .csv or .xlsx file of up to 10 MB and {UPLOAD_LIMITS.rows:,} rows, "
                                 "with a header row")

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


def _imported(filename: str, result) -> str:
    """The success message: the counts, and the outputs the import met, as the preview said them."""
    message = f"Imported {filename}: {_counts(result)}"
    if result.newly_met.as_of is not None:
        message += f"; it {newly_met_summary(result.newly_met.counts())}"
    return message


def _expired(pending: PendingUpload):
    flash(uploads.EXPIRED_MESSAGE)
    return redirect(url_for("uploads.index"))


@bp.route("", methods=["GET", "POST"])
@access(ANYONE)
def index():
    kinds = uploads.kinds_for(current_user.role)
    form = UploadForm()
    form.kind.choices = [SelectChoice("", "Choose the kind of report")] + [
        SelectChoice(kind.name, kind.label) for kind in kinds]
    moment = now()
    if form.validate_on_submit():
        filename = uploads.clean_filename(form.file.data.filename)
        problem = uploads.too_many_waiting(current_user.id, moment)
        if problem is None:
            content = form.file.data.read(uploads.MAX_BYTES + 1)
            from .report_uploads import take  # it uses this module's helpers
            report = take(form.kind.data, filename, content, moment)  # a Teams, Zoom or Moodle report
            if report is not None and not isinstance(report, str):
                return report
            problem = report or uploads.file_problem(filename, content)
        if problem:
            form.file.errors.append(problem)
        elif (reading := mappings.reading_for(form.kind.data, filename, content, own_partner_id())).asked:
            pending = uploads.keep(form.kind.data, filename, content, current_user.id, own_partner_id(), None, moment,
                                   reading)
            db.session.commit()
            return redirect(url_for("mapping.choose", token=pending.token))
        elif len(content) > current_app.config["UPLOAD_JOB_BYTES"]:
            pending = uploads.keep(form.kind.data, filename, content, current_user.id, own_partner_id(), None, moment,
                                   reading)
            db.session.commit()
            return redirect(url_for("jobs.show", job_id=_job_for(UPLOAD_CHECK, pending).id))
        else:
            result = uploads.check(form.kind.data, filename, content, _context(), IN_A_REQUEST, reading.mapping)
            if result is None:
                form.file.errors.append(uploads.BUSY_MESSAGE)
            else:
                pending = uploads.keep(form.kind.data, filename, content, current_user.id, own_partner_id(), result,
                                       moment, reading)
                db.session.commit()
                return redirect(url_for("uploads.preview", token=pending.token))
    return render_template(
        "uploads/index.html", title="Uploads", form=form, kinds=kinds, kind_names=uploads.labels(),
        waiting=uploads.waiting(current_user.id, moment), limits=UPLOAD_LIMITS, most_waiting=uploads.MOST_WAITING,
        waiting_hours=uploads.WAITING_HOURS, batches=uploads.recent_imports(own_partner_id()),
        show_partner=current_user.is_edt,
    )


def _job_for(kind: str, pending: PendingUpload) -> Job:
    """The job checking or importing this upload, started now; or, for an import, the import of
    the partner's that is under way (one at a time), which may be another file's."""
    pending_id = pending.id
    params = {"upload": pending_id, "file": pending.filename, "kind": pending.kind, "today": today().isoformat(),
              "user": current_user.email, "at": now().isoformat()}  # at: the click, which the 24 hours count to
    job = start(kind, params, actor=current_user.email, partner_id=pending.partner_id)
    if json.loads(job.params)["upload"] == pending_id:
        uploads.link(pending_id, job.id)
        db.session.commit()
    return job


def shown_on_job_page(job: Job) -> dict | None:
    """The preview of the upload a job checks or imports, for the job's page: only to its uploader,
    as the preview page itself, and once checked."""
    if job.kind not in UPLOADS:
        return None
    pending = db.session.get(PendingUpload, json.loads(job.params)["upload"])
    if pending is None or pending.user_id != current_user.id or pending.state in (uploads.CHECKING, uploads.EXPIRED):
        return None
    return _preview_of(pending)


def _preview_of(pending: PendingUpload) -> dict:
    """What the preview shows of an upload: the stored result of its check, or of its import."""
    result = uploads.stored_result(pending)
    return dict(
        pending=pending, result=result, upload_states=uploads, kind_name=uploads.labels()[pending.kind],
        problems=uploads.problems(result.errors), shown=uploads.SHOWN_ERRORS,
        earlier=[] if pending.state == uploads.IMPORTED else uploads.earlier_imports(pending, own_partner_id()),
        meets=newly_met_summary(result.newly_met.counts()), shown_met=uploads.SHOWN_MET,
        **mappings.as_previewed(pending),
        shown_changes=uploads.SHOWN_CHANGES,
    )


@bp.get("/<token>")
@access(ANYONE)
def preview(token: str):
    pending = _pending_or_404(token)
    if uploads.expired(pending, now()):
        return _expired(pending)
    if pending.report_format and pending.state == uploads.WAITING:
        return redirect(url_for("report_uploads.review", token=token))
    if pending.state == uploads.CHECKING:
        return redirect(url_for("jobs.show", job_id=pending.job_id))
    if pending.state == uploads.MAPPING:
        return redirect(url_for("mapping.choose", token=token))
    shown = _preview_of(pending)
    if pending.state == uploads.IMPORTED:
        title = "File imported"
    elif pending.state == uploads.IMPORTING:
        title = "Your file is being imported"
    else:
        title = "Check your file" if shown["result"].ok else "Your file has problems"
    return render_template("uploads/preview.html", title=title, **shown)


@bp.get("/<token>/errors.csv")
@access(ANYONE)
def errors_csv(token: str):
    pending = _pending_or_404(token)
    result = uploads.stored_result(pending)
    rows = [[p.row, p.participant, p.column, p.message] for p in uploads.problems(result.errors)]
    if result.error_count > len(result.errors):
        rows.append(["", "", "", f"... and {result.error_count - len(result.errors)} more problems: fix these and "
                                 "upload the file again to see the rest"])
    stem = pending.filename.rpartition(".")[0] or pending.filename
    return Response(csv_text(["row", "participant", "column", "message"], rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_safe_name(stem)}-errors.csv"'})


@bp.get("/<token>/meets.csv")
@access(ANYONE)
def meets_csv(token: str):
    """Every output the file would newly meet (or, once imported, met), as the preview lists them."""
    pending = _pending_or_404(token)
    rows = [[m.participant_id, m.full_name, m.output, m.met_on.isoformat()]
            for m in uploads.stored_result(pending).newly_met.met]
    stem = pending.filename.rpartition(".")[0] or pending.filename
    return Response(csv_text(["participant_id", "full_name", "output", "met_on"], rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_safe_name(stem)}-meets.csv"'})


@bp.get("/<token>/changes.csv")
@access(ANYONE)
def changes_csv(token: str):
    """The records the file would change (or, once imported, changed), as many as its check kept."""
    pending = _pending_or_404(token)
    changes = uploads.stored_result(pending).described
    rows = [[c.participant_id, c.full_name, c.record, c.before, c.after, c.set_by] for c in changes.listed]
    if changes.count > len(rows):
        rows.append(["", "", f"... and {changes.count - len(rows):,} more changes", "", "", ""])
    stem = pending.filename.rpartition(".")[0] or pending.filename
    return Response(csv_text(["participant_id", "full_name", "record", "before", "after", "set_by"], rows),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_safe_name(stem)}-changes.csv"'})


@bp.get("/export/<kind>.csv")
@access(ANYONE)
def export(kind: str):
    """The stored records of a kind the user may upload, in its import format (`flask export KIND`):
    a partner's users get their own partner's; EDT one partner's (?partner=CODE) or every partner's."""
    found = next((k for k in uploads.kinds_for(current_user.role) if k.name == kind and k.export), None)
    if found is None:
        abort(404)
    code = request.args.get("partner", "").strip().upper()
    partner = partner_or_404(code) if code else None
    partner_id = partner.id if partner else own_partner_id()
    stem = kind if partner_id is None else f"{kind}-{partner.code if partner else current_user.partner.code}"
    return Response(export_csv(found.export, partner_id), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_safe_name(stem)}.csv"'})


def _safe_name(stem: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in stem)[:100] or "upload"


@bp.post("/<token>/confirm")
@access(ANYONE)
def confirm(token: str):
    """Import once: the request that claims the upload imports it; any other click on Confirm
    waits for that import and shows its result."""
    pending = _pending_or_404(token)
    moment = now()
    if uploads.expired(pending, moment):
        return _expired(pending)
    if pending.report_format and pending.state == uploads.WAITING:
        return redirect(url_for("report_uploads.review", token=token))  # confirmed from its review
    if pending.state == uploads.WAITING and pending.error_count:
        flash("Nothing was imported: the file has problems. Fix the file and upload it again.")
        return redirect(url_for("uploads.preview", token=token))
    filename, pending_id = pending.filename, pending.id
    if pending.job_id is not None:
        return _confirm_by_job(pending)
    if uploads.claim(pending, moment):
        result = uploads.confirm(pending, _context(), IN_A_REQUEST)
        if result is None:
            flash("Nothing was imported: the database was busy. Confirm the import again.")
            return redirect(url_for("uploads.preview", token=token))
        if not result.ok:
            flash("Nothing was imported: the file has problems now. Fix the file and upload it again.")
            return redirect(url_for("uploads.preview", token=token))
        flash(_imported(filename, result), "success")
        return redirect(url_for("uploads.index"))
    pending = uploads.outcome_of(pending_id)
    if pending is None:
        abort(404)
    if pending.state == uploads.IMPORTED:
        flash(_imported(filename, uploads.stored_result(pending)), "success")
        return redirect(url_for("uploads.index"))
    if pending.state == uploads.IMPORTING:
        flash("This file is still being imported: look again in a minute.")
    return redirect(url_for("uploads.preview", token=token))


def _confirm_by_job(pending: PendingUpload):
    """A large file is imported by a job: its page shows the import under way, then what it did.
    A second click finds that job under way, or the file imported."""
    if pending.state == uploads.IMPORTED:
        flash(_imported(pending.filename, uploads.stored_result(pending)), "success")
        return redirect(url_for("uploads.index"))
    token, filename = pending.token, pending.filename
    job = _job_for(UPLOAD_IMPORT, pending)
    other = json.loads(job.params)
    if other["upload"] != pending.id:
        flash(f"{other['file']} is being imported now, and a partnership's files are imported one at a time: "
              f"nothing was imported from {filename} yet. Confirm it again when that import has finished.")
        return redirect(url_for("uploads.preview", token=token))
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/<token>/cancel")
@access(ANYONE)
def cancel(token: str):
    pending = _pending_or_404(token)
    filename = pending.filename
    if not uploads.cancel(pending):
        db.session.rollback()
        flash(f"{filename} was imported or is being imported: it can no longer be cancelled")
        return redirect(url_for("uploads.preview", token=token))
    db.session.commit()
    flash(f"Upload of {filename} cancelled: nothing was imported", "success")
    return redirect(url_for("uploads.index"))
