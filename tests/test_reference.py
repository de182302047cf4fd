"""The shipped reference data (Annex 1a schedules and Annex 2 content) and its loader."""
from __future__ import annotations

import csv
import shutil

import pytest
from sqlalchemy import func, select

from tracker.engagement.book import Book
from tracker.extensions import db
from tracker.models import Activity, Block, Cohort, Course, ScheduleOutput
from tracker.reference.folder import read_folder
from tracker.reference.loader import DATA, ReferenceError, load_folder, load_reference

REFERENCE_TABLES = (Course, Block, Activity, Cohort, ScheduleOutput)


def reference_rows():
    db.session.expire_all()
    return {
        model.__tablename__: sorted(repr(tuple(row)) for row in db.session.execute(select(model.__table__)))
        for model in REFERENCE_TABLES
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def problems_of(folder):
    return read_folder(folder)[1]


def test_the_shipped_data_has_no_problems():
    assert problems_of(DATA) == []


def test_the_shipped_data_loads(session):
    assert load_reference().added == {}
    assert count(Course) == 8
    assert count(ScheduleOutput) == 28
    assert count(Cohort) == 4
    assert count(Block) == 4 * 5 + 3 * 4  # four specialist courses of 5 blocks, three leadership of 4
    session.rollback()


def test_every_course_has_the_blocks_and_outputs_of_its_group(session):
    expected = {"specialist": (5, 3), "leadership": (4, 4), "coaching": (0, 3)}
    for course in session.scalars(select(Course)):
        blocks, outputs = expected[course.course_group]
        assert (len(course.blocks), course.outputs) == (blocks, outputs), course.code
    for cohort in (1, 2, 3, 4):
        for group, number in (("specialist", 3), ("leadership", 4)):
            rows = session.scalars(select(ScheduleOutput).where(ScheduleOutput.cohort == cohort,
                                                                ScheduleOutput.course_group == group)).all()
            assert sorted(r.number for r in rows) == list(range(1, number + 1))


def test_course_offers_match_the_domain(session):
    offered = {c.code: c.cohort_numbers for c in session.scalars(select(Course))}
    assert offered["NPQLL"] == offered["NPQEYL"] == [3, 4]
    assert offered["NPQLT"] == offered["NPQH"] == [1, 2, 3, 4]


def test_every_numeric_block_total_equals_the_sum_of_its_activities(session):
    checked = 0
    for block in session.scalars(select(Block)):
        if block.printed_total is None:
            continue
        assert all(a.credits is not None for a in block.activities), (block.course.code, block.number)
        assert sum(a.credits for a in block.activities) == block.printed_total, (block.course.code, block.number)
        checked += 1
    assert checked == 5 * 3 + 4 * 2 + 2  # NPQLT/LTD/LBC, NPQSL/NPQH, and block 1 of NPQLL and NPQEYL


@pytest.mark.parametrize("code, total", [("NPQLT", 199), ("NPQLTD", 185), ("NPQLBC", 186), ("NPQSL", 249),
                                         ("NPQH", 237)])
def test_course_totals_are_the_printed_ones(session, code, total):
    facts = Book().by_code[code]
    assert facts.total_known is True
    assert facts.content.total == total == facts.course.printed_total


@pytest.mark.parametrize("code", ["NPQLL", "NPQEYL"])
def test_courses_with_tbc_content_have_an_unknown_total(session, code):
    facts = Book().by_code[code]
    assert facts.total_known is False
    assert facts.content.total is None
    assert facts.course.printed_total is None


def test_the_seed_typo_in_cohort_4_specialist_output_3_is_corrected(session):
    row = session.scalars(select(ScheduleOutput).where(ScheduleOutput.cohort == 4,
                                                       ScheduleOutput.course_group == "specialist",
                                                       ScheduleOutput.number == 3)).one()
    assert row.review_date < row.invoice_date < row.payment_date
    assert row.payment_date.isoformat() == "2024-07-23"


def test_loading_twice_changes_nothing(session):
    before = reference_rows()
    load_reference()
    session.flush()
    assert reference_rows() == before
    session.rollback()


def copy_of_data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def edit(path, change):
    """Rewrite one CSV: change(row) may modify a row (a dict) in place."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        change(row)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_the_loader_refuses_a_credit_that_breaks_the_block_total(session, tmp_path):
    folder = copy_of_data(tmp_path)

    def change(row):
        if (row["course"], row["block"], row["title"]) == ("NPQH", "2", "Diagnostic Assessment for Block 2"):
            row["credits"] = str(int(row["credits"]) + 1)

    edit(folder / "content.csv", change)
    problems = problems_of(folder)
    assert problems == ["block_totals.csv: row 27: total: NPQH block 2: activities add up to 59, printed total is 58"]
    before = reference_rows()
    with pytest.raises(ReferenceError) as refused:
        load_folder(folder, "tests")
    assert refused.value.problems == problems
    assert "NPQH block 2" in str(refused.value)
    assert reference_rows() == before


def test_the_loader_refuses_a_course_total_that_does_not_match(session, tmp_path):
    folder = copy_of_data(tmp_path)
    edit(folder / "course_totals.csv", lambda row: row.update(total="250") if row["course"] == "NPQSL" else None)
    assert problems_of(folder) == ["course_totals.csv: row 6: total: NPQSL: blocks add up to 249, printed course total is 250"]
    with pytest.raises(ReferenceError):
        load_folder(folder, "tests")


def test_the_loader_refuses_an_invoice_before_the_review_date(session, tmp_path):
    folder = copy_of_data(tmp_path)

    def change(row):
        if (row["cohort"], row["course_group"], row["output"]) == ("2", "leadership", "3"):
            row["invoice_date"] = "2023-04-01"  # review is 2023-04-21

    edit(folder / "schedules.csv", change)
    before = reference_rows()
    with pytest.raises(ReferenceError) as refused:
        load_folder(folder, "tests")
    assert refused.value.problems == [
        "schedules.csv: row 14: invoice_date: cohort 2 leadership output 3: review 2023-04-21, invoice sent 2023-04-01, payment 2023-06-19 are not in order"
    ]
    assert reference_rows() == before


def test_the_loader_refuses_the_seed_payment_date_typo(session, tmp_path):
    folder = copy_of_data(tmp_path)

    def change(row):
        if (row["cohort"], row["course_group"], row["output"]) == ("4", "specialist", "3"):
            row["payment_date"] = "2023-07-23"  # as printed in the seed

    edit(folder / "schedules.csv", change)
    problems = problems_of(folder)
    assert len(problems) == 1 and problems[0].startswith("schedules.csv: row 25: payment_date: cohort 4 specialist output 3:")
