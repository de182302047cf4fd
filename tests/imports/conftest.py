from __future__ import annotations

import pytest

from ..factories import gen_participant


@pytest.fixture()
def people(session):
    """Participants of two partners; NPQLT in cohorts 1-3 and NPQLL in cohort 3."""
    gen_participant("P3", partner="NORTH", course="NPQLT", cohort=3)
    gen_participant("P1", partner="NORTH", course="NPQLT", cohort=1)
    gen_participant("P2", partner="NORTH", course="NPQLT", cohort=2)
    gen_participant("S3", partner="SOUTH", course="NPQLT", cohort=3)
    gen_participant("L3", partner="NORTH", course="NPQLL", cohort=3)
    gen_participant("H3", partner="NORTH", course="NPQSL", cohort=3)
    return session
