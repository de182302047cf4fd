"""`flask next-steps`: the next steps CSV of INTERCHANGE.md on the public sample dataset."""
from __future__ import annotations

import pytest

from .conftest import EXAMPLES
from .test_cli import KINDS, cli  # noqa: F401  (the cli fixture)

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
