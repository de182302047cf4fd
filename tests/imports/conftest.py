from __future__ import annotations

import pytest

from ..factories import PARTICIPANT_HEADER, import_text


@pytest.fixture()
def people(session):
    """Participants of two partners; NPQLT in cohorts 1-3, NPQLL and NPQSL in cohort 3."""
    rows = [
        f"{ref},Name {ref},{ref.lower()}@example.org,{partner},{course},{cohort},yes,yes,active"
        for ref, partner, course, cohort in [
            ("P3", "NORTH", "NPQLT", 3),
            ("P1", "NORTH", "NPQLT", 1),
            ("P2", "NORTH", "NPQLT", 2),
            ("S3", "SOUTH", "NPQLT", 3),
            ("L3", "NORTH", "NPQLL", 3),
            ("H3", "NORTH", "NPQSL", 3),
        ]
    ]
    result = import_text("participants", PARTICIPANT_HEADER, *rows)
    assert result.ok, result.errors
    return session
