"""Emailing participants their own next step: each partner's template, one batch per press of
Send, every message logged as a contact attempt (sent) or in the audit (not sent).

A batch is claimed by inserting its form's one-time token (unique) and committing before any
message goes: a second press of the same form, even at the same moment, cannot insert it and
sends nothing. A job sends it (tracker/jobs). Each message is recorded as being sent, committed,
sent, then recorded as sent: a batch cut short (its worker killed) is taken up again by the next
worker, which sends only to those with no record yet, so nobody is emailed twice; a message whose
worker died while sending it is shown as not known to have gone, for the lead to check.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..clock import now
from ..engagement.next_steps_words import Notice, notice
from ..engagement.standing import Standing
from ..extensions import db
from ..formats import long_date
from ..models import DeliveryPartner, EmailBatch, EmailSent, EmailTemplate, Participant
from ..refusal import Refusal
from ..rules.next_steps import NextSteps
from .contacts import log_contact
from .email_template import DEFAULT_BODY, DEFAULT_SUBJECT, Filled, fill_message, template_problems
from .mailer import MailServer, NotSent, Postbox

BATCH_LIMIT = 200
NO_ADDRESS = "No email address on record"
NOTHING_TO_TELL = "No next step to tell them (no output to work towards now)"
BEING_SENT = "Being sent"
CUT_SHORT = ("The tracker stopped while sending this message, so it may or may not have gone: check with the "
             "participant before emailing them again")


@dataclass(frozen=True)
class Template:
    partner_id: int
    subject: str
    body: str
    stored: bool  # False: the default, never edited


@dataclass(frozen=True)
class Recipient:
    pk: int
    partner_id: int
    partner_code: str
    partner_name: str
    notice: Notice

    @property
    def problem(self) -> str:
        """Why no message can go to this participant, before trying ("" when one can)."""
        if not self.notice.output:
            return NOTHING_TO_TELL
        if not self.notice.email.strip():
            return NO_ADDRESS
        return ""


def template_for(partner_id: int) -> Template:
    stored = db.session.scalar(select(EmailTemplate).where(EmailTemplate.partner_id == partner_id))
    if stored is None:
        return Template(partner_id, DEFAULT_SUBJECT, DEFAULT_BODY, False)
    return Template(partner_id, stored.subject, stored.body, True)


def save_template(partner_id: int, *, subject: str | None, body: str | None, actor: str) -> EmailTemplate:
    for field, text, label in (("subject", subject, "Subject"), ("body", body, "Message")):
        problems = template_problems(field, text, label)
        if problems:
            raise Refusal(field, problems[0])
    stored = db.session.scalar(select(EmailTemplate).where(EmailTemplate.partner_id == partner_id))
    before = None if stored is None else {"subject": stored.subject, "body": stored.body}
    if stored is None:
        stored = EmailTemplate(partner_id=partner_id)
        db.session.add(stored)
    stored.subject, stored.body = subject.strip(), body.replace("\r\n", "\n").strip()
    stored.updated_by, stored.updated_at = actor, now()
    db.session.flush()
    record(actor, "update" if before else "create", "email_template", stored.id, before=before,
           after={"partner_id": partner_id, "subject": stored.subject, "body": stored.body})
    return stored


def recipients(found: list[Standing], steps: dict[int, NextSteps]) -> list[Recipient]:
    """Each participant with their address, partner and what they would be told."""
    rows = {row.id: row for row in db.session.execute(
        select(Participant.id, Participant.email, Participant.partner_id, DeliveryPartner.code, DeliveryPartner.name)
        .join(DeliveryPartner, DeliveryPartner.id == Participant.partner_id)
        .where(Participant.id.in_([s.pk for s in found])))}
    return [Recipient(s.pk, rows[s.pk].partner_id, rows[s.pk].code, rows[s.pk].name,
                      notice(s.participant_id, s.full_name, rows[s.pk].email or "", steps.get(s.pk),
                             s.agreed_deadline))
            for s in found]


def placeholder_values(recipient: Recipient) -> dict[str, str]:
    told = recipient.notice
    return {"name": told.name, "participant_id": told.participant_id, "output": told.output,
            "review_date": long_date(told.review_date), "deadline": long_date(told.deadline),
            # the same date: a template written before {deadline} never contradicts an agreed deadline
            "window_end": long_date(told.deadline),
            "why": told.why, "next_step": told.next_step, "partner": recipient.partner_name}


def message_for(recipient: Recipient, template: Template) -> Filled:
    return fill_message(template.subject, template.body, placeholder_values(recipient))


def claim(token: str, *, partner_id: int | None, actor: str, requested: int) -> EmailBatch | None:
    """The batch for this token, newly inserted and committed; None when the token was used already."""
    batch = EmailBatch(token=token, partner_id=partner_id, sent_by=actor, started_at=now(), requested=requested)
    db.session.add(batch)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return batch


def batch_of(token: str) -> EmailBatch | None:
    return db.session.scalar(select(EmailBatch).where(EmailBatch.token == token))


def send_batch(batch: EmailBatch, to: list[Recipient], server: MailServer, *, actor: str, today: date,
               progress: Callable[[int, int], None] = lambda done, total: None) -> None:
    """Send each recipient their message; one that cannot go is logged with why, and the rest still go.

    Run again on a batch cut short, it sends only to the recipients it has no record of."""
    templates: dict[int, Template] = {}
    recorded = {row.participant_id: row for row in db.session.scalars(select(EmailSent).where(EmailSent.batch_id == batch.id))}
    for row in recorded.values():
        if row.problem == BEING_SENT:  # its worker died between recording it and sending it, or after
            _not_sent(row, CUT_SHORT, actor)
    db.session.commit()
    done = len(recorded)
    with Postbox(server) as box:
        for recipient in to:
            if recipient.pk in recorded:
                continue
            template = templates.setdefault(recipient.partner_id, template_for(recipient.partner_id))
            filled = message_for(recipient, template)
            row = EmailSent(batch_id=batch.id, participant_id=recipient.pk, to_address=recipient.notice.email.strip(),
                            subject=filled.subject, sent=False, problem=BEING_SENT, at=now())
            db.session.add(row)
            db.session.commit()
            problem = recipient.problem
            if not problem:
                try:
                    box.send(recipient.notice.email.strip(), filled.subject, filled.body)
                except NotSent as refused:
                    problem = str(refused)
            _log(row, recipient, problem, actor=actor, today=today)
            db.session.commit()
            done += 1
            progress(done, len(to))
    batch.finished_at = now()
    db.session.commit()


def _not_sent(row: EmailSent, problem: str, actor: str) -> None:
    row.sent, row.problem = False, problem
    record(actor, "email-not-sent", "email_sent", row.id, participant_id=row.participant_id,
           after={"to": row.to_address, "subject": row.subject, "problem": problem})


def _log(sent: EmailSent, recipient: Recipient, problem: str, *, actor: str, today: date) -> None:
    sent.at = now()
    if problem:
        _not_sent(sent, problem, actor)
        return
    sent.sent, sent.problem = True, ""
    log_contact(db.session.get(Participant, recipient.pk), contacted_on=today, method="email", outcome="sent",
                note=f"Next-step email sent to {sent.to_address}: {sent.subject}", actor=actor, today=today)


def messages_of(batch: EmailBatch) -> list[tuple[EmailSent, str, str]]:
    """(message, participant ID, name) of a batch, in the order they were sent."""
    return [tuple(row) for row in db.session.execute(
        select(EmailSent, Participant.participant_id, Participant.full_name)
        .join(Participant, Participant.id == EmailSent.participant_id)
        .where(EmailSent.batch_id == batch.id).order_by(EmailSent.id))]


def send_for_job(batch_id: int, participant_pks: list[int], today: date,
                 progress: Callable[[int, int], None]) -> None:
    """The job of a batch (tracker/jobs/kinds.py): each chosen participant's message as of `today`,
    those already recorded skipped, so that a batch cut short is finished without emailing anyone twice."""
    from flask import current_app

    from ..engagement.book import Book
    from ..engagement.next_steps import next_steps_for
    from ..engagement.standing import participants_query, standings

    server = MailServer.from_config(current_app.config)
    if server is None:
        raise Refusal("batch", "Nothing more was sent: email is not set up on this tracker (MAIL_SERVER)")
    batch = db.session.get(EmailBatch, batch_id)
    book = Book()
    found = standings(today, participants_query().where(Participant.id.in_(participant_pks)), book)
    order = {pk: n for n, pk in enumerate(participant_pks)}
    found.sort(key=lambda s: order[s.pk])
    send_batch(batch, recipients(found, next_steps_for(found, today, book)), server, actor=batch.sent_by, today=today,
               progress=progress)
