"""What a delivery partner does about a participant: contacts, extensions, deferrals, withdrawals.

The views gather input and hand it to tracker/escalation, which checks it against the rules,
writes the records and the audit trail; a problem it finds is shown on the field it names.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..clock import today
from ..agreements import AGREEMENTS, record_signed
from ..engagement.book import Book
from ..engagement.standing import participants_query, standings
from ..escalation.available import (AGREEMENT, CONTACT, CONTACTERS, DECIDERS, DECIDERS_OF_WITHDRAWALS, DECISION, DEFERRAL,
                                    EXTENSION, PROPOSERS, WITHDRAWAL, available_actions)
from ..escalation.contacts import log_contact
from ..escalation.deferrals import defer, give_reason, later_cohorts, open_deferral, return_from_deferral
from ..escalation.extensions import agree_extension, extendable, why_not_extend
from ..engagement.history import escalation_history
from ..escalation.withdrawals import (confirm_withdrawal, decline_withdrawal, propose_withdrawal,
                                      recently_decided, waiting, why_not_propose)
from ..extensions import db
from ..formats import long_date
from ..models import Participant, WithdrawalRequest
from ..rules.facts import ACTIVE, DEFERRED
from ..words import (CONTACT_METHOD_LABELS, CONTACT_OUTCOME_LABELS, DEFERRAL_REASON_LABELS, WITHDRAWAL_REASON_LABELS,
                     WITHDRAWAL_STATE_LABELS)
from .access import ANYONE, access, participant_or_404
from .fields import DayMonthYear
from .refusals import attempt

bp = Blueprint("actions", __name__)

LABELS = {"method": CONTACT_METHOD_LABELS, "outcome": CONTACT_OUTCOME_LABELS,
          "reason": WITHDRAWAL_REASON_LABELS, "state": WITHDRAWAL_STATE_LABELS}
NOTE_LIMIT = 2000


def _note(label="Note (optional)"):
    return TextAreaField(label, widget=GovTextArea(), validators=[
        Length(max=NOTE_LIMIT, message=f"The note must be {NOTE_LIMIT} characters or fewer")])


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class ContactForm(FlaskForm):
    contacted_on = DayMonthYear("Date of contact")
    method = RadioField("How did you contact them?", widget=GovRadioInput(), choices=_choices(CONTACT_METHOD_LABELS),
                        validate_choice=False, validators=[InputRequired("Select how you contacted the participant")])
    outcome = RadioField("What was the outcome?", widget=GovRadioInput(), choices=_choices(CONTACT_OUTCOME_LABELS),
                         validate_choice=False, validators=[InputRequired("Select the outcome of the contact")])
    note = _note("Note (optional)")


class ExtensionForm(FlaskForm):
    output = RadioField("Which output is the deadline for?", widget=GovRadioInput(), coerce=int,
                        validate_choice=False,
                        validators=[InputRequired("Select the output the extended deadline is for")])
    deadline = DayMonthYear("Extended deadline", description="After today and after the output's review date. "
                                                          "For example, 27 3 2023")
    agreed_on = DayMonthYear("Date agreed", optional=True, description="The day you agreed it with the participant, today or "
                                                         "earlier. For example, 27 3 2023")
    note = _note("What did you agree? (optional)")


def _deferral_reason():
    return RadioField("Reason for the deferral", widget=GovRadioInput(), choices=_choices(DEFERRAL_REASON_LABELS),
                      validate_choice=False, description="DfE is told of the deferral with this reason.",
                      validators=[InputRequired("Select the reason for the deferral")])


class DeferralForm(FlaskForm):
    deferred_on = DayMonthYear("Date of deferral")
    reason = _deferral_reason()
    note = _note()


class DeferralReasonForm(FlaskForm):
    reason = _deferral_reason()


class ReturnForm(FlaskForm):
    returned_on = DayMonthYear("Date of return", description="On or after the date of deferral. For example, 27 3 2023")
    to_cohort = RadioField("Cohort after the return", widget=GovRadioInput(), validate_choice=False, default="",
                           description="Outputs met before the deferral keep their dates; later outputs follow "
                                       "the chosen cohort's review dates.")
    note = _note()


class WithdrawalForm(FlaskForm):
    reason = RadioField("Reason for withdrawal", widget=GovRadioInput(), choices=_choices(WITHDRAWAL_REASON_LABELS),
                        validate_choice=False, validators=[InputRequired("Select the reason for withdrawal")])
    withdrawn_on = DayMonthYear("Date of withdrawal", description="The date the participant left the course or told you "
                                                               "they were leaving. For example, 27 3 2023")
    note = _note()


class AgreementForm(FlaskForm):
    agreement = RadioField("Which agreement was signed?", widget=GovRadioInput(), validate_choice=False,
                           choices=[SelectChoice(k, v.capitalize()) for k, v in AGREEMENTS.items()],
                           validators=[InputRequired("Select the school contract or the sponsorship agreement")])
    signed_on = DayMonthYear("Date signed", description="The date on the signed agreement. For example, 27 3 2023")


class DecisionForm(FlaskForm):
    note = _note("Decision note")


def _participant_page(participant: Participant):
    return redirect(url_for("participants.show", participant_id=participant.participant_id))


ENDPOINTS = {CONTACT: "actions.contact", EXTENSION: "actions.extension", DEFERRAL: "actions.deferral",
             WITHDRAWAL: "actions.withdrawal", AGREEMENT: "actions.agreement"}


def action_links(participant: Participant) -> list[tuple[str, str]]:
    """(url, text) of what the signed-in user may do about the participant now."""
    return [(url_for("actions.withdrawals") if action.kind == DECISION
             else url_for(ENDPOINTS[action.kind], participant_id=participant.participant_id), action.text)
            for action in available_actions(participant, current_user.role)]


def _standing(participant: Participant, book: Book | None = None):
    found = standings(today(), participants_query().where(Participant.id == participant.id), book)
    return found[0]


def _render(template: str, participant: Participant, **context):
    return render_template(f"actions/{template}", participant=participant, labels=LABELS, **context)


@bp.route("/participants/<id:participant_id>/agreements", methods=["GET", "POST"])
@access(DECIDERS)
def agreement(participant_id: str):
    participant = participant_or_404(participant_id)
    form = AgreementForm()
    if attempt(form, lambda: record_signed(participant, form.agreement.data, signed_on=form.signed_on.data,
                                           actor=current_user.email, today=today())):
        flash(f"{AGREEMENTS[form.agreement.data].capitalize()} of {participant.full_name} recorded as signed on "
              f"{long_date(form.signed_on.data)}.", "success")
        return _participant_page(participant)
    return _render("agreement.html", participant, form=form, title="Record a signed agreement")


@bp.route("/participants/<id:participant_id>/contacts/new", methods=["GET", "POST"])
@access(CONTACTERS)
def contact(participant_id: str):
    participant = participant_or_404(participant_id)
    form = ContactForm()
    if not form.is_submitted():
        form.contacted_on.data = today()  # most contacts are logged the day they happen
    if attempt(form, lambda: log_contact(
            participant, contacted_on=form.contacted_on.data, method=form.method.data, outcome=form.outcome.data,
            note=form.note.data, actor=current_user.email, today=today())):
        flash(f"Contact with {participant.full_name} logged.", "success")
        return _participant_page(participant)
    return _render("contact.html", participant, form=form, title="Log a contact")


@bp.route("/participants/<id:participant_id>/extensions/new", methods=["GET", "POST"])
@access(DECIDERS)
def extension(participant_id: str):
    participant = participant_or_404(participant_id)
    book = Book()
    schedule = book.schedule(participant.course_id, participant.cohort)
    outputs = extendable(schedule)
    form = ExtensionForm()
    form.output.choices = [
        SelectChoice(spec.number, f"Output {spec.number}: {spec.name} (review date {long_date(spec.review_date)})")
        for spec in outputs]
    if not form.is_submitted():
        form.output.data = _standing(participant, book).escalation.output
        form.agreed_on.data = today()
    refusal = why_not_extend(participant, schedule)
    if refusal is None and attempt(form, lambda: agree_extension(
            participant, schedule, output=form.output.data, deadline=form.deadline.data, note=form.note.data,
            actor=current_user.email, today=today(), agreed_on=form.agreed_on.data)):
        flash(f"Extended deadline for Output {form.output.data} agreed with {participant.full_name}: "
              f"{long_date(form.deadline.data)}.", "success")
        return _participant_page(participant)
    return _render("extension.html", participant, form=None if refusal else form, refusal=refusal,
                   title="Agree an extended deadline")


@bp.route("/participants/<id:participant_id>/deferral", methods=["GET", "POST"])
@access(DECIDERS)
def deferral(participant_id: str):
    participant = participant_or_404(participant_id)
    if participant.status == ACTIVE:
        form, title = DeferralForm(), "Record a deferral"
        done = attempt(form, lambda: defer(participant, deferred_on=form.deferred_on.data, note=form.note.data,
                                            actor=current_user.email, today=today(), reason=form.reason.data))
        message = f"{participant.full_name} is deferred and no longer chased."
    elif participant.status == DEFERRED:
        form, title = ReturnForm(), "Record a return from deferral"
        cohorts = later_cohorts(participant) if current_user.is_edt and open_deferral(participant) else []
        form.to_cohort.choices = [SelectChoice("", f"Stay in cohort {participant.cohort}")] + [
            SelectChoice(str(c), f"Move to cohort {c}") for c in cohorts]
        if not cohorts:
            del form.to_cohort
        done = attempt(form, lambda: return_from_deferral(
            participant, returned_on=form.returned_on.data, note=form.note.data, actor=current_user.email,
            today=today(), to_cohort=int(form.to_cohort.data) if cohorts and form.to_cohort.data else None))
        message = f"{participant.full_name} has returned from deferral and is active again."
    else:
        return _render("deferral.html", participant, form=None, title="Record a deferral",
                       refusal=f"{participant.full_name} has withdrawn, so cannot be deferred.")
    if done:
        flash(message, "success")
        return _participant_page(participant)
    return _deferral_page(participant, form, title)


def _deferral_page(participant: Participant, form, title: str, reason_form: DeferralReasonForm | None = None):
    """The deferral page; for an open deferral recorded without DfE's reason, a form to give it."""
    deferral = open_deferral(participant)
    if deferral is not None and deferral.reason not in DEFERRAL_REASON_LABELS and reason_form is None:
        reason_form = DeferralReasonForm(formdata=None)
    return _render("deferral.html", participant, form=form, title=title, deferral=deferral, reason_form=reason_form)


@bp.post("/participants/<id:participant_id>/deferral/reason")
@access(DECIDERS)
def deferral_reason(participant_id: str):
    participant = participant_or_404(participant_id)
    deferral = open_deferral(participant)
    if deferral is None:
        abort(404)
    form = DeferralReasonForm()
    if attempt(form, lambda: give_reason(deferral, form.reason.data, current_user.email)):
        flash(f"DfE's reason for {participant.full_name}'s deferral is recorded: "
              f"{DEFERRAL_REASON_LABELS[form.reason.data].lower()}. DfE is told with the next changes sent.", "success")
        return _participant_page(participant)
    return _deferral_page(participant, ReturnForm(formdata=None), "Record a return from deferral", form), 400


@bp.route("/participants/<id:participant_id>/withdrawal/new", methods=["GET", "POST"])
@access(PROPOSERS)
def withdrawal(participant_id: str):
    participant = participant_or_404(participant_id)
    form, refusal = WithdrawalForm(), why_not_propose(participant)
    if refusal is None and attempt(form, lambda: propose_withdrawal(
            participant, reason=form.reason.data, withdrawn_on=form.withdrawn_on.data, note=form.note.data,
            actor=current_user.email, today=today())):
        flash(f"Withdrawal of {participant.full_name} proposed. They stay on the course until EDT staff confirm it.",
              "success")
        return _participant_page(participant)
    return _render("withdrawal.html", participant, form=None if refusal else form, refusal=refusal,
                   title="Propose a withdrawal")


def _decision_form(proposal_id: int) -> DecisionForm:
    form = DecisionForm()
    form.note.id = f"decision-note-{proposal_id}"
    return form


def _withdrawals_page(failed: DecisionForm | None = None, failed_id: int | None = None, status: int = 200):
    proposals = waiting()
    forms = {proposal.id: _decision_form(proposal.id) for proposal, _ in proposals}
    if failed is not None:
        forms[failed_id] = failed
    return render_template("actions/withdrawals.html", title="Withdrawals to decide", proposals=proposals,
                           decided=recently_decided(), forms=forms, form=failed, labels=LABELS), status


@bp.get("/withdrawals")
@access(DECIDERS_OF_WITHDRAWALS)
def withdrawals():
    return _withdrawals_page()


def _decide(proposal_id: int, decide, message: str):
    proposal = db.session.get(WithdrawalRequest, proposal_id)
    if proposal is None:
        abort(404)
    participant = db.session.get(Participant, proposal.participant_id)
    form = _decision_form(proposal_id)
    if attempt(form, lambda: decide(proposal, note=form.note.data, actor=current_user.email)):
        flash(message.format(name=participant.full_name), "success")
        return redirect(url_for("actions.withdrawals"))
    return _withdrawals_page(form, proposal_id)


@bp.post("/withdrawals/<int:proposal_id>/confirm")
@access(DECIDERS_OF_WITHDRAWALS)
def confirm(proposal_id: int):
    return _decide(proposal_id, confirm_withdrawal, "Withdrawal of {name} confirmed: they are withdrawn.")


@bp.post("/withdrawals/<int:proposal_id>/decline")
@access(DECIDERS_OF_WITHDRAWALS)
def decline(proposal_id: int):
    return _decide(proposal_id, decline_withdrawal, "Withdrawal of {name} declined: they stay on the course.")


@bp.get("/participants/<id:participant_id>/history")
@access(ANYONE)
def history(participant_id: str):
    participant = participant_or_404(participant_id)
    return _render("history.html", participant, title=f"Escalation actions for {participant.full_name}",
                   standing=_standing(participant), history=escalation_history(participant.id),
                   links=action_links(participant))
