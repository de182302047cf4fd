"""The command line of INTERCHANGE.md, run for real through Flask's CLI runner."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.exports.cells import csv_text, safe, xlsx_bytes
from tracker.extensions import db
from tracker.imports.kinds import sample_kinds
from tracker.models import CreditRecord, Participant

from .conftest import EXAMPLES
from .factories import PARTICIPANT_HEADER, dfe_id, gen_participant, give_dfe_ids, ref_of

KINDS = tuple(kind.name for kind in sample_kinds())
AS_OF = "2024-08-20"
GROUP = {"NPQLT": "specialist", "NPQLTD": "specialist", "NPQLBC": "specialist", "NPQLL": "specialist",
         "NPQSL": "leadership", "NPQH": "leadership", "NPQEYL": "leadership", "EHCO": "coaching"}
IDENTIFIER = {
    "NPQLT": "npq-leading-teaching", "NPQLTD": "npq-leading-teaching-development",
    "NPQLBC": "npq-leading-behaviour-culture", "NPQLL": "npq-leading-literacy", "NPQSL": "npq-senior-leadership",
    "NPQH": "npq-headship", "NPQEYL": "npq-early-years-leadership", "EHCO": "npq-early-headship-coaching-offer",
}
DECLARATION_TYPES = {
    "specialist": {1: "started", 2: "retained-1", 3: "completed"},
    "leadership": {1: "started", 2: "retained-1", 3: "retained-2", 4: "completed"},
}


def write(tmp_path, name, *rows: str):
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# import


def test_import_prints_the_counts_and_exits_0(cli, tmp_path):
    path = write(tmp_path, "people.csv", PARTICIPANT_HEADER,
                 "A1,Ann Lee,ann@example.org,NORTH,NPQLT,3,yes,yes,active",
                 "A2,Bo Li,bo@example.org,SOUTH,NPQH,4,no,yes,")
    result = cli("import", "participants", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "read 2, created 2, updated 0, unchanged 0\n"
    assert count(Participant) == 2


def test_importing_the_same_file_again_reports_every_row_unchanged(cli, tmp_path):
    gen_participant("A1")
    path = write(tmp_path, "credits.csv", "participant_id,block,activity,completed_on",
                 "A1,1,Survey,2022-10-05", "A1,2,Survey,2022-12-05")
    assert cli("import", "credits", path).stdout == "read 2, created 2, updated 0, unchanged 0\n"
    result = cli("import", "credits", path)
    assert result.exit_code == 0
    assert result.stdout == "read 2, created 0, updated 0, unchanged 2\n"


def test_a_dry_run_prints_the_counts_and_writes_nothing(cli, tmp_path):
    gen_participant("A1")
    path = write(tmp_path, "credits.csv", "participant_id,block,activity,completed_on", "A1,1,Survey,2022-10-05")
    result = cli("import", "credits", path, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == "dry run: read 1, created 1, updated 0, unchanged 0\n"
    assert count(CreditRecord) == 0


def test_an_invalid_file_exits_1_with_at_most_50_row_messages_then_a_count_of_the_rest(cli, tmp_path):
    gen_participant("A1")
    rows = [f"A1,1,Survey,2022-10-{day:02d}" for day in range(1, 11)]
    rows += [f"NOBODY{n},1,Survey,2022-10-05" for n in range(60)]
    path = write(tmp_path, "credits.csv", "participant_id,block,activity,completed_on", *rows)
    result = cli("import", "credits", path)
    assert result.exit_code == 1
    shown = result.stderr.splitlines()
    assert len(shown) == 51
    assert shown[0] == "row 12: participant_id: 'NOBODY0' is not a known participant"
    assert shown[49] == "row 61: participant_id: 'NOBODY49' is not a known participant"
    assert shown[50] == "... and 10 more row errors"
    assert "created" not in result.stdout
    assert count(CreditRecord) == 0


def test_a_missing_column_exits_1_naming_it_and_the_headings_found(cli, tmp_path):
    path = write(tmp_path, "credits.csv", "participant_id,block,completed_on", "A1,1,2022-10-05")
    result = cli("import", "credits", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 1: missing column: activity", "headings found: participant_id, block, completed_on",
        "map the file's headings with --column FIELD=HEADING, or give a field one value for every row with "
        "--value FIELD=VALUE"]


def test_an_xlsx_file_imports_from_the_command_line(cli, tmp_path):
    from openpyxl import Workbook

    gen_participant("A1")
    book = Workbook()
    book.active.append(["Participant ID", "Block", "Percent Watched", "Viewed On"])
    book.active.append(["A1", 1, 95.5, "05/10/2022"])
    book.save(tmp_path / "views.xlsx")
    result = cli("import", "video-views", tmp_path / "views.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout == "read 1, created 1, updated 0, unchanged 0\n"


def test_an_unknown_kind_is_a_usage_error(cli, tmp_path):
    path = write(tmp_path, "registers.csv", "participant_id")
    result = cli("import", "registers", path)
    assert result.exit_code == 2
    assert "'registers' is not one of" in result.stderr


def test_a_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("import", "credits", tmp_path / "no-such-file.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# engagement and declarations on the example dataset


@pytest.fixture()
def examples(cli):
    """The sample dataset, each participant with their DfE participant id (factories.dfe_id)."""
    for kind in KINDS:
        result = cli("import", kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, result.output
    give_dfe_ids()
    return cli


def expected_rows(as_of=AS_OF) -> list[dict[str, str]]:
    with open(EXAMPLES / f"engagement-{as_of}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_engagement_to_stdout_is_the_expected_file(examples):
    result = examples("engagement", "--as-of", "2023-11-20")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (EXAMPLES / "engagement-2023-11-20.csv").read_bytes()


def test_engagement_for_one_partner_to_a_file(examples, tmp_path):
    out = tmp_path / "north.csv"
    result = examples("engagement", "--as-of", AS_OF, "--partner", "NORTH", "--output", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    expected = (EXAMPLES / f"engagement-{AS_OF}.csv").read_bytes().decode("utf-8").splitlines(keepends=True)
    north = [expected[0]] + [line for line in expected[1:] if line.split(",")[1] == "NORTH"]
    assert len(north) > 1 and len(north) < len(expected)
    assert out.read_bytes().decode("utf-8") == "".join(north)


def test_engagement_partner_codes_are_not_case_sensitive(examples):
    assert examples("engagement", "--as-of", AS_OF, "--partner", "south").stdout == \
        examples("engagement", "--as-of", AS_OF, "--partner", "SOUTH").stdout


@pytest.mark.parametrize("command", ["engagement", "declarations"])
def test_an_unknown_partner_is_an_error(examples, command):
    result = examples(command, "--as-of", AS_OF, "--partner", "WEST")
    assert result.exit_code == 1
    assert "no delivery partner with code 'WEST'" in result.stderr
    assert result.stdout == ""


def test_an_as_of_date_that_is_not_iso_is_a_usage_error(examples):
    result = examples("engagement", "--as-of", "20/08/2024")
    assert result.exit_code == 2
    assert "'20/08/2024' is not a date in the form YYYY-MM-DD" in result.stderr


def declarations(cli, *args) -> list[dict]:
    result = cli("declarations", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n")
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_declarations_have_the_dfe_v3_request_shape(examples):
    bodies = declarations(examples)
    assert bodies
    for body in bodies:
        assert set(body) == {"data"}
        assert body["data"]["type"] == "participant-declaration"
        assert set(body["data"]) == {"type", "attributes"}
        attributes = body["data"]["attributes"]
        required = {"participant_id", "declaration_type", "declaration_date", "course_identifier"}
        completed = attributes["declaration_type"] == "completed"
        assert set(attributes) == (required | {"has_passed"} if completed else required)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", attributes["declaration_date"])
        assert attributes["declaration_type"] in ("started", "retained-1", "retained-2")
        assert attributes["course_identifier"] in IDENTIFIER.values()
        assert "evidence_held" not in attributes
        if completed:
            assert isinstance(attributes["has_passed"], bool)


def test_declarations_are_the_met_outputs_that_are_not_blocked(examples):
    # the oracle is the expected engagement file: one declaration per met or met-late row
    expected = set()
    courses = {}
    for row in expected_rows():
        courses[row["participant_id"]] = row["course"]
        if row["status"] in ("met", "met-late"):
            kind = DECLARATION_TYPES[GROUP[row["course"]]][int(row["output"])]
            expected.add((dfe_id(row["participant_id"]), kind, row["met_on"] + "T00:00:00Z", IDENTIFIER[row["course"]]))
    blocked = {dfe_id(row["participant_id"]) for row in expected_rows() if row["status"] == "blocked"}
    bodies = declarations(examples)
    found = [
        (a["participant_id"], a["declaration_type"], a["declaration_date"], a["course_identifier"])
        for a in (body["data"]["attributes"] for body in bodies)
    ]
    assert len(found) == len(set(found)), "a declaration was written twice"
    assert len({(p, kind) for p, kind, _, _ in found}) == len(found), "two declarations of one type"
    assert set(found) == expected
    assert blocked and not blocked & {p for p, _, _, _ in found}


def test_the_example_dataset_has_no_completed_declaration_yet(examples):
    # no final output is met in the examples as of 2024-08-20 (see the expected engagement file)
    assert "completed" not in {b["data"]["attributes"]["declaration_type"] for b in declarations(examples)}


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_completed_declarations_carry_has_passed_from_the_moderated_result(cli, tmp_path):
    from tracker.engagement.book import Book

    people = [("C1", "yes", "pass"), ("C2", "yes", "fail"), ("C3", "no", "pass")]  # C3: contract not signed
    write_csv(tmp_path / "people.csv", PARTICIPANT_HEADER.split(","),
              [[ref, f"Name {ref}", f"{ref.lower()}@example.org", "NORTH", "NPQLT", 3, signed, "yes", "active"]
               for ref, signed, _ in people])
    activities = Book().by_code["NPQLT"].activities
    write_csv(tmp_path / "credits.csv", ["participant_id", "block", "activity", "completed_on"],
              [[ref, number, activity.title, "2022-10-05"]
               for ref, _, _ in people for (number, _), activity in sorted(activities.items())])
    write_csv(tmp_path / "attendance.csv", ["participant_id", "block", "event", "session_date", "attendance"],
              [[ref, 2, "NPQLT Live Webinar", "2023-01-10", "attended"] for ref, _, _ in people])
    write_csv(tmp_path / "assessments.csv", ["participant_id", "status", "result", "recorded_on"],
              [row for ref, _, result in people
               for row in ([ref, "marked", "fail", "2024-01-02"], [ref, "moderated", result, "2024-01-15"])])
    for kind, name in [("participants", "people"), ("credits", "credits"), ("attendance", "attendance"),
                       ("assessments", "assessments")]:
        result = cli("import", kind, tmp_path / f"{name}.csv")
        assert result.exit_code == 0, result.output
    give_dfe_ids()
    attributes = [body["data"]["attributes"] for body in declarations(cli)]
    assert all(("has_passed" in a) == (a["declaration_type"] == "completed") for a in attributes)
    found = {(ref_of(a["participant_id"]), a["declaration_type"]): (a["declaration_date"], a.get("has_passed"))
             for a in attributes}
    assert found == {
        ("C1", "started"): ("2022-10-05T00:00:00Z", None),
        ("C1", "retained-1"): ("2023-01-10T00:00:00Z", None),
        ("C1", "completed"): ("2024-01-15T00:00:00Z", True),
        ("C2", "started"): ("2022-10-05T00:00:00Z", None),
        ("C2", "retained-1"): ("2023-01-10T00:00:00Z", None),
        ("C2", "completed"): ("2024-01-15T00:00:00Z", False),
    }


def test_declarations_for_one_partner(examples):
    north = {dfe_id(row["participant_id"]) for row in expected_rows() if row["delivery_partner"] == "NORTH"}
    everyone = declarations(examples)
    mine = declarations(examples, "--partner", "NORTH")
    assert mine and {b["data"]["attributes"]["participant_id"] for b in mine} <= north
    assert mine == [b for b in everyone if b["data"]["attributes"]["participant_id"] in north]


def test_declarations_carry_the_partner_dfe_identifier_when_recorded(examples):
    from tracker.models import DeliveryPartner

    north_id = "5b0e9d3c-1f2a-4c6b-8e7d-9a0b1c2d3e4f"
    db.session.execute(db.update(DeliveryPartner).where(DeliveryPartner.code == "NORTH").values(dfe_id=north_id))
    db.session.commit()
    north = {dfe_id(row["participant_id"]) for row in expected_rows() if row["delivery_partner"] == "NORTH"}
    for body in declarations(examples):
        attributes = body["data"]["attributes"]
        if attributes["participant_id"] in north:
            assert attributes["delivery_partner_id"] == north_id
        else:
            assert "delivery_partner_id" not in attributes


def test_a_participant_with_no_dfe_id_has_no_declaration_and_is_named_on_stderr(examples):
    from tracker.models import Participant

    everyone = declarations(examples)
    db.session.execute(db.update(Participant).where(Participant.participant_id == "EX001")
                       .values(dfe_participant_id=None))
    db.session.commit()
    result = examples("declarations", "--as-of", AS_OF)
    assert result.exit_code == 0
    left = [b for b in everyone if b["data"]["attributes"]["participant_id"] == dfe_id("EX001")]
    assert left and [json.loads(line) for line in result.stdout.splitlines()] == [b for b in everyone if b not in left]
    assert [line for line in result.stderr.splitlines() if line.startswith("EX001 ")] == [
        f"EX001 {b['data']['attributes']['declaration_type']}: no DfE participant id" for b in left]


def test_the_sample_datasets_bodies_given_dfe_ids_are_valid_against_dfes_request_schema(examples):
    from tracker.declarations.schema import DECLARATION_REQUEST, problems, schema

    bodies = declarations(examples)
    assert bodies
    for body in bodies:
        assert problems(body, schema(DECLARATION_REQUEST)) == []


def test_without_dfe_ids_the_sample_dataset_has_nothing_to_send(cli):
    for kind in KINDS:
        assert cli("import", kind, EXAMPLES / f"{kind}.csv").exit_code == 0
    result = cli("declarations", "--as-of", AS_OF)
    assert result.exit_code == 0 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(re.fullmatch(r"EX\d+ (started|retained-1|retained-2|completed): no DfE participant id", line)
                         for line in lines)


# exports escape formulas


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"y\")", "+44 1234", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(value):
    assert safe(value) == "'" + value


@pytest.mark.parametrize("value", ["NORTH", "a=b", "", " =1", 5, -5, 2.5, None])
def test_other_cells_are_left_alone(value):
    assert safe(value) == value


def test_csv_text_escapes_formulas_and_reads_back():
    text = csv_text(["participant_id", "note"], [["=HYPERLINK(\"http://x\")", "-2"], ["P1", None], ["P2", 7]])
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [
        ["participant_id", "note"], ["'=HYPERLINK(\"http://x\")", "'-2"], ["P1", ""], ["P2", "7"]]


def test_xlsx_bytes_escapes_formulas_and_reads_back_as_text():
    data = xlsx_bytes(["participant_id", "note", "cohort"],
                      [["=HYPERLINK(\"http://x\")", "@cmd", 3], ["P1", None, -1]], title="Engagement")
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert sheet.title == "Engagement"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["participant_id", "note", "cohort"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "'@cmd", 3]
    assert rows[2][0] == "P1" and rows[2][1] in (None, "") and rows[2][2] == -1
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# recompute


def test_recompute_restores_the_stored_met_on_from_the_evidence(examples):
    from tracker.models import OutputRecord

    before = sorted(db.session.execute(select(OutputRecord.participant_id, OutputRecord.number,
                                              OutputRecord.met_on)).all())
    db.session.execute(db.delete(OutputRecord))
    db.session.commit()
    result = examples("recompute")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"recomputed {count(Participant)} participants\n"
    after = sorted(db.session.execute(select(OutputRecord.participant_id, OutputRecord.number,
                                             OutputRecord.met_on)).all())
    assert before and after == before
    assert examples("engagement", "--as-of", "2023-11-20").stdout_bytes == \
        (EXAMPLES / "engagement-2023-11-20.csv").read_bytes()


def test_recompute_is_listed_with_its_help(cli):
    result = cli("--help")
    assert "recompute" in result.stdout
    assert "Recompute and store met_on" in cli("recompute", "--help").stdout


def test_the_command_line_package_has_one_module_per_group_and_no_cycle():
    import importlib
    import sys

    for name in [m for m in sys.modules if m == "tracker.cli" or m.startswith("tracker.cli.")]:
        del sys.modules[name]
    for group in ("data", "imports", "exports", "reports", "people", "demo"):
        assert importlib.import_module(f"tracker.cli.{group}").COMMANDS
    import tracker.reports as reports_package
    import os
    assert not os.path.exists(os.path.join(os.path.dirname(reports_package.__file__), "cli.py"))


def test_a_cohort_whose_funding_contract_has_ended_at_dfe_has_its_declarations_held_in_dfes_words(examples):
    """DfE's check 13: once DfE's statements are read, a cohort with no output-fee statement whose
    cut-off is today or later is closed; until they are read, the check is left to DfE."""
    from datetime import date, timedelta

    from tracker.clock import today
    from tracker.models import Cohort
    from tracker.models.dfe import DfeStatement
    from tracker.rules.dfe_schedules import cohort_of_start

    everyone = declarations(examples)
    db.session.add(DfeStatement(dfe_id="other", month="January", year=2031, cohort=1999,
                                cut_off_date=date(2030, 12, 31), payment_date=date(2031, 1, 25), paid=False))
    db.session.commit()
    held = examples("declarations", "--as-of", AS_OF)
    assert held.exit_code == 0 and held.stdout == ""
    assert len(held.stderr.splitlines()) == len(everyone)
    assert all(re.fullmatch(r"EX\d+ \S+: DfE lists no output-fee statement of the (\d{4}) cohort with a cut-off on or "
                            r"after today \(\d{4}-\d\d-\d\d\): its funding contract has ended; DfE would answer \"You cannot "
                            r"submit or void declarations for the \1 cohort\. .*", line)
               for line in held.stderr.splitlines()), held.stderr
    for number, year in enumerate(sorted({cohort_of_start(start) for start in db.session.scalars(
            select(Cohort.start_date))})):
        db.session.add(DfeStatement(dfe_id=f"open-{number}", month="August", year=2024, cohort=year,
                                    cut_off_date=today(), payment_date=today() + timedelta(days=30), paid=False))
    db.session.commit()
    assert declarations(examples) == everyone  # a cut-off today (DfE's today, not the as-of date) is still open
