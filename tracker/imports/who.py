"""Who is who (INTERCHANGE.md): the participants a file may name, each with every address they use.

Evidence files and partners' reports both find participants here, by participant_id or by
address (proposals/matching.py says which addresses and how they match).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Course, OtherEmail, Participant
from ..rules.facts import ACTIVE
from .proposals.matching import People, Person


def people(partner_id: int | None, groups: Iterable[tuple[str, int]] = ()) -> People:
    """The participants a file may name: every one, or one partner's; only those of these (course,
    cohort) groups when there are any (as People.within, read from the database alone)."""
    query = (select(Participant.id, Participant.participant_id, Participant.email, Course.code, Participant.cohort,
                    Participant.status)
             .join(Course, Participant.course_id == Course.id))
    others = (select(OtherEmail.participant_id, OtherEmail.email)
              .join(Participant, OtherEmail.participant_id == Participant.id)
              .join(Course, Participant.course_id == Course.id).order_by(OtherEmail.id))
    wanted = [and_(Course.code == code, Participant.cohort == cohort) for code, cohort in set(groups)]
    for where in ([Participant.partner_id == partner_id] if partner_id is not None else []) + (
            [or_(*wanted)] if wanted else []):
        query, others = query.where(where), others.where(where)
    other_emails: dict[int, list[str]] = {}
    for pk, address in db.session.execute(others):
        other_emails.setdefault(pk, []).append(address)
    return People(Person(ref, email, code, cohort, status == ACTIVE, tuple(other_emails.get(pk, ())))
                  for pk, ref, email, code, cohort, status in db.session.execute(query))
