"""The public sample dataset reproduces its four expected engagement files byte for byte."""
from __future__ import annotations

import pytest

from tracker.engagement.book import Book
from tracker.engagement.standing import standings
from tracker.exports.cells import csv_text
from tracker.exports.engagement import HEADER, engagement_rows
from tracker.extensions import db
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context
from tracker.imports.kinds import sample_kinds

from .conftest import EXAMPLES

KINDS = tuple(kind.name for kind in sample_kinds())
DATES = ("2022-06-30", "2023-03-01", "2023-11-20", "2024-08-20")


@pytest.fixture()
def example_dataset(session, today):
    for kind in KINDS:
        with open(EXAMPLES / f"{kind}.csv", "rb") as stream:
            result = run_import(importer_for(kind, Context(today, Book())), stream, f"{kind}.csv")
        assert result.ok, result.errors
        session.commit()
    return session


@pytest.mark.parametrize("as_of", DATES)
def test_engagement_matches_the_expected_file(example_dataset, as_of):
    from datetime import date

    produced = csv_text(HEADER, engagement_rows(standings(date.fromisoformat(as_of))))
    expected = (EXAMPLES / f"engagement-{as_of}.csv").read_bytes().decode("utf-8")
    assert produced == expected


def test_importing_the_dataset_again_changes_nothing(example_dataset, today):
    for kind in KINDS:
        with open(EXAMPLES / f"{kind}.csv", "rb") as stream:
            result = run_import(importer_for(kind, Context(today, Book())), stream, f"{kind}.csv")
        assert result.ok
        assert (result.created, result.updated) == (0, 0)
        assert result.unchanged == result.read
        db.session.commit()


@pytest.mark.parametrize("as_of", ("2023-03-01", "2023-11-20"))
def test_next_steps_match_the_expected_file(example_dataset, as_of):
    from datetime import date

    from tracker.engagement.next_steps import next_steps_for
    from tracker.exports.next_steps import next_steps_csv

    day = date.fromisoformat(as_of)
    book = Book()
    found = standings(day, book=book)
    produced = next_steps_csv(found, next_steps_for(found, day, book))
    expected = (EXAMPLES / f"next-steps-{as_of}.csv").read_bytes().decode("utf-8")
    assert produced == expected
