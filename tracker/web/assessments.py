"""Assessments: EDT staff record a participant's summative assessment, one record at a time,
through tracker/assessments.py. Files of assessments are uploaded on the uploads page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from sqlalchemy import select
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..assessments import CREATED, UNCHANGED, UPDATED, record_assessment
from ..clock import today
from ..engagement.standing import participants_query, standings
from ..extensions import db
from ..models import AssessmentRecord, Participant
from ..models.people import participant_id_is
from ..rules.facts import FINAL
from ..words import ASSESSMENT_RESULT_LABELS, ASSESSMENT_STATUS_LABELS
from .access import EDT, access, participant_or_404
from .fields import DayMonthYear
from .refusals import attempt

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

RECENT = 50
OUTCOME_WORDS = {CREATED: "recorded", UPDATED: "updated", UNCHANGED: "already recorded: nothing changed"}
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
                           statuses=STATUS_LABELS, results=RESULT_LABELS, uploads=url_for("uploads.index"))


def _final_output(participant: Participant):
    found = standings(today(), participants_query().where(Participant.id == participant.id))
    return next((o for o in found[0].outputs if o.spec.kind == FINAL), None) if found else None


@bp.route("/<id:participant_id>/new", methods=["GET", "POST"])
@access(EDT)
def new(participant_id: str):
    participant = participant_or_404(participant_id)
    form = AssessmentForm()
    done = attempt(form, lambda: record_assessment(
        participant, status=form.status.data, result=form.result.data or "", recorded_on=form.recorded_on.data,
        actor=current_user.email, today=today()))
    if done:
        final = _final_output(participant)
        message = f"Assessment for {participant.participant_id} {OUTCOME_WORDS[done.result]}."
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
        results=RESULT_LABELS, participant_link=url_for("participants.show", participant_id=participant.participant_id),
    )

