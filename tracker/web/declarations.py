"""DfE declarations: where each stands, the downloads, and the states DfE reports.

The page, its downloads and `flask declarations` read one list (tracker/declarations/listing.py);
states are recorded through tracker/declarations/states.py.
"""
from __future__ import annotations

import json
from dataclasses import replace

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovTextArea
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..declarations.bodies import csv_file, json_lines
from ..declarations.dfe import configuration_problem
from ..declarations.listing import BLOCKED, STANDINGS, TO_SEND, rows, to_send
from ..declarations.money import statements_of
from ..declarations.produce import unsigned
from ..declarations.submit import pending, send_params
from ..declarations.sync import next_statement
from ..declarations.states import (
    change_many, change_state, current_record, history, reopen, states_csv,
)
from ..extensions import db
from ..jobs import kinds, start
from ..imports import importer_for, run_import
from ..imports.base import Context
from ..engagement.book import Book
from ..engagement.pages import declarations
from ..models import DeliveryPartner, Participant
from ..models.jobs import DONE
from ..models.people import participant_id_in, participant_key
from ..rules.declaration_states import STATES, VOIDED, reachable
from ..clock import today
from ..refusal import Refusal
from ..words import DECLARATION_STANDING_LABELS, DECLARATION_STATE_LABELS, DFE_NOT_SET_UP
from .access import ADMIN, EDT, access, participant_or_404
from .dfe_changes import job_here
from .refusals import attempt
from .paging import Page

bp = Blueprint("declarations", __name__, url_prefix="/declarations")

COHORTS = (1, 2, 3, 4)
OUTPUTS = (1, 2, 3, 4)
STATE_LABELS = DECLARATION_STATE_LABELS
STANDING_LABELS = DECLARATION_STANDING_LABELS


class StateForm(FlaskForm):
    state = SelectField("State DfE reports", widget=GovSelect(), validate_choice=False, validators=[DataRequired("Choose the state DfE reports")])
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Length(max=2000, message="Note must be 2000 characters or fewer")])


class ManyForm(FlaskForm):
    new_state = SelectField("New state of the selected declarations", widget=GovSelect(), validate_choice=False,
                        validators=[DataRequired("Choose the state DfE reports")])
    new_note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Length(max=2000, message="Note must be 2000 characters or fewer")])


class UploadForm(FlaskForm):
    file = FileField("CSV or XLSX file of declaration states", widget=GovFileInput(),
                     description="Columns participant_id, declaration_type and state (declaration_id and note are optional)",
                     validators=[FileRequired("Choose a CSV or XLSX file")])


def _filters() -> dict:
    def number(name, allowed):
        value = request.args.get(name, "")
        return int(value) if value.isdigit() and int(value) in allowed else None

    partner = request.args.get("partner", "").strip().upper() or None
    if partner and db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == partner)) is None:
        partner = None
    return {"partner": partner, "cohort": number("cohort", COHORTS), "output": number("output", OUTPUTS)}


def _standing() -> str:
    wanted = request.args.get("state", TO_SEND)
    return wanted if wanted in STANDINGS else TO_SEND


def _page(many: ManyForm | None = None, status: int = 200):
    filters, standing = _filters(), _standing()
    found = declarations(today(), **filters)
    shown = Page.of(found.of(standing))
    shown = replace(shown, items=[found.row(entry) for entry in shown.items])
    why = unsigned((r.declaration.participant_pk for r in shown.items if r.standing == BLOCKED), today())
    many = many or ManyForm(formdata=None)
    many.new_state.choices = [SelectChoice("", "Choose a state")] + [SelectChoice(s, STATE_LABELS[s]) for s in STATES]
    partners = db.session.scalars(select(DeliveryPartner.code).order_by(DeliveryPartner.code)).all()
    query = {k: v for k, v in filters.items() if v is not None}
    return render_template(
        "declarations/index.html", title="DfE declarations", shown=shown, standing=standing, counts=found.counts(),
        filters=query, cohorts=COHORTS, outputs=OUTPUTS, partners=partners, as_of=today(), why=why,
        state_labels=STATE_LABELS, standing_labels=STANDING_LABELS, standings=STANDINGS, many=many,
        selectable=standing in (TO_SEND,) + STATES, is_admin=current_user.role == "edt-admin",
        dfe_set_up=configuration_problem() is None, not_set_up=DFE_NOT_SET_UP,
        participant_link=lambda ref: url_for("participants.show", participant_id=ref), cut_off=next_statement(today()),
        **query,
    ), status


@bp.get("")
@access(EDT)
def index():
    return _page()


@bp.post("")
@access(EDT)
def change_selected():
    """One state for the declarations ticked on the page, all or nothing."""
    form = ManyForm()
    form.new_state.choices = [SelectChoice(s, s) for s in STATES]
    picked = request.form.getlist("selected")
    if not form.validate_on_submit():
        return _page(form, 400)
    if not picked:
        form.new_state.errors.append("Select at least one declaration")
        return _page(form, 400)
    refs = {ref for ref, _, _ in (p.partition("/") for p in picked)}
    pks = {participant_key(ref): pk for ref, pk in db.session.execute(
        select(Participant.participant_id, Participant.id).where(participant_id_in(refs)))}
    keys = [(pks[participant_key(ref)], kind) for ref, _, kind in (p.partition("/") for p in picked)
            if participant_key(ref) in pks]
    try:
        outcomes = change_many(keys, form.new_state.data, current_user.email, today(), (form.new_note.data or "").strip())
    except Refusal as refusal:
        db.session.rollback()
        form.new_state.errors.extend(refusal.message.splitlines())
        return _page(form, 400)
    db.session.commit()
    flash(f"{len(keys)} declarations are now {STATE_LABELS[form.new_state.data].lower()}: "
          + ", ".join(f"{v} {k}" for k, v in outcomes.items()), "success")
    return redirect(url_for("declarations.index", **request.args))


def _download(text: str, mimetype: str, name: str, extension: str) -> Response:
    filters = _filters()
    name = "-".join([name, today().isoformat()] + [f"{k}-{str(v).lower()}" for k, v in filters.items() if v])
    return Response(text, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'})


@bp.get("/declarations.jsonl")
@access(EDT)
def download_jsonl():
    """The request bodies of `flask declarations --as-of TODAY`, narrowed by the filters."""
    found = to_send(rows(today(), today(), **_filters()))
    return _download(json_lines(r.declaration for r in found), "application/x-ndjson", "declarations", "jsonl")


@bp.get("/declarations.csv")
@access(EDT)
def download_csv():
    return _download(csv_file(to_send(rows(today(), today(), **_filters()))), "text/csv", "declarations", "csv")


@bp.get("/states.csv")
@access(EDT)
def download_states():
    """`flask declarations states`: a declaration-states file that imports back unchanged."""
    return _download(states_csv(_filters()["partner"]), "text/csv", "declaration-states", "csv")


def stored_id(record) -> str | None:
    return record.dfe_id if record is not None and record.state in STATES and record.state != VOIDED else None


def _declaration(participant, kind: str):
    found = next((r for r in rows(today(), today(), pks=[participant.id]) if r.declaration.declaration_type == kind), None)
    record = current_record(participant.id, kind)
    events = history(participant.id, kind)
    if found is None and not events:
        abort(404)
    return found, record, events


@bp.route("/<id:participant_id>/<kind>", methods=["GET", "POST"])
@access(EDT)
def show(participant_id: str, kind: str):
    participant = participant_or_404(participant_id)
    found, record, events = _declaration(participant, kind)
    made = found.declaration if found and found.produced else None
    current = record.state if record and record.state in STATES else None
    form = StateForm()
    form.state.choices = [SelectChoice("", "Choose a state")] + [SelectChoice(s, STATE_LABELS[s]) for s in reachable(current)]
    recordable = bool(form.state.choices[1:]) and (current is not None or (made is not None and not made.blocked))
    outcome = []
    if recordable and attempt(form, lambda: outcome.append(change_state(
            form.state.data, current_user.email, declaration=made, record=record, note=(form.note.data or "").strip()))):
        if outcome != ["unchanged"]:
            flash(f"{participant.participant_id}'s {kind} declaration is now {STATE_LABELS[form.state.data].lower()}",
                  "success")
        return redirect(url_for("declarations.show", participant_id=participant.participant_id, kind=kind))
    why = unsigned([participant.id], today()).get(participant.id, ()) if made is not None and made.blocked else ()
    return render_template(
        "declarations/show.html", title=f"{participant.participant_id} {kind} declaration", form=form,
        participant=participant, kind=kind, found=found, made=made, stored=record, current=current, events=events,
        why=why, recordable=recordable, state_labels=STATE_LABELS, standing_labels=STANDING_LABELS,
        reopenable=current == VOIDED, voidable=bool(current and stored_id(record)) and current_user.role == "edt-admin",
        participant_link=url_for("participants.show", participant_id=participant.participant_id),
        statements=statements_of(record),
    )


@bp.post("/<id:participant_id>/<kind>/reopen")
@access(EDT)
def reopen_voided(participant_id: str, kind: str):
    participant = participant_or_404(participant_id)
    record = current_record(participant.id, kind)
    if record is None:
        abort(404)
    try:
        reopen(record, current_user.email, (request.form.get("note") or "").strip())
    except Refusal as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(f"{participant.participant_id}'s {kind} declaration is reopened: it is to send again", "success")
    return redirect(url_for("declarations.show", participant_id=participant.participant_id, kind=kind))


@bp.route("/states/upload", methods=["GET", "POST"])
@access(EDT)
def upload():
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        upload_file = form.file.data
        context = Context(today=today(), book=Book(), user=current_user.email)
        result = run_import(importer_for("declaration-states", context), upload_file.stream,
                            upload_file.filename or "upload.csv")
        if result.ok:
            db.session.commit()
            flash(f"Declaration states from {upload_file.filename}: {result.summary()}", "success")
            return redirect(url_for("declarations.index"))
        db.session.rollback()
        form.file.errors.append(f"{upload_file.filename} has {len(result.errors)} problem"
                                f"{'s' if len(result.errors) != 1 else ''}: nothing was recorded")
    return render_template("declarations/upload.html", title="Upload declaration states", form=form, result=result,
                           states=STATES)


@bp.route("/submit", methods=["GET", "POST"])
@access(ADMIN)
def submit_to_dfe():
    """EDT admins send the declarations to send to DfE: a confirmation naming how many, then the
    send job's page, which counts them as they go and lists the result of each."""
    partner = _filters()["partner"]
    if request.method == "GET":  # the POST does not list them again: the job does, so that it returns at once
        return render_template("declarations/submit.html", title="Send declarations to DfE",
                               count=len(pending(today(), today(), partner)), partner=partner,
                               configured=configuration_problem() is None, not_set_up=DFE_NOT_SET_UP)
    if not _configured():
        return redirect(url_for("declarations.submit_to_dfe", **({"partner": partner} if partner else {})))
    return _job_page(kinds.SEND_TO_DFE, send_params(today(), today(), partner, current_user.email))


@bp.post("/refresh")
@access(ADMIN)
def refresh_from_dfe():
    if not _configured():
        return redirect(url_for("declarations.index"))
    return _job_page(kinds.REFRESH_FROM_DFE, {"actor": current_user.email})


def _configured(words: str = DFE_NOT_SET_UP) -> bool:
    problem = configuration_problem()
    if problem:
        flash(words, "error")  # the variable's name is for the command line and the server's people
    return problem is None


def _job_page(kind: str, params: dict):
    """Starts the job (or finds the DfE job under way) and goes to its page."""
    job = start(kind, params, actor=current_user.email, partner_id=None)
    if json.loads(job.params) != params or job.kind != kind:
        flash("Another job talking to DfE is under way: this is its page. Start yours when it has finished.", "error")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/<id:participant_id>/<kind>/void")
@access(ADMIN)
def void_at_dfe(participant_id: str, kind: str):
    participant = participant_or_404(participant_id)
    if _configured():
        params = {"actor": current_user.email, "participant": participant.participant_id, "kind": kind}
        job = job_here(kinds.VOID_AT_DFE, params, "void it",
                       "DfE is being asked to void it: its answer shows here when the job has finished.")
        record = current_record(participant.id, kind)
        if job is not None and job.state == DONE and record is not None:
            flash(f"DfE voided {participant.participant_id}'s {kind} declaration: it is now "
                  f"{STATE_LABELS[record.state].lower()}", "success")
    return redirect(url_for("declarations.show", participant_id=participant.participant_id, kind=kind))
