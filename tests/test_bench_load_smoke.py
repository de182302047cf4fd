"""`make bench-load` at a tiny scale on SQLite: a real gunicorn, real sign-ins, real requests on loopback."""
from __future__ import annotations

from collections import defaultdict

from bench.load import Tally, User, run


def test_the_load_benchmark_serves_every_page_without_errors_or_cross_partner_reads(tmp_path):
    lines = []
    figures = run(150, ["sqlite"], 3.0, tmp_path, out=lines.append, users=(2, 5))

    levels = figures["databases"]["sqlite"]
    assert set(levels) == {2, 5}
    for result in levels.values():
        assert result["requests"] > 0 and result["per_second"] > 0
        assert result["errors"] == 0, result["error_samples"]
        assert result["cross_partner"] == 0, result["cross_partner_samples"]
        assert {"dashboard", "participants", "participant"} <= set(result["pages"])
        for page in result["pages"].values():
            assert 0 < page["p50_ms"] <= page["p95_ms"] <= page["p99_ms"]
    assert any(line.startswith("| sqlite | 5 |") for line in lines)
    assert any("0 errors, 0 cross-partner reads: MET" in line for line in lines)


def test_a_page_naming_another_partners_participant_counts_as_a_cross_partner_read():
    owners = {"P000001": "DP001", "P000002": "DP002"}
    by_partner = defaultdict(list, {"DP001": ["P000001"], "DP002": ["P000002"]})
    tally = Tally()
    user = User("http://127.0.0.1:9", "lead@dp001.example", "DP001", owners, by_partner, tally, 1)
    user.check_own("participants", "/participants/", "<td>P000001</td>")
    assert tally.cross_partner == []
    user.check_own("participants", "/participants/", "<td>P000001</td><td>P000002</td>")
    assert tally.cross_partner == ["lead@dp001.example saw P000002 of DP002 on /participants/"]
    user.client.close()
