"""`flask export KIND`: the stored records in the kind's import format, which import back unchanged."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.imports import kinds
from tracker.models import AssessmentRecord, CreditRecord, Participant, RegisterEntry, VideoViewRecord

from .conftest import EXAMPLES
from .factories import PARTICIPANT_HEADER, import_text

SAMPLE = tuple(kind.name for kind in kinds.sample_kinds())
EXPORTED = ("participants", "credits", "attendance", "video-views", "assessments")
COLUMNS = {  # INTERCHANGE.md, "Files in"
    "participants": "participant_id,full_name,email,delivery_partner,course,cohort,school_contract_signed,"
                    "sponsorship_agreement_signed,status,other_emails,dfe_participant_id,schedule_identifier,dfe_cohort",
    "credits": "participant_id,block,activity,credits,completed_on,source",
    "attendance": "participant_id,block,event,session_date,attendance,marked_by",
    "video-views": "participant_id,block,percent_watched,viewed_on",
    "assessments": "participant_id,status,result,recorded_on",
}
TABLES = {"participants": Participant, "credits": CreditRecord, "attendance": RegisterEntry,
          "video-views": VideoViewRecord, "assessments": AssessmentRecord}


@pytest.fixture()
def sample(cli):  # noqa: F811
    """The sample dataset, and a few records it lacks: an agreement signed on a date, a decimal
    percentage, a self-reported credit, a register mark with nobody named, other emails."""
    for kind in SAMPLE:
        result = cli("import", kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, result.output
    assert import_text("participants",
                       PARTICIPANT_HEADER + ",other_emails,dfe_participant_id,schedule_identifier,dfe_cohort",
                       "EX900,\"Lee, Ann\",ann@example.org,NORTH,NPQLT,1,2021-11-03,no,deferred,"
                       "lee.ann@School.example; A.Lee_school.example#EXT#@partner.onmicrosoft.com,"
                       "0F6C3A52-9B1D-4E7A-8C2F-5D4B3A2E1F90,npq-specialist-autumn,2021").ok
    assert import_text("participants", PARTICIPANT_HEADER,  # a name a spreadsheet would run: exported as '=...
                       "EX901,=Grace Hopper,grace@example.org,NORTH,NPQLT,1,yes,yes,active").ok
    assert import_text("credits", "participant_id,block,activity,credits,completed_on,source",
                       "EX900,1,Diagnostic Assessment for Block 1,1,2022-01-10,self-report").ok
    assert import_text("video-views", "participant_id,block,percent_watched,viewed_on", "EX900,1,89.9,2022-01-11").ok
    assert import_text("attendance", "participant_id,block,event,session_date,attendance,marked_by",
                       "EX900,1,NPQLT Live Webinar,2022-01-12,contingency,").ok
    return cli


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_kind_with_an_export_is_offered_and_no_other(cli):  # noqa: F811
    assert tuple(kind.name for kind in kinds.exported()) == EXPORTED
    result = cli("export", "declaration-states")
    assert result.exit_code == 2
    assert "'declaration-states' is not one of" in result.stderr


@pytest.mark.parametrize("kind", EXPORTED)
def test_an_export_imports_back_changing_nothing(sample, kind, tmp_path):
    out = tmp_path / f"{kind}.csv"
    result = sample("export", kind, "--output", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    rows = rows_of(text)
    assert ",".join(rows[0]) == COLUMNS[kind]
    assert len(rows) - 1 == count(TABLES[kind]) > 1
    again = sample("import", kind, out)
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == f"read {len(rows) - 1}, created 0, updated 0, unchanged {len(rows) - 1}"
    assert sample("export", kind).stdout_bytes == out.read_bytes()


def test_cells_are_written_as_the_importer_reads_them(sample):
    people = {row[0]: row for row in rows_of(sample("export", "participants").stdout)}
    assert people["EX900"] == ["EX900", "Lee, Ann", "ann@example.org", "NORTH", "NPQLT", "1", "2021-11-03", "no",
                               "deferred", "A.Lee_school.example#EXT#@partner.onmicrosoft.com;lee.ann@School.example",
                               "0f6c3a52-9b1d-4e7a-8c2f-5d4b3a2e1f90", "npq-specialist-autumn", "2021"]
    assert people["EX001"][-4:] == ["", "", "", ""]
    assert people["EX901"][1] == "'=Grace Hopper"  # read back as =Grace Hopper: the import changes nothing
    credits = [row for row in rows_of(sample("export", "credits").stdout) if row[0] == "EX900"]
    assert credits == [["EX900", "1", "Diagnostic Assessment for Block 1", "1", "2022-01-10", "self-report"]]
    views = [row for row in rows_of(sample("export", "video-views").stdout) if row[0] == "EX900"]
    assert views == [["EX900", "1", "89.9", "2022-01-11"]]
    marks = [row for row in rows_of(sample("export", "attendance").stdout) if row[0] == "EX900"]
    assert marks == [["EX900", "1", "NPQLT Live Webinar", "2022-01-12", "contingency", ""]]


def test_one_partner_to_standard_output_in_participant_order(sample):
    everyone = rows_of(sample("export", "credits").stdout)
    north = sample("export", "credits", "--partner", "north")
    assert north.exit_code == 0
    rows = rows_of(north.stdout)
    partner_of = {row[0]: row[3] for row in rows_of(sample("export", "participants").stdout)[1:]}
    assert rows[0] == everyone[0]
    assert rows[1:] == [row for row in everyone[1:] if partner_of[row[0]] == "NORTH"]
    assert 1 < len(rows) < len(everyone)
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])


def test_an_unknown_partner_exits_1_naming_it(sample, tmp_path):
    result = sample("export", "credits", "--partner", "WEST", "--output", tmp_path / "out.csv")
    assert result.exit_code == 1
    assert "--partner: no delivery partner with code 'WEST'" in result.stderr
    assert result.stdout == "" and not (tmp_path / "out.csv").exists()


def test_an_empty_database_exports_the_header_alone(cli):  # noqa: F811
    result = cli("export", "assessments")
    assert result.exit_code == 0
    assert result.stdout_bytes == (COLUMNS["assessments"] + "\r\n").encode()
