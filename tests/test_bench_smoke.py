"""The benchmark (`make bench`) at a tiny scale, so that it cannot rot. No timings are checked.

It runs on SQLite, and also on PostgreSQL when the suite runs there (TEST_DATABASE_URL): in a
scratch database of its own on the same server, as `make bench` does on a cluster it starts.
"""
from __future__ import annotations

import os

import pytest

from bench import dataset
from bench.imports import import_in_child
from bench.postgres import scratch_database
from bench.run import run
from bench.table import markdown


@pytest.fixture()
def databases():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield {"sqlite": None}
        return
    with scratch_database(url, f"bench_smoke_{os.getpid()}") as scratch:
        yield {"sqlite": None, "postgresql": scratch}


def test_the_benchmark_runs_end_to_end_at_a_tiny_scale(tmp_path, databases):
    lines = []
    figures = run(200, workdir=tmp_path, databases=databases, isolate=False, report_repeats=1, job_reports=3,
                  out=lines.append)

    assert figures["participants"] == 200 and set(figures["databases"]) == set(databases)
    rows = figures["dataset"]
    assert rows["participants"] == 200 and rows["credits"] > rows["attendance"] > 0
    assert rows["video-views"] > 0 and rows["assessments"] > 0
    assert rows["first_stage"] == 40 and rows["upload_rows"] == round(dataset.UPLOAD_ROWS * 200 / dataset.FULL_PARTICIPANTS)
    for name, db in figures["databases"].items():
        assert all(not stats["errors"] for stats in db["imports"]), name
        assert sum(s["rows"] for s in db["imports"] if s["kind"] == "credits") == rows["credits"]
        assert db["credits_import"]["rows"] == round(dataset.CREDITS_PER_FILE * 200 / dataset.FULL_PARTICIPANTS)
        assert db["credits_reimport"]["unchanged"] == db["credits_import"]["rows"]
        assert db["xlsx_check"]["rows"] == rows["xlsx_rows"] == round(200_000 * 200 / dataset.FULL_PARTICIPANTS)
        assert not db["xlsx_check"]["errors"] and db["xlsx_check"]["seconds"] > 0
        assert db["recompute"]["participants"] == 200
        assert db["recompute"]["evidence_rows"] == rows["evidence"]
        assert db["export"]["rows"] > 200
        assert db["next_steps"]["participants"] == 200 and db["next_steps"]["rows"] > 0

        # the pages and the report, on the same database (DP001 has 8 participants here, DP002 2)
        pages = db["pages"]
        assert set(pages["partners"]) == {"DP001", "DP002"}
        for partner in pages["partners"].values():
            assert partner["dashboard"]["queries"] > 0 and partner["list"]["queries"] > 0
        lead = pages["partners"]["DP001"]
        assert lead["dashboard"]["requests"] == lead["list"]["requests"] == 30
        assert 0 < lead["dashboard"]["median_ms"] <= lead["dashboard"]["p95_ms"]
        assert 0 < lead["dashboard_changed"]["median_ms"] <= lead["dashboard_changed"]["p95_ms"]
        assert pages["overview"]["participants"] == 200 and pages["overview"]["direct"]["requests"] == 10
        for page in ("overview", "declarations", "edt_list"):
            assert pages[page]["requests"] == 10 and pages[page]["first_ms"] > 0 and pages[page]["queries"] > 0
        assert db["dashboard_small"]["participants"] == db["dashboard_national"]["participants"] == 2
        assert db["upload"]["created"] == rows["upload_rows"]
        assert db["upload"]["preview_seconds"] >= db["upload"]["click_seconds"] >= db["upload"]["upload_seconds"] > 0
        assert db["upload"]["seconds"] >= db["upload"]["confirm_click_seconds"] > 0
        assert db["upload"]["meets"].startswith("As of ")
        assert db["report"]["participants"] == 2 and db["report"]["render_only_seconds"] > 0
        teams, moodle = db["reports"]["teams"], db["reports"]["moodle"]  # partners' reports as they come
        assert teams["attendees"] > 0 and not teams["errors"] and teams["marks"] >= teams["attendees"]
        assert teams["unmatched"] == 6 and teams["seconds"] > 0
        assert moodle["learners"] > 0 and moodle["activities"] == 150 and not moodle["errors"] and moodle["credits"] > 0
        dfe = db["dfe_send"]  # declarations sent to a stand-in of DfE enforcing its (scaled-down) rate limit
        assert dfe["sent"] == dfe["declarations"] > 0 and dfe["throttled"] == 0
        assert dfe["most_in_a_window"] <= dfe["limit"]
        read = db["dfe_read"]  # dfe sync and declarations refresh from the stand-in, at its pace
        assert read["sync"]["counts"]["matched"] == read["participants"] == 200 and read["sync"]["throttled"] == 0
        assert read["refresh"]["counts"]["read"] == read["declarations"] == 800 and read["refresh"]["counts"]["unknown"] == 0
        assert read["sync"]["peak_rss_mb"] > 0 and read["refresh"]["requests_seconds"] > 0

        # the job runner: make serve and make worker, report jobs at once, /health and the dashboard meanwhile
        jobs = db["jobs"]
        assert jobs["reports"] == 3 and jobs["failed"] == 0, jobs["errors"]
        assert jobs["click"]["requests"] == jobs["click_redirect"]["requests"] == 3 and jobs["finish_seconds"] > 0
        assert 1 <= jobs["send"]["requests"] == jobs["send_page"]["requests"] <= 8 and jobs["send_failed"] == 0
        assert jobs["uploads"] == 2 and jobs["uploads_failed"] == 0  # two large uploads checked beside the reports
        assert jobs["health"]["polls"] > 0 and jobs["health_quiet"]["polls"] >= 10
        assert jobs["dashboard_quiet"]["requests"] == 10 and jobs["dashboard_during"]["requests"] > 0

    # one table of every database, each measure with its target and its share of it
    table = markdown(figures)
    assert table[0].startswith("| measure | " + " | ".join(databases))
    assert len(table) == 2 + 29 and all(line.count("|") == 3 + 2 * len(databases) for line in table)
    assert any(line.startswith("| upload preview with its dry-run recompute, ") for line in table)
    assert any(line.startswith("| Teams report of ") and "read, matched and previewed | " in line for line in table)
    assert any(line.startswith("| Moodle completion report of ") and "by 150 activities" in line for line in table)
    assert any("declarations sent to a stand-in of DfE" in line for line in table)
    assert any(line.startswith("| dfe sync of 200 participants") for line in table)
    assert any(line.startswith("| declarations refresh of 800 declarations") for line in table)
    assert any(line.startswith("| upload, and its confirm: from the click to the job's page |") for line in table)
    assert any(line.startswith("| /health every 250 ms while 3 report jobs run: ") for line in table)
    assert any(line.startswith("| a click to the job's page: report GETs, 3 at once: ") for line in table)
    assert any(line.startswith("| a click to the job's page: next-step emails' Send, ") for line in table)
    assert any(line.startswith("  3 partnership-report jobs for DP002 asked for at once") for line in lines)
    assert any("targets not met" in line or "every target met" in line for line in lines)

    # the child-process path `make bench` measures imports with
    url = "sqlite:///" + str(tmp_path / "bench.db")
    stats = import_in_child(url, "credits", tmp_path / "data" / "credits-b-1.csv")
    assert not stats.errors and stats.unchanged == stats.rows > 0 and stats.peak_mb > 0
