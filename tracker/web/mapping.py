"""The column mapping page: an upload whose headings are not its kind's asks its uploader, once,
which column holds each field (or one value for the whole file), then is checked with that mapping
and previewed as any upload. The mapping is remembered when the file is imported
(registers/mappings.py), and the preview of a file read with it links here to change it.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from ..clock import now
from ..extensions import db
from ..imports.mapping import headings_key
from ..imports.serial import IN_A_REQUEST
from ..jobs.kinds import UPLOAD_CHECK
from ..registers import mappings, uploads
from .access import ANYONE, access
from .uploads import _context, _expired, _job_for, _pending_or_404

bp = Blueprint("mapping", __name__, url_prefix="/uploads")

MAPPABLE = (uploads.MAPPING, uploads.WAITING)  # not while it is checked or imported


@bp.route("/<token>/columns", methods=["GET", "POST"])
@access(ANYONE)
def choose(token: str):
    pending = _pending_or_404(token)
    if uploads.expired(pending, now()):
        return _expired(pending)
    if pending.state not in MAPPABLE or not pending.content:
        return redirect(url_for("uploads.preview", token=token))
    found = mappings.head(pending.filename, pending.content)
    if found is None:  # not read at upload either: its check says why
        flash("The file could not be read: upload it again")
        return redirect(url_for("uploads.index"))
    form = FlaskForm()
    problems, fields = {}, mappings.fields_of(pending.kind, found, mappings.mapping_of(pending))
    if form.validate_on_submit():
        columns = {one.name: request.form.get(f"column-{one.name}", "") for one in fields}
        values = {one.name: request.form.get(f"value-{one.name}", "") for one in fields}
        chosen = mappings.chosen(pending.kind, found, columns, values, _context(), pending.filename)
        if not chosen.problems:
            reading = mappings.Reading(chosen.mapping, pending.headings_key or headings_key(found.header))
            return _check(pending, reading)
        problems = chosen.problems
        fields = [mappings.Field(one.name, one.required, one.names_participant, one.takes_value,
                                 found.heading_for(columns[one.name]) or "", values[one.name].strip())
                  for one in fields]
    return render_template(
        "uploads/mapping.html", title="Error: Match the file's columns" if problems else "Match the file's columns",
        pending=pending, kind_name=uploads.labels()[pending.kind], headings=found.headings, fields=fields,
        problems=problems, csrf_form=form)


def _check(pending, reading: mappings.Reading):
    """Check the file with the chosen mapping, in the request or, for a large file, by a job; then
    show its preview (the job's page shows it for a large file)."""
    content = pending.content
    if len(content) > current_app.config["UPLOAD_JOB_BYTES"]:
        uploads.read_with(pending, reading, None)
        db.session.commit()
        return redirect(url_for("jobs.show", job_id=_job_for(UPLOAD_CHECK, pending).id))
    result = uploads.check(pending.kind, pending.filename, content, _context(), IN_A_REQUEST, reading.mapping)
    if result is None:
        flash("The database was too busy to check the file, or another file of your partnership was being imported: "
              "choose Continue again in a minute")
        return redirect(url_for("mapping.choose", token=pending.token))
    uploads.read_with(pending, reading, result)
    db.session.commit()
    return redirect(url_for("uploads.preview", token=pending.token))

