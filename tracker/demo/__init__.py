"""Demo data for `make run`: the public sample dataset, users for each role, meetings and actions.

The sample's evidence runs from 2021 to 2025, so the demo is best viewed as of a date inside
those cohorts (make run sets TRACKER_TODAY=2023-03-01).
"""
from __future__ import annotations

import uuid

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from ..accounts.users import create_user
from ..clock import now as clock_now
from ..engagement.book import Book
from ..extensions import db
from ..imports import kinds, run_import
from ..imports.base import Context
from ..models import ContactAttempt, DeliveryPartner, Extension, PartnershipMeeting, Participant, User

HERE = Path(__file__).parent
DEMO_PASSWORD = "demo-password-for-npq-tracker"
USERS = (
    ("admin@edt.example", "Alex Admin", "edt-admin", None),
    ("staff@edt.example", "Sam Staff", "edt-staff", None),
    ("lead@north.example", "Nadia North", "partner-lead", "NORTH"),
    ("facilitator@north.example", "Femi Facilitator", "facilitator", "NORTH"),
    ("lead@south.example", "Sol South", "partner-lead", "SOUTH"),
)


def load_demo(today: date) -> list[str]:
    """Loads the demo once; running it again changes nothing. Returns lines to print."""
    lines = []
    for kind in kinds.sample_kinds():
        with open(HERE / f"{kind.name}.csv", "rb") as stream:
            result = run_import(kind.importer_for(Context(today=date(2026, 11, 24), book=Book(), user="demo")),
                                stream, f"{kind.name}.csv")
        if not result.ok:
            raise RuntimeError("\n".join(result.errors))
        lines.append(f"{kind.name}: {result.summary()}")
    db.session.flush()
    partners = {p.code: p for p in db.session.scalars(select(DeliveryPartner))}
    partners["NORTH"].name, partners["SOUTH"].name = "North Teaching School Hub", "South Coast Learning Trust"
    partners["NORTH"].dfe_id = "9e6b1a4c-0d3f-4c52-9a57-2b7d1f0e8a11"
    for participant in db.session.scalars(select(Participant).where(Participant.dfe_participant_id.is_(None))):
        # as `dfe sync` would give them: the same made-up DfE participant id every time
        made_up = uuid.uuid5(uuid.NAMESPACE_URL, f"demo/dfe-participant/{participant.participant_id}")
        participant.dfe_participant_id = str(made_up)
    now = clock_now()
    for email, name, role, code in USERS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            create_user(email, name, role, now, password=DEMO_PASSWORD,
                        partner_id=partners[code].id if code else None)
            lines.append(f"user {email} ({role}) password: {DEMO_PASSWORD}")
    for partner in partners.values():
        if not db.session.scalar(select(PartnershipMeeting.id).where(PartnershipMeeting.partner_id == partner.id)):
            for offset in (0, 42, 84):
                db.session.add(PartnershipMeeting(partner_id=partner.id, meeting_date=today + timedelta(days=10 + offset),
                                                  note="Half-termly partnership meeting"))
    p006 = db.session.scalar(select(Participant).where(Participant.participant_id == "EX006"))
    if p006 and not db.session.scalar(select(ContactAttempt.id).where(ContactAttempt.participant_id == p006.id)):
        db.session.add(ContactAttempt(participant_id=p006.id, contacted_on=date(2022, 7, 20), method="email",
                                      outcome="no-response", note="Reminder about Block 2 content",
                                      recorded_by="lead@north.example", recorded_at=now))
        db.session.add(Extension(participant_id=p006.id, output=2, deadline=date(2022, 9, 30),
                                 note="Agreed after a period of illness", agreed_by="lead@north.example",
                                 agreed_at=now))
    return lines
