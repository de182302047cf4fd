"""Who is who at DfE (INTERCHANGE.md "DfE's API"): the participants file's optional columns
dfe_participant_id, schedule_identifier and dfe_cohort, checked, kept, and written back by the export."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Participant

from ..factories import PARTICIPANT_HEADER
from .helpers import lines, run_bytes, snapshot

pytestmark = pytest.mark.usefixtures("people")

HEADER = PARTICIPANT_HEADER + ",dfe_participant_id,schedule_identifier,dfe_cohort"
DFE_ID = "7e5bcd9e-2a4f-4b8e-9f1c-0d3b6a2e8c41"


def row(ref: str, dfe_id: str = "", schedule: str = "", dfe_cohort: str = "", *, course: str = "NPQLT",
        cohort: int = 3) -> str:
    return (f"{ref},Name {ref},{ref.lower()}@example.org,NORTH,{course},{cohort},yes,yes,active,"
            f"{dfe_id},{schedule},{dfe_cohort}")


def at_dfe(ref: str) -> tuple:
    db.session.expire_all()
    return db.session.execute(select(Participant.dfe_participant_id, Participant.dfe_schedule_identifier,
                                     Participant.dfe_cohort).where(Participant.participant_id == ref)).one()


def imported(*rows: str):
    result = run_bytes("participants", lines(HEADER, *rows))
    assert result.ok, result.errors
    return result


def refused(*rows: str) -> list[str]:
    before = snapshot()
    result = run_bytes("participants", lines(HEADER, *rows))
    assert not result.ok
    assert snapshot() == before
    return result.errors


def test_dfes_id_schedule_and_cohort_are_kept_and_a_blank_keeps_them():
    result = imported(row("P3", DFE_ID.upper(), "NPQ-Specialist-Spring", "2022"))
    assert result.summary() == "read 1, created 0, updated 1, unchanged 0"
    assert at_dfe("P3") == (DFE_ID, "npq-specialist-spring", 2022)  # DfE's ids are lower case
    assert imported(row("P3")).unchanged == 1
    assert run_bytes("participants", lines(PARTICIPANT_HEADER, row("P3").rsplit(",", 3)[0])).unchanged == 1
    assert at_dfe("P3") == (DFE_ID, "npq-specialist-spring", 2022)
    assert imported(row("P3", "", "npq-specialist-autumn", "")).updated == 1
    assert at_dfe("P3") == (DFE_ID, "npq-specialist-autumn", 2022)


def test_a_new_participant_may_come_with_dfes_id():
    assert imported(row("N1", DFE_ID, "npq-leadership-autumn", course="NPQSL")).created == 1
    assert at_dfe("N1") == (DFE_ID, "npq-leadership-autumn", None)


def test_a_dfe_participant_id_is_a_uuid():
    assert refused(row("P3", "EX001")) == [
        "row 2: dfe_participant_id: 'EX001' is not a DfE participant id (a UUID, such as "
        "7e5bcd9e-2a4f-4b8e-9f1c-0d3b6a2e8c41)"]


def test_a_schedule_is_one_dfe_has_for_the_course_group_and_the_cohort():
    assert refused(row("P3", schedule="npq-specialist-winter")) == [
        "row 2: schedule_identifier: 'npq-specialist-winter' is not one of DfE's schedules (npq-leadership-autumn, "
        "npq-leadership-spring, npq-specialist-autumn, npq-specialist-spring, npq-ehco-november, npq-ehco-december, "
        "npq-ehco-march, npq-ehco-june, npq-aso-november, npq-aso-december, npq-aso-march, npq-aso-june)"]
    assert refused(row("P3", schedule="npq-leadership-autumn")) == [
        "row 2: schedule_identifier: npq-leadership-autumn is not a schedule of a specialist course "
        "(npq-specialist-autumn, npq-specialist-spring)"]
    assert refused(row("P3", schedule="npq-specialist-spring", dfe_cohort="2024")) == [
        "row 2: schedule_identifier: DfE's 2024 cohort has no npq-specialist-spring schedule (it has "
        "npq-leadership-autumn, npq-specialist-autumn, npq-ehco-november, npq-ehco-december, npq-ehco-june)"]


def test_a_dfe_cohort_is_a_year_dfe_has():
    assert refused(row("P3", dfe_cohort="22")) == ["row 2: dfe_cohort: 22 is not a DfE cohort year (2021 to 2027)"]
    assert refused(row("P3", dfe_cohort="next")) == ["row 2: dfe_cohort: 'next' is not a whole number"]


def test_one_dfe_enrolment_is_one_participant():
    assert refused(row("P3", DFE_ID), row("P1", DFE_ID, cohort=1)) == [
        f"row 2: dfe_participant_id: {DFE_ID} is also P1's (row 3) on the same course: one DfE enrolment is one "
        "participant"]
    imported(row("P3", DFE_ID))
    assert refused(row("P2", DFE_ID, cohort=2)) == [
        f"row 2: dfe_participant_id: {DFE_ID} is also P3's (recorded) on the same course: one DfE enrolment is one "
        "participant"]
    assert imported(row("H3", DFE_ID, course="NPQSL")).updated == 1  # the same person on another course


def test_the_export_writes_them_and_imports_back_unchanged():
    from tests.imports.helpers import run_bytes as again
    from tracker.exports.records import PARTICIPANTS, export_csv

    imported(row("P3", DFE_ID, "npq-specialist-autumn", "2022"))
    written = export_csv(PARTICIPANTS, None)
    header, *rows = written.splitlines()
    assert header.endswith(",other_emails,dfe_participant_id,schedule_identifier,dfe_cohort")
    assert [r for r in rows if r.startswith("P3,")][0].endswith(f",{DFE_ID},npq-specialist-autumn,2022")
    assert [r for r in rows if r.startswith("P1,")][0].endswith(",,,")
    assert again("participants", written.encode()).summary() == (
        f"read {len(rows)}, created 0, updated 0, unchanged {len(rows)}")
