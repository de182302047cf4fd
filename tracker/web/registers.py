"""Registers: a facilitator takes the register of a training event for their group.

The steps (who is in the group, what a mark changes) live in tracker/registers/sessions.py.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from sqlalchemy import select
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Optional, ValidationError

from ..clock import today
from ..extensions import db
from ..formats import long_date
from ..imports.serial import IN_A_REQUEST, Busy
from ..models import Cohort, DeliveryPartner, RegisterSession
from ..refusal import Refusal
from ..registers.sessions import (
    cohorts, create_session, current_marks, event_of, group, in_turn, mark_everyone_attended, save_marks,
    imported_in_scope, open_imported, session_date_problem, sessions_in_scope, training_events,
)
from ..rules.facts import ABSENT, ATTENDED, CONTINGENCY
from ..words import MARK_LABELS, NOT_MARKED
from .access import ANYONE, access, guard_partner_id, own_partner_id
from .fields import DayMonthYear
from .refusals import attempt

bp = Blueprint("registers", __name__, url_prefix="/registers")

MARK_CHOICES = [SelectChoice(mark, MARK_LABELS[mark]) for mark in (ATTENDED, ABSENT, CONTINGENCY)]
_MARK_CLASSES = {ATTENDED: "govuk-tag--green", ABSENT: "govuk-tag--red", CONTINGENCY: "govuk-tag--yellow"}
MARK_TAGS = {mark: (MARK_LABELS[mark], classes) for mark, classes in _MARK_CLASSES.items()} | {
    None: (NOT_MARKED, "govuk-tag--grey")}


class NewRegisterForm(FlaskForm):
    partner = SelectField("Delivery partner", widget=GovSelect(),
                          validators=[DataRequired("Choose the delivery partner")])
    event = SelectField("Training event", widget=GovSelect(), description="Course, block and event",
                        validators=[DataRequired("Choose the training event")])
    cohort = SelectField("Cohort", widget=GovSelect(), validators=[DataRequired("Choose the cohort")])
    session_date = DayMonthYear("Session date", description="The day the session took place, for example 27 3 2023")

    def validate_session_date(self, field):
        problem = field.data and session_date_problem(field.data, today())
        if problem:
            raise ValidationError(problem)


def _marks_form(members, stored):
    """One set of radios per participant, named p<pk>, filled with the current marks."""

    class MarksForm(FlaskForm):
        pass

    values = [choice.value for choice in MARK_CHOICES]
    for person in members:
        name = f"{person.full_name} ({person.participant_id})"
        setattr(MarksForm, f"p{person.id}", RadioField(
            f"Mark for {name}", choices=MARK_CHOICES, widget=GovRadioInput(), validate_choice=False,
            validators=[Optional(), AnyOf(values, message=f"Choose attended, absent or contingency for {name}")],
        ))
    return MarksForm(data={f"p{pid}": entry.mark for pid, entry in stored.items()})


def _session_or_404(session_id: int) -> RegisterSession:
    session = db.session.get(RegisterSession, session_id)
    if session is None:
        abort(404)
    guard_partner_id(session.partner_id)
    return session


def _saved(count: int) -> str:
    if count == 0:
        return "No marks changed"
    return f"{count} mark{'' if count == 1 else 's'} saved"


@bp.get("")
@access(ANYONE)
def index():
    return render_template("registers/index.html", title="Registers", rows=sessions_in_scope(own_partner_id()),
                           imported=imported_in_scope(own_partner_id()), show_partner=current_user.is_edt)


@bp.post("/imported")
@access(ANYONE)
def open_imported_register():
    """Open a register imported from an attendance file, to correct it like one taken here."""
    form = request.form
    try:
        activity_id, cohort = int(form.get("event", "")), int(form.get("cohort", ""))
        session_date = date.fromisoformat(form.get("session_date", ""))
    except ValueError:
        abort(404)
    partner_id = own_partner_id()
    if partner_id is None:
        partner = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == form.get("partner", "")))
        if partner is None:
            abort(404)
        partner_id = partner.id
    try:
        session = open_imported(partner_id=partner_id, activity_id=activity_id, cohort=cohort,
                                session_date=session_date, actor=current_user.email)
    except Refusal:
        db.session.rollback()
        abort(404)
    db.session.commit()
    return redirect(url_for("registers.show", session_id=session.id))


@bp.route("/new", methods=["GET", "POST"])
@access(ANYONE)
def new():
    form = NewRegisterForm()
    form.event.choices = [SelectChoice("", "Choose a training event")] + [
        SelectChoice(str(e.activity_id), e.label) for e in training_events()]
    form.cohort.choices = [SelectChoice("", "Choose a cohort")] + [SelectChoice(str(c.number), c.name) for c in cohorts()]
    if current_user.is_edt:
        partners = db.session.scalars(select(DeliveryPartner).order_by(DeliveryPartner.code))
        form.partner.choices = [SelectChoice("", "Choose a delivery partner")] + [
            SelectChoice(str(p.id), f"{p.code} – {p.name}") for p in partners]
    else:
        del form.partner
    done = attempt(form, lambda: create_session(
        partner_id=int(form.partner.data) if current_user.is_edt else current_user.partner_id,
        activity_id=int(form.event.data), cohort=int(form.cohort.data),
        session_date=form.session_date.data, today=today(), actor=current_user.email))
    if done:
        session, created = done.result
        if created:
            flash("Register created: mark everyone as attended, then change the marks of anyone who was not",
                  "success")
        else:
            flash("A register for this session already exists: here it is")
        return redirect(url_for("registers.show", session_id=session.id))
    return render_template("registers/new.html", title="Take a register", form=form)


@bp.route("/<int:session_id>", methods=["GET", "POST"])
@access(ANYONE)
def show(session_id: int):
    session = _session_or_404(session_id)
    members = group(session)
    stored = current_marks(session, [p.id for p in members])
    form = _marks_form(members, stored)
    if form.validate_on_submit():
        wanted = {p.id: form[f"p{p.id}"].data for p in members if form[f"p{p.id}"].data}
        actor = current_user.email
        _in_turn(lambda: save_marks(session, wanted, actor), session.partner_id)
        return redirect(url_for("registers.show", session_id=session.id))
    rows = [(person, stored.get(person.id), form[f"p{person.id}"]) for person in members]
    event = event_of(session.activity_id)
    return render_template(
        "registers/show.html", title=f"Register: {event.label}, {long_date(session.session_date)}", form=form, session=session, rows=rows,
        event=event, partner=db.session.get(DeliveryPartner, session.partner_id),
        cohort=db.session.get(Cohort, session.cohort), mark_tags=MARK_TAGS,
        unmarked=sum(1 for person in members if person.id not in stored),
    )


@bp.post("/<int:session_id>/mark-all")
@access(ANYONE)
def mark_all(session_id: int):
    session = _session_or_404(session_id)
    actor = current_user.email
    _in_turn(lambda: mark_everyone_attended(session, actor), session.partner_id)
    return redirect(url_for("registers.show", session_id=session.id))


def _in_turn(change, partner_id: int) -> None:
    """Save marks in turn with the partner's imports, waiting a few seconds at most for one."""
    try:
        flash(_saved(in_turn(change, partner_id, IN_A_REQUEST)), "success")
    except Busy as busy:
        db.session.rollback()
        flash(f"{busy.message}.", "error")
