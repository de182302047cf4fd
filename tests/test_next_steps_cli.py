"""`flask next-steps`: the next steps CSV of INTERCHANGE.md on the public sample dataset."""
from __future__ import annotations

import csv
import io

import pytest

from .conftest import EXAMPLES
from .test_cli import KINDS

DATES = ("2023-03-01", "2023-11-20")


@pytest.fixture()
def examples(cli):  # noqa: F811
    for kind in KINDS:
        result = cli("import", kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, result.output
    return cli


@pytest.mark.parametrize("as_of", DATES)
def test_next_steps_to_stdout_is_the_expected_file_byte_for_byte(examples, as_of):
    result = examples("next-steps", "--as-of", as_of)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (EXAMPLES / f"next-steps-{as_of}.csv").read_bytes()


def test_next_steps_for_one_partner_to_a_file(examples, tmp_path):
    out = tmp_path / "south.csv"
    result = examples("next-steps", "--as-of", DATES[1], "--partner", "south", "--output", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    expected = (EXAMPLES / f"next-steps-{DATES[1]}.csv").read_bytes().decode("utf-8").splitlines(keepends=True)
    south = [expected[0]] + [line for line in expected[1:] if line.split(",")[1] == "SOUTH"]
    assert 1 < len(south) < len(expected)
    assert out.read_bytes() == "".join(south).encode("utf-8")


def test_next_steps_refuses_an_unknown_partner_and_a_date_that_is_not_iso(examples):
    result = examples("next-steps", "--as-of", DATES[0], "--partner", "WEST")
    assert result.exit_code == 1
    assert "no delivery partner with code 'WEST'" in result.stderr
    assert result.stdout == ""
    result = examples("next-steps", "--as-of", "01/03/2023")
    assert result.exit_code == 2
    assert "'01/03/2023' is not a date in the form YYYY-MM-DD" in result.stderr


def test_asked_before_the_cohort_starts_every_step_counts_from_the_start_and_its_evidence_is_accepted(cli, tmp_path):
    # EX000 is in cohort 3, which starts on 1 October 2022 (DOMAIN.md, "Next steps")
    assert cli("import", "participants", EXAMPLES / "participants.csv").exit_code == 0
    result = cli("next-steps", "--as-of", "2022-06-30")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    ex000 = [row for row in rows if row["participant_id"] == "EX000"]
    assert ex000 and {row["counts_from"] for row in ex000} == {"2022-10-01"}
    assert all(row["counts_from"] >= "2021-11-01" for row in rows)
    study = next(row for row in ex000 if row["option"] == "self-study")
    header = "participant_id,block,activity,credits,completed_on,source"
    early = tmp_path / "early.csv"
    early.write_text(f"{header}\nEX000,{study['block']},{study['activity']},,2022-09-30,platform\n", encoding="utf-8")
    refused = cli("import", "credits", early)
    assert refused.exit_code == 1 and "2022-09-30 is before cohort 3 started (2022-10-01)" in refused.stderr
    on_time = tmp_path / "on-time.csv"
    on_time.write_text(f"{header}\nEX000,{study['block']},{study['activity']},,{study['counts_from']},platform\n",
                       encoding="utf-8")
    accepted = cli("import", "credits", on_time)
    assert accepted.exit_code == 0, accepted.output
