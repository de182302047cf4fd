"""`flask demo-data`: the demo `make run` shows works as a partner and EDT would use it."""
from __future__ import annotations

import json


def test_the_demos_declarations_name_each_participant_by_a_dfe_id_as_a_sync_would_give(cli):  # noqa: F811
    loaded = cli("demo-data")
    assert loaded.exit_code == 0, loaded.output
    again = cli("demo-data")  # safe to run again: the same ids
    assert again.exit_code == 0, again.output
    result = cli("declarations", "--as-of", "2023-03-01")
    bodies = [json.loads(line)["data"]["attributes"] for line in result.stdout.splitlines()]
    assert len(bodies) > 10
    assert "no DfE participant id" not in result.stderr
    assert all(len(body["participant_id"]) == 36 and not body["participant_id"].startswith("EX") for body in bodies)
    assert len({body["participant_id"] for body in bodies}) > 5
