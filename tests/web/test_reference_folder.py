"""Reference data belongs to EDT once installed: `init` keeps EDT's edits; `reference export` / `reference load`."""
from __future__ import annotations

import csv
import shutil
from datetime import date

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Activity, AuditEvent, Block, Cohort, Course, ScheduleOutput
from tracker.reference.loader import DATA, install, load_folder

from ..factories import import_text
from .test_reference_web import activity_of, audits, schedule_row, status_of
from .test_reference_web import shipped_reference_data_afterwards  # noqa: F401  (the fixture puts the shipped data back)
from ..test_reference import reference_rows


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def edit(path, change):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        change(row)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def complete_npqll_block_2(folder):
    """The spreadsheet way of what EDT did in the browser: the TBC row becomes Recorded webinar 2.1, 3 credits."""
    def content(row):
        if (row["course"], row["block"], row["title"]) == ("NPQLL", "2", "TBC"):
            row.update(title="Recorded webinar 2.1", duration="30 minutes", credits="3")

    edit(folder / "content.csv", content)
    edit(folder / "block_totals.csv", lambda row: row.update(total="36") if (row["course"], row["block"]) == ("NPQLL", "2") else None)


def test_edt_edits_in_the_browser_survive_init(app, as_edt_admin):
    tbc = activity_of("NPQLL", 2, "TBC")
    response = as_edt_admin.post(f"/reference/NPQLL/activities/{tbc.id}", {
        "title": "Recorded webinar 2.1", "duration": "30 minutes", "credits": "3", "block_total": "36",
        "course_total": "TBC"})
    assert response.status_code == 302
    response = as_edt_admin.post("/reference/schedules/3/specialist/2", {
        "review_date": ["30", "6", "2023"], "invoice_date": ["14", "7", "2023"], "payment_date": ["14", "8", "2023"]})
    assert response.status_code == 302

    result = run(app, "init")
    assert result.exit_code == 0, result.stderr
    db.session.expire_all()
    block = activity_of("NPQLL", 2, "Recorded webinar 2.1").block
    assert [a.title for a in block.activities if a.title in ("TBC", "Recorded webinar 2.1")] == ["Recorded webinar 2.1"]
    assert block.printed_total == 36
    assert schedule_row(3, "specialist", 2).review_date == date(2023, 6, 30)
    assert "reference data: added nothing new" in result.stdout
    assert "schedules.csv: row 17: review_date: shipped 2023-06-22, the database has 2023-06-30" in result.stdout
    assert "content.csv: row 224: NPQLL block 2 'TBC': not in the database" in result.stdout
    assert "content.csv: NPQLL block 2 'Recorded webinar 2.1': only in the database" in result.stdout
    assert "block_totals.csv: row 18: total: shipped TBC, the database has 36" in result.stdout


def test_init_on_an_installed_database_adds_a_new_cohort_and_its_schedule(session, tmp_path):
    folder = tmp_path / "shipped"
    shutil.copytree(DATA, folder)
    with open(folder / "cohorts.csv", "a", encoding="utf-8") as handle:
        handle.write("5,Cohort 5 (October 2023),2023-10-01,npq-specialist-autumn,npq-leadership-autumn\n")
    with open(folder / "schedules.csv", "a", encoding="utf-8") as handle:
        for number, name, dates in ((1, "Teacher Validated and Training Commenced", ("2023-12-11", "2024-01-10", "2024-02-09")),
                                    (2, "Retention Point", ("2024-06-20", "2024-07-15", "2024-08-15")),
                                    (3, "Teacher Assessed, Mark Awarded and Moderated", ("2025-02-24", "2025-03-24", "2025-04-24"))):
            handle.write(f'5,specialist,{number},"{name}",33.3,{",".join(dates)}\n')
    try:
        installed = install(folder)
        assert installed.added == {"cohorts": 1, "schedules": 3}
        assert session.get(Cohort, 5).start_date == date(2023, 10, 1)
        assert [e.entity for e in session.scalars(select(AuditEvent).where(AuditEvent.actor == "init")
                                                  .order_by(AuditEvent.id))] == \
            ["cohort", "schedule_output", "schedule_output", "schedule_output"]
        assert install(folder).added == {}
    finally:
        session.rollback()


def test_export_then_load_of_an_edited_folder_changes_what_it_should(app, session, tmp_path):
    from ..factories import gen_participant

    gen_participant("N001", partner="NORTH", course="NPQLT", cohort=3)
    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,1,NPQLT F2F Training Session,2022-11-01,attended",
                       "N001,2,NPQLT Live Webinar,2023-06-29,attended").ok
    assert status_of("N001", 2, date(2023, 7, 10)).status == "met-late"  # review date 2023-06-22

    folder = tmp_path / "reference"
    result = run(app, "reference", "export", str(folder))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "block_totals.csv", "block_windows.csv", "cohorts.csv", "content.csv", "course_totals.csv", "courses.csv",
        "schedules.csv"]
    result = run(app, "reference", "load", str(folder))
    assert (result.exit_code, result.stdout.strip()) == (0, "changed: nothing; met_on recomputed for 0 participants")

    complete_npqll_block_2(folder)
    edit(folder / "schedules.csv", lambda row: row.update(review_date="2023-06-30")
         if (row["cohort"], row["course_group"], row["output"]) == ("3", "specialist", "2") else None)
    with open(folder / "block_windows.csv", "a", encoding="utf-8") as handle:
        handle.write("3,specialist,1,2022-10-01,2022-12-16\n")
    result = run(app, "reference", "load", str(folder))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == (
        "changed: content 2, block_totals 1, schedules 1, block_windows 1; met_on recomputed for 1 participants")
    db.session.expire_all()
    assert activity_of("NPQLL", 2, "TBC") is None
    assert activity_of("NPQLL", 2, "Recorded webinar 2.1").credits == 3
    assert schedule_row(3, "specialist", 2).review_date == date(2023, 6, 30)
    assert status_of("N001", 2, date(2023, 7, 10)).status == "met"
    assert [e.action for e in audits("activity")] == ["delete", "create"]
    assert audits("schedule_output")[0].actor == "command line"
    assert '"review_date": "2023-06-30"' in audits("schedule_output")[0].after
    assert len(audits("block_window")) == 1

    again = tmp_path / "again"
    assert run(app, "reference", "export", str(again)).exit_code == 0
    for name in ("content.csv", "schedules.csv", "block_totals.csv", "block_windows.csv"):
        assert (again / name).read_text() == (folder / name).read_text(), name


def test_a_bad_folder_changes_nothing_and_names_file_row_and_field(app, session, tmp_path):
    folder = tmp_path / "reference"
    assert run(app, "reference", "export", str(folder)).exit_code == 0
    complete_npqll_block_2(folder)
    edit(folder / "block_totals.csv", lambda row: row.update(total="37") if (row["course"], row["block"]) == ("NPQLL", "2") else None)
    edit(folder / "schedules.csv", lambda row: row.update(invoice_date="2021-12-01")
         if (row["cohort"], row["course_group"], row["output"]) == ("1", "leadership", "1") else None)
    before = reference_rows()
    result = run(app, "reference", "load", str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "block_totals.csv: row 18: total: NPQLL block 2: activities add up to 36, printed total is 37",
        "schedules.csv: row 5: invoice_date: cohort 1 leadership output 1: review 2021-12-13, invoice sent 2021-12-01, "
        "payment 2022-02-09 are not in order",
    ]
    assert reference_rows() == before
    assert db.session.scalars(select(AuditEvent)).all() == []

    edit(folder / "content.csv", lambda row: row.update(credits="three")
         if (row["course"], row["title"]) == ("NPQLL", "Recorded webinar 2.1") else None)
    lines = (folder / "content.csv").read_text().splitlines()
    row = next(n for n, line in enumerate(lines, start=1) if line.startswith("NPQLL,2,13,"))
    result = run(app, "reference", "load", str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"content.csv: row {row}: credits: 'three' is not a whole number or TBC"]
    assert reference_rows() == before


def leave_out_npqlt_survey(folder):
    """The folder without NPQLT block 1's Survey, its block and course totals lowered to match."""
    survey_credits = activity_of("NPQLT", 1, "Survey").credits
    rows = (folder / "content.csv").read_text().splitlines()
    (folder / "content.csv").write_text("\n".join(r for r in rows if not (r.startswith("NPQLT,1,") and ",Survey," in r)) + "\n")
    edit(folder / "block_totals.csv", lambda row: row.update(total=str(int(row["total"]) - survey_credits))
         if (row["course"], row["block"]) == ("NPQLT", "1") else None)
    edit(folder / "course_totals.csv", lambda row: row.update(total=str(int(row["total"]) - survey_credits))
         if row["course"] == "NPQLT" else None)


def test_load_refuses_removing_content_in_use_and_a_course(app, session, tmp_path):
    from ..factories import gen_participant

    gen_participant("N001", partner="NORTH", course="NPQLT", cohort=3)
    assert import_text("credits", "participant_id,block,activity,completed_on", "N001,1,Survey,2022-11-01").ok
    folder = tmp_path / "reference"
    assert run(app, "reference", "export", str(folder)).exit_code == 0
    leave_out_npqlt_survey(folder)
    rows = (folder / "courses.csv").read_text().splitlines()
    (folder / "courses.csv").write_text("\n".join(r for r in rows if not r.startswith("EHCO,")) + "\n")
    before = reference_rows()
    result = run(app, "reference", "load", str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "courses.csv: EHCO: missing (a course cannot be removed)",
        "content.csv: NPQLT block 1 'Survey': missing, but 1 records of evidence use it "
        "(an activity in use cannot be removed)",
    ]
    assert reference_rows() == before


def test_an_unused_activity_left_out_of_the_folder_is_removed(session, tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(DATA, folder)
    leave_out_npqlt_survey(folder)
    loaded = load_folder(folder, "tests")
    assert loaded.changed == {"content": 1, "courses": 1, "block_totals": 1}
    assert activity_of("NPQLT", 1, "Survey") is None
    session.rollback()


@pytest.mark.parametrize("start, refused", [("2022-11-02", True), ("2022-11-01", False), ("2022-09-01", False)])
def test_a_start_moved_after_recorded_evidence_is_refused_with_a_count(app, session, tmp_path, start, refused):
    from ..factories import gen_participant

    for ref in ("N001", "N002"):
        gen_participant(ref, partner="NORTH", course="NPQLT", cohort=3)
        assert import_text("credits", "participant_id,block,activity,completed_on", f"{ref},1,Survey,2022-11-01").ok
    folder = tmp_path / "reference"
    assert run(app, "reference", "export", str(folder)).exit_code == 0
    edit(folder / "cohorts.csv", lambda row: row.update(start_date=start) if row["cohort"] == "3" else None)
    result = run(app, "reference", "load", str(folder))
    db.session.expire_all()
    if refused:
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            f"cohorts.csv: row 4: start_date: 2 participants have evidence for cohort 3 dated before {start}"]
        assert session.get(Cohort, 3).start_date == date(2022, 10, 1)
    else:
        assert result.exit_code == 0, result.stderr
        assert session.get(Cohort, 3).start_date == date.fromisoformat(start)


def test_a_title_a_spreadsheet_would_run_is_exported_with_a_quote_and_loads_back_unchanged(
        app, session, tmp_path, shipped_reference_data_afterwards):
    formula = '=HYPERLINK("https://evil.example","Recorded webinar 2.1")'
    folder = tmp_path / "reference"
    assert run(app, "reference", "export", str(folder)).exit_code == 0
    complete_npqll_block_2(folder)
    edit(folder / "content.csv", lambda row: row.update(title=formula) if row["title"] == "Recorded webinar 2.1" else None)
    result = run(app, "reference", "load", str(folder))
    assert result.exit_code == 0, result.stderr
    db.session.expire_all()
    assert activity_of("NPQLL", 2, formula).credits == 3

    again = tmp_path / "again"
    assert run(app, "reference", "export", str(again)).exit_code == 0
    written = (again / "content.csv").read_text()
    assert "'=HYPERLINK(" in written and ",=HYPERLINK(" not in written and "\"=HYPERLINK(" not in written
    result = run(app, "reference", "load", str(again))
    assert (result.exit_code, result.stdout.strip()) == (0, "changed: nothing; met_on recomputed for 0 participants")
    db.session.expire_all()
    assert activity_of("NPQLL", 2, formula) is not None


def test_a_nul_in_a_reference_file_is_a_problem_naming_file_row_and_field(app, session, tmp_path):
    folder = tmp_path / "reference"
    assert run(app, "reference", "export", str(folder)).exit_code == 0
    complete_npqll_block_2(folder)
    edit(folder / "content.csv", lambda row: row.update(title="Recorded\x00 webinar 2.1")
         if row["title"] == "Recorded webinar 2.1" else None)
    result = run(app, "reference", "load", str(folder))
    assert result.exit_code == 1
    assert any(line.startswith("content.csv: row ") and ": title: contains a NUL character" in line
               for line in result.stderr.splitlines()), result.stderr
    db.session.expire_all()
    assert activity_of("NPQLL", 2, "TBC") is not None
