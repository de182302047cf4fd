from __future__ import annotations

import pytest

from ...conftest import EXAMPLES

# the sample dataset's participants, and three more on NPQLT in cohort 4 for NORTH's registers
EXTRA = ["EX100,Name EX100,ex100@example.org,NORTH,NPQLT,4,yes,yes,active",
         "EX101,Name EX101,ex101@example.org,NORTH,NPQLT,4,yes,yes,withdrawn",
         "EX102,Ann Lee,Ann@School.example,NORTH,NPQLT,4,yes,yes,active"]


@pytest.fixture()
def sample(cli, tmp_path):
    """The sample dataset's forty participants (shared/examples/participants.csv), and EXTRA."""
    path = tmp_path / "participants.csv"
    path.write_text((EXAMPLES / "participants.csv").read_text(encoding="utf-8").rstrip("\n") + "\n"
                    + "\n".join(EXTRA) + "\n", encoding="utf-8")
    result = cli("import", "participants", path)
    assert result.exit_code == 0, result.output
    return tmp_path
