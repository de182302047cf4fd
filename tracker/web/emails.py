"""Emailing the participants a lead ticked their own next step: the partner's template, a preview
of one message, Send (once, however often it is pressed) and what happened to each message."""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, TextAreaField

from ..clock import today
from ..config import MAIL_SETTINGS
from ..engagement.book import Book
from ..engagement.next_steps import next_steps_for
from ..engagement.standing import participants_query, standings
from ..escalation.email_template import DEFAULT_BODY, DEFAULT_SUBJECT, PLACEHOLDERS, template_problems
from ..escalation.emails import (BATCH_LIMIT, BEING_SENT, Recipient, batch_of, claim, message_for, messages_of, recipients,
                                 save_template, template_for)
from ..escalation.mailer import MailServer, missing_settings
from ..extensions import db
from ..jobs import start
from ..jobs.kinds import NEXT_STEP_EMAILS
from ..models import DeliveryPartner, EmailBatch, Job
from ..models.jobs import FAILED
from .jobs import REFRESH_SECONDS
from ..models.people import participant_id_in, participant_key
from .access import LEADS, access, guard_partner_id, own_partner_id, partner_or_404, require, scoped
from .refusals import attempt

bp = Blueprint("emails", __name__, url_prefix="/emails")


class SendForm(FlaskForm):
    token = HiddenField()


class TemplateForm(FlaskForm):
    subject = StringField("Subject", widget=GovTextInput())
    body = TextAreaField("Message", widget=GovTextArea())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in (self.subject, self.body):
            problems = template_problems(field.name, field.data, field.label.text)
            field.errors = [*field.errors, *problems]
            valid = valid and not problems
        return valid


def _refs(values: list[str]) -> list[str]:
    """The participant IDs ticked, each once, in the order given."""
    seen: dict[str, str] = {}
    for value in values:
        if value.strip():
            seen.setdefault(participant_key(value.strip()), value.strip())
    return list(seen.values())


def _chosen(refs: list[str]) -> list[Recipient]:
    """The ticked participants the signed-in user may email; anyone else's ID is a 404."""
    book = Book()
    found = standings(today(), scoped(participants_query()).where(participant_id_in(refs)), book)
    require(len(found) == len(refs))
    order = {participant_key(ref): n for n, ref in enumerate(refs)}
    found.sort(key=lambda s: order[participant_key(s.participant_id)])
    return recipients(found, next_steps_for(found, today(), book))


def _selection_problem(refs: list[str]) -> str | None:
    if not refs:
        return "Select at least one participant to email."
    if len(refs) > BATCH_LIMIT:
        return f"Select at most {BATCH_LIMIT} participants to email at once."
    return None


@bp.get("/new")
@access(LEADS)
def compose():
    refs = _refs(request.args.getlist("participant"))
    problem = _selection_problem(refs)
    if problem:
        flash(problem)
        return redirect(url_for("participants.index"))
    chosen = _chosen(refs)
    wanted = participant_key(request.args.get("preview", ""))
    shown = next((r for r in chosen if participant_key(r.notice.participant_id) == wanted), chosen[0])
    template = template_for(shown.partner_id)
    return render_template(
        "emails/new.html", title="Email the participants their next step", chosen=chosen, shown=shown,
        message=message_for(shown, template), template=template, server=MailServer.from_config(current_app.config),
        missing=missing_settings(current_app.config), settings=MAIL_SETTINGS, form=SendForm(token=secrets.token_urlsafe(24)),
        refs=refs, sendable=[r for r in chosen if not r.problem],
        preview_items=[{"value": r.notice.participant_id, "text": f"{r.notice.name} ({r.notice.participant_id})",
                        "selected": r is shown} for r in chosen])


@bp.post("/send")
@access(LEADS)
def send():
    form = SendForm()
    refs = _refs(request.form.getlist("participant"))
    problem = _selection_problem(refs) or (None if form.token.data else "The form had expired: open it again.")
    if problem:
        flash(problem)
        return redirect(url_for("participants.index"))
    chosen = _chosen(refs)
    server = MailServer.from_config(current_app.config)
    if server is None:
        flash("Nothing was sent: email is not set up on this tracker.")
        return redirect(url_for("emails.compose", participant=refs))
    batch = claim(form.token.data[:64], partner_id=own_partner_id(), actor=current_user.email, requested=len(chosen))
    if batch is None:
        earlier = batch_of(form.token.data[:64])
        require(earlier is not None)
        guard_partner_id(earlier.partner_id)
        flash("This form was sent already: nothing was sent twice.")
        return redirect(url_for("emails.sent", batch_id=earlier.id))
    job = start(NEXT_STEP_EMAILS, {"batch": batch.id, "participants": [r.pk for r in chosen],
                                   "today": today().isoformat()}, actor=current_user.email, partner_id=batch.partner_id)
    batch.job_id = job.id
    db.session.commit()
    return redirect(url_for("emails.sent", batch_id=batch.id))


@bp.get("/sent/<int:batch_id>")
@access(LEADS)
def sent(batch_id: int):
    batch = db.session.get(EmailBatch, batch_id)
    require(batch is not None)
    guard_partner_id(batch.partner_id)
    messages = messages_of(batch)
    job = db.session.get(Job, batch.job_id) if batch.job_id else None
    stopped = job is not None and job.state == FAILED and batch.finished_at is None
    return render_template("emails/sent.html", title="Next-step emails sent", batch=batch, messages=messages,
                           sent=[m for m in messages if m[0].sent],
                           failed=[m for m in messages if not m[0].sent and m[0].problem != BEING_SENT],
                           job=job, stopped=stopped,
                           refresh=None if batch.finished_at is not None or stopped else REFRESH_SECONDS)


@bp.route("/template", methods=["GET", "POST"])
@access(LEADS)
def template():
    refs = _refs(request.args.getlist("participant"))
    code = request.args.get("partner")
    if code:
        partner = partner_or_404(code)
    elif own_partner_id() is not None:
        partner = db.session.get(DeliveryPartner, own_partner_id())
    else:
        partners = db.session.scalars(db.select(DeliveryPartner).order_by(DeliveryPartner.code)).all()
        return render_template("emails/partners.html", title="Next-step email templates", partners=partners)
    stored = template_for(partner.id)
    form = TemplateForm() if request.method == "POST" else TemplateForm(data={"subject": stored.subject,
                                                                              "body": stored.body})
    back = url_for("emails.compose", participant=refs) if refs else None
    if attempt(form, lambda: save_template(partner.id, subject=form.subject.data, body=form.body.data,
                                           actor=current_user.email)):
        flash(f"The next-step email template of {partner.name} is saved.", "success")
        return redirect(back or url_for("emails.template", **({"partner": code} if code else {})))
    return render_template("emails/template.html", title="Next-step email template", form=form, partner=partner,
                           placeholders=PLACEHOLDERS, stored=stored, back=back, default_subject=DEFAULT_SUBJECT,
                           default_body=DEFAULT_BODY)
