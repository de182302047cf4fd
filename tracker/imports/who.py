"""Who is who (INTERCHANGE.md): the participants a file may name, each with every address they use.

Evidence files and partners' reports both find participants here, by participant_id or by
address (proposals/matching.py says which addresses and how they match).
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Course, OtherEmail, Participant
from ..rules.facts import ACTIVE
from .proposals.matching import People, Person


def people(partner_id: int | None) -> People:
    """The participants a file may name: every one, or one partner's."""
    query = (select(Participant.id, Participant.participant_id, Participant.email, Course.code, Participant.cohort,
                    Participant.status)
             .join(Course, Participant.course_id == Course.id))
    others = select(OtherEmail.participant_id, OtherEmail.email).order_by(OtherEmail.id)
    if partner_id is not None:
        query = query.where(Participant.partner_id == partner_id)
        others = others.join(Participant, OtherEmail.participant_id == Participant.id).where(
            Participant.partner_id == partner_id)
    other_emails: dict[int, list[str]] = {}
    for pk, address in db.session.execute(others):
        other_emails.setdefault(pk, []).append(address)
    return People(Person(ref, email, code, cohort, status == ACTIVE, tuple(other_emails.get(pk, ())))
                  for pk, ref, email, code, cohort, status in db.session.execute(query))
