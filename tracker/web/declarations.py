"""DfE declarations: what met outputs produce, the downloads, and the states DfE reports.

The list and both downloads read tracker/declarations/listing.py, which reuses the code of
`flask declarations`; states are recorded through tracker/declarations/states.py.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovTextArea
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..clock import today
from ..declarations.listing import build, for_participants, jsonl, csv_file, records, unsigned
from ..declarations.states import change_state, history, import_states
from ..extensions import db
from ..rules.declaration_states import STATES, reachable
from .access import EDT, access, participant_or_404
from .refusals import attempt

bp = Blueprint("declarations", __name__, url_prefix="/declarations")

PER_PAGE = 100
COHORTS = (1, 2, 3, 4)
OUTPUTS = (1, 2, 3, 4)
STATE_LABELS = {
    "submitted": "Submitted", "eligible": "Eligible", "ineligible": "Ineligible", "payable": "Payable",
    "paid": "Paid", "voided": "Voided", "awaiting-clawback": "Awaiting clawback", "clawed-back": "Clawed back",
}


class StateForm(FlaskForm):
    state = SelectField("State DfE reports", widget=GovSelect(), validate_choice=False, validators=[DataRequired("Choose the state DfE reports")])
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Length(max=2000, message="Note must be 2000 characters or fewer")])


class UploadForm(FlaskForm):
    file = FileField("CSV or XLSX file of declaration states", widget=GovFileInput(),
                     description="Columns participant_id, declaration_type and state (note is optional)",
                     validators=[FileRequired("Choose a CSV or XLSX file")])


@dataclass(frozen=True)
class Paged:
    """One page of a long list; `arg` is the query-string parameter that picks the page."""

    items: list
    number: int
    pages: int
    arg: str

    @classmethod
    def of(cls, items: list, arg: str) -> Paged:
        pages = max(1, -(-len(items) // PER_PAGE))
        raw = request.args.get(arg, "1")
        number = min(int(raw), pages) if raw.isdigit() and int(raw) > 0 else 1
        return cls(items[(number - 1) * PER_PAGE : number * PER_PAGE], number, pages, arg)


def _filters() -> tuple[int | None, int | None]:
    def number(name, allowed):
        value = request.args.get(name, "")
        return int(value) if value.isdigit() and int(value) in allowed else None

    return number("cohort", COHORTS), number("output", OUTPUTS)


def link(endpoint: str, **values) -> str | None:
    """A URL for an endpoint another page provides, or None while it does not exist."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


@bp.get("")
@access(EDT)
def index():
    cohort, output = _filters()
    listing = build(today(), cohort, output)
    filters = {k: v for k, v in (("cohort", cohort), ("output", output)) if v is not None}
    ready, blocked = Paged.of(listing.ready, "page"), Paged.of(listing.blocked, "blocked_page")
    return render_template(
        "declarations/index.html", title="DfE declarations", listing=listing, ready=ready, blocked=blocked,
        filters=filters, cohort=cohort, output=output, cohorts=COHORTS, outputs=OUTPUTS,
        as_of=today(), state_labels=STATE_LABELS, participant_link=lambda ref: link("participants.show", participant_id=ref),
    )


def _download(text: str, mimetype: str, extension: str) -> Response:
    cohort, output = _filters()
    name = "-".join(["declarations", today().isoformat()] + [f"cohort-{cohort}"] * bool(cohort)
                    + [f"output-{output}"] * bool(output))
    return Response(text, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'})


@bp.get("/declarations.jsonl")
@access(EDT)
def download_jsonl():
    """The request bodies of `flask declarations --as-of TODAY`, narrowed by the filters."""
    return _download(jsonl(build(today(), *_filters())), "application/x-ndjson", "jsonl")


@bp.get("/declarations.csv")
@access(EDT)
def download_csv():
    return _download(csv_file(build(today(), *_filters())), "text/csv", "csv")


def _declaration(participant, kind: str):
    made = next((d for d in for_participants(today(), [participant.id]) if d.declaration_type == kind), None)
    stored = records([participant.id]).get((participant.id, kind))
    if made is None and stored is None:
        abort(404)
    return made, stored


@bp.route("/<participant_id>/<kind>", methods=["GET", "POST"])
@access(EDT)
def show(participant_id: str, kind: str):
    participant = participant_or_404(participant_id)
    made, stored = _declaration(participant, kind)
    current = stored.state if stored else None
    form = StateForm()
    form.state.choices = [SelectChoice("", "Choose a state")] + [SelectChoice(s, STATE_LABELS[s]) for s in reachable(current)]
    recordable = bool(form.state.choices[1:]) and (stored is not None or not made.blocked)
    outcome = []
    if recordable and attempt(form, lambda: outcome.append(change_state(
            form.state.data, current_user.email, declaration=made, record=stored, note=(form.note.data or "").strip()))):
        if outcome != ["unchanged"]:
            flash(f"{participant.participant_id}'s {kind} declaration is now {STATE_LABELS[form.state.data].lower()}",
                  "success")
        return redirect(url_for("declarations.show", participant_id=participant.participant_id, kind=kind))
    why = unsigned([participant.id]).get(participant.id, ()) if made is not None and made.blocked else ()
    return render_template(
        "declarations/show.html", title=f"{participant.participant_id} {kind} declaration", form=form,
        participant=participant, kind=kind, made=made, stored=stored, events=history(stored), why=why,
        recordable=recordable, state_labels=STATE_LABELS,
        participant_link=link("participants.show", participant_id=participant.participant_id),
    )


@bp.route("/states/upload", methods=["GET", "POST"])
@access(EDT)
def upload():
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        upload_file = form.file.data
        result = import_states(upload_file.stream, upload_file.filename or "upload.csv", today(), current_user.email)
        if result.ok:
            db.session.commit()
            flash(f"Declaration states from {upload_file.filename}: {result.summary()}", "success")
            return redirect(url_for("declarations.index"))
        db.session.rollback()
        form.file.errors.append(f"{upload_file.filename} has {len(result.errors)} problem"
                                f"{'s' if len(result.errors) != 1 else ''}: nothing was recorded")
    return render_template("declarations/upload.html", title="Upload declaration states", form=form, result=result,
                           states=STATES)
