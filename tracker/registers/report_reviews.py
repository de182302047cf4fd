"""Reviewing a partner's report in the browser before it is imported (web/report_uploads.py): the
session it proposes, the groups a register may be for, and "this is ...", which records a report's
address as a participant's other email so the next report matches them (INTERCHANGE.md "Who is
who"). The proposal itself is imports/from_report.py's, the same as the command line's.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select

from ..audit import record
from ..extensions import db
from ..imports.fields import an_email
from ..models import Course, OtherEmail, Participant
from ..models.people import email_key, participant_id_is
from ..refusal import Refusal
from ..rules.facts import ACTIVE, title_key
from .sessions import Event


def proposed_event(title: str | None, events: Sequence[Event]) -> Event | None:
    """The training event a report's title names, if any (a title only prefills the event: FORMATS.md
    9.7): one whose whole title it holds, or one of a course it names whose title without the
    course's code it holds (`NPQLT and NPQLTD Live Webinar` names `NPQLT Live Webinar`), the one
    named first; the earliest block's, as a title does not say the block."""
    if not title:
        return None
    said = f" {title_key(title)} "
    words = said.split()
    named = []
    for event in events:
        first, _, rest = event.title.partition(" ")
        if f" {title_key(event.title)} " in said:
            named.append((said.index(f" {title_key(event.title)} "), event))
        elif first.upper() == event.course and event.course.lower() in words and rest \
                and f" {title_key(rest)} " in said:
            named.append((said.index(f" {event.course.lower()} "), event))
    return min(named, key=lambda found: found[0])[1] if named else None


def groups_of(partner_id: int | None) -> list[tuple[str, int]]:
    """Every (course, cohort) with active participants: the partner's, or (None) anyone's."""
    query = (select(Course.code, Participant.cohort).join(Course, Participant.course_id == Course.id)
             .where(Participant.status == ACTIVE).distinct().order_by(Course.code, Participant.cohort))
    if partner_id is not None:
        query = query.where(Participant.partner_id == partner_id)
    return [(code, cohort) for code, cohort in db.session.execute(query)]


def _holder(address: str, partner_id: int | None) -> Participant | None:
    """The participant who has this address already, as their email or an other email."""
    key = email_key(address)
    others = select(OtherEmail.participant_id).where(func.lower(OtherEmail.email) == key)
    return db.session.scalar(select(Participant).where(
        or_(func.lower(Participant.email) == key, Participant.id.in_(others))).order_by(Participant.id).limit(1))


def _named(person: Participant, partner_id: int | None) -> str:
    """A participant as a refusal names them: never another partnership's by name."""
    if partner_id is not None and person.partner_id != partner_id:
        return "a participant of another delivery partner"
    return f"{person.full_name} ({person.participant_id})"


def record_other_email(participant_ref: str, address: str | None, partner_id: int | None, actor: str) -> Participant:
    """"This is ...": the report's address becomes one of the participant's other emails, audited as
    a change of their details. Refused when the address is already someone's (naming both), or the
    participant is not the partner's. The caller commits."""
    query = select(Participant).where(participant_id_is(participant_ref))
    if partner_id is not None:
        query = query.where(Participant.partner_id == partner_id)
    person = db.session.scalar(query)
    if person is None:
        raise Refusal("this_is", "Choose a participant from the list")
    address = (address or "").strip()
    if "@" not in address:
        raise Refusal("this_is", "The report gives no email address for this person, so there is nothing to "
                                 "remember them by: mark them on the register after importing it")
    try:
        an_email(address)
    except ValueError as error:
        raise Refusal("this_is", f"The report's address cannot be remembered: {error}") from None
    holder = _holder(address, partner_id)
    if holder is not None and holder.id != person.id:
        raise Refusal("this_is", f"{address} is already an address of {_named(holder, partner_id)}: it cannot also "
                                 f"be {person.full_name} ({person.participant_id})'s")
    if holder is not None:
        return person  # theirs already
    before = sorted(db.session.scalars(select(OtherEmail.email).where(OtherEmail.participant_id == person.id)),
                    key=email_key)
    db.session.add(OtherEmail(participant_id=person.id, email=address[:254]))
    db.session.flush()
    _audited(person, actor, before, sorted([*before, address], key=email_key))
    return person


def forget_other_email(person: Participant, address: str, actor: str) -> bool:
    """One of the participant's other emails removed (a "This is ..." chosen wrongly, an address
    they no longer use), audited as a change of their details; False when it is not theirs. The
    caller commits."""
    found = db.session.scalars(select(OtherEmail).where(OtherEmail.participant_id == person.id)).all()
    gone = [other for other in found if email_key(other.email) == email_key(address)]
    if not gone or email_key(address) is None:
        return False
    before = sorted((other.email for other in found), key=email_key)
    for other in gone:
        db.session.delete(other)
    db.session.flush()
    _audited(person, actor, before, [email for email in before if email_key(email) != email_key(address)])
    return True


def _audited(person: Participant, actor: str, before: list[str], after: list[str]) -> None:
    record(actor, "update", "participant", person.participant_id, participant_id=person.id,
           before={"other_emails": ";".join(before)}, after={"other_emails": ";".join(after)})
