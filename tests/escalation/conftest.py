"""A participant to act on: N001, NPQLT cohort 3 at NORTH, with no evidence (so escalated by March 2023)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.models import Participant

from ..factories import gen_participant

TODAY = date(2023, 3, 1)
LEAD = "lead@north.example"
STAFF = "staff@edt.example"


@pytest.fixture()
def participant(session):
    gen_participant("N001", partner="NORTH", course="NPQLT", cohort=3)
    return session.scalar(select(Participant).where(Participant.participant_id == "N001"))
