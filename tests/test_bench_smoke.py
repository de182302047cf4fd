"""The benchmark (`make bench`) at a tiny scale, so that it cannot rot. No timings are checked."""
from __future__ import annotations

from bench import dataset
from bench.imports import import_in_child
from bench.run import run


def test_the_benchmark_runs_end_to_end_at_a_tiny_scale(tmp_path):
    lines = []
    figures = run(200, workdir=tmp_path, isolate=False, out=lines.append)

    assert figures["participants"] == 200
    rows = figures["dataset"]
    assert rows["participants"] == 200 and rows["credits"] > rows["attendance"] > 0
    assert rows["video-views"] > 0 and rows["assessments"] > 0
    assert all(not stats["errors"] for stats in figures["imports"])
    assert sum(s["rows"] for s in figures["imports"] if s["kind"] == "credits") == rows["credits"]
    assert figures["credits_import"]["rows"] == round(dataset.CREDITS_PER_FILE * 200 / dataset.FULL_PARTICIPANTS)
    assert figures["credits_reimport"]["unchanged"] == figures["credits_import"]["rows"]
    assert figures["recompute"]["participants"] == 200
    assert figures["recompute"]["evidence_rows"] == rows["evidence"]
    assert figures["export"]["rows"] > 200
    assert any("target under" in line for line in lines)

    # the pages and the report, on the same database (DP001 has 8 participants here, DP002 2)
    pages = figures["pages"]
    assert set(pages["partners"]) == {"DP001", "DP002"}
    for partner in pages["partners"].values():
        assert partner["dashboard"]["queries"] > 0 and partner["list"]["queries"] > 0
    lead = pages["partners"]["DP001"]
    assert lead["dashboard"]["requests"] == lead["list"]["requests"] == 30
    assert 0 < lead["dashboard"]["median_ms"] <= lead["dashboard"]["p95_ms"]
    assert pages["overview"]["participants"] == 200 and pages["overview"]["direct"]["requests"] == 10
    assert figures["report"]["participants"] == 2 and figures["report"]["render_only_seconds"] > 0
    assert any(line.startswith("  dashboard (/dashboard)") for line in lines)
    assert any("SQL queries per page" in line for line in lines)

    # the child-process path `make bench` measures imports with
    stats = import_in_child("sqlite:///" + str(tmp_path / "bench.db"), "credits", tmp_path / "data" / "credits-1.csv")
    assert not stats.errors and stats.unchanged == stats.rows > 0 and stats.peak_mb > 0

