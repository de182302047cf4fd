"""Assessments: EDT staff record a participant's summative assessment, one record at a time.

A record entered here goes through the assessments importer's own rules (its row checks,
and its identity participant + recorded date: the same date again updates that record),
then met_on is recomputed and the change audited. Files of assessments are uploaded on the
uploads page.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from sqlalchemy import select
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..clock import today
from ..audit import record
from ..engagement.book import Book
from ..engagement.recompute import recompute
from ..engagement.standing import participants_query, standings
from ..extensions import db
from ..imports.base import Context, ImportResult, RowError
from ..imports.evidence import AssessmentsImporter
from ..models import AssessmentRecord, Participant
from ..models.people import participant_id_is
from ..rules.facts import FINAL
from ..words import ASSESSMENT_RESULT_LABELS, ASSESSMENT_STATUS_LABELS
from .access import EDT, access, participant_or_404
from .fields import DayMonthYear

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

RECENT = 50
STATUS_LABELS, RESULT_LABELS = ASSESSMENT_STATUS_LABELS, ASSESSMENT_RESULT_LABELS


class AssessmentForm(FlaskForm):
    status = RadioField("Assessment status", widget=GovRadioInput(), choices=[SelectChoice(v, label) for v, label in STATUS_LABELS.items()],
                        validators=[DataRequired("Choose the assessment status")])
    result = RadioField("Result", widget=GovRadioInput(), choices=[SelectChoice(v, label) for v, label in RESULT_LABELS.items()],
                        default="",
                        description="A result needs the status marked or moderated")
    recorded_on = DayMonthYear("Date recorded", description="The date of the assessment's status, not in the future, for example 27 3 2024")


class FindForm(FlaskForm):
    participant_id = StringField("Participant ID", widget=GovTextInput())


def _link(endpoint: str, **values) -> str | None:
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


@bp.get("")
@access(EDT)
def index():
    find = FindForm(request.args, meta={"csrf": False})
    ref = (find.participant_id.data or "").strip()
    if ref:
        found = db.session.scalar(select(Participant.participant_id).where(participant_id_is(ref)))
        if found is not None:
            return redirect(url_for("assessments.new", participant_id=found))
        find.participant_id.errors = [f"There is no participant with the ID {ref}"]
    recent = db.session.execute(
        select(AssessmentRecord, Participant.participant_id, Participant.full_name)
        .join(Participant, Participant.id == AssessmentRecord.participant_id)
        .order_by(AssessmentRecord.recorded_on.desc(), AssessmentRecord.id.desc())
        .limit(RECENT)
    ).all()
    return render_template("assessments/index.html", title="Assessments", form=find, recent=recent,
                           statuses=STATUS_LABELS, results=RESULT_LABELS, uploads=_link("uploads.index"))


def save_assessment(participant: Participant, status: str, result: str, recorded_on: date, actor: str) -> str:
    """Write one record through the assessments importer's checks: "created", "updated" or "unchanged".

    Raises RowError naming the column, as the importer reports a bad row.
    """
    book = Book()
    importer = AssessmentsImporter(Context(today(), book, user=actor))
    key, values = importer.parse({"participant_id": participant.participant_id, "status": status, "result": result,
                                  "recorded_on": recorded_on.isoformat()})
    outcome = ImportResult(importer.kind)
    importer.apply({key: values}, outcome, dry_run=False)
    after = {"status": values[0], "result": values[1], "recorded_on": recorded_on, "entered": "in the browser"}
    if outcome.created:
        record(actor, "create", "assessments", participant_id=participant.id, after=after)
    elif outcome.updated:
        record(actor, "update", "assessments", participant_id=participant.id, before=outcome.changes[0][2], after=after)
    if outcome.touched:
        recompute(outcome.touched, book)
    return "created" if outcome.created else "updated" if outcome.updated else "unchanged"


def _final_output(participant: Participant):
    found = standings(today(), participants_query().where(Participant.id == participant.id))
    return next((o for o in found[0].outputs if o.spec.kind == FINAL), None) if found else None


@bp.route("/<participant_id>/new", methods=["GET", "POST"])
@access(EDT)
def new(participant_id: str):
    participant = participant_or_404(participant_id)
    form = AssessmentForm()
    if form.validate_on_submit():
        try:
            outcome = save_assessment(participant, form.status.data, form.result.data or "", form.recorded_on.data,
                                      current_user.email)
        except RowError as error:
            field = getattr(form, error.column, form.status)
            field.errors = list(field.errors) + [error.message[0].upper() + error.message[1:]]
        else:
            db.session.commit()
            final = _final_output(participant)
            words = {"created": "recorded", "updated": "updated", "unchanged": "already recorded: nothing changed"}[outcome]
            message = f"Assessment for {participant.participant_id} {words}."
            if final is not None:
                message += f" Final output: {final.status.replace('-', ' ')}"
                message += f" (met on {final.met_on.isoformat()})." if final.met_on else "."
            flash(message, "success")
            return redirect(url_for("assessments.new", participant_id=participant.participant_id))
    records = db.session.scalars(
        select(AssessmentRecord).where(AssessmentRecord.participant_id == participant.id)
        .order_by(AssessmentRecord.recorded_on.desc())
    ).all()
    return render_template(
        "assessments/new.html", title=f"Record an assessment for {participant.participant_id}", form=form,
        participant=participant, records=records, final=_final_output(participant), statuses=STATUS_LABELS,
        results=RESULT_LABELS, participant_link=_link("participants.show", participant_id=participant.participant_id),
    )

