"""The example dataset with NORTH given a real name, and helpers that read a rendered PDF."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from tracker.engagement.book import Book
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context
from tracker.imports.kinds import sample_kinds
from tracker.models import DeliveryPartner

from ..conftest import EXAMPLES

KINDS = tuple(kind.name for kind in sample_kinds())
PARTNER = "NORTH"
PARTNER_NAME = "North Star Teaching Hub & Partners"
# NORTH has participants escalated, in the window and due soon on this date.
MEETING = date(2024, 2, 10)


@pytest.fixture()
def example_dataset(session, today):
    for kind in KINDS:
        with open(EXAMPLES / f"{kind}.csv", "rb") as stream:
            result = run_import(importer_for(kind, Context(today, Book())), stream, f"{kind}.csv")
        assert result.ok, result.errors
        session.commit()
    session.execute(update(DeliveryPartner).where(DeliveryPartner.code == PARTNER).values(name=PARTNER_NAME))
    session.commit()
    return session


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace made single spaces."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def between(text: str, start: str, end: str) -> str:
    """The text after the first `start` and before the next `end` (or the end of the text)."""
    begin = text.index(start) + len(start)
    stop = text.find(end, begin)
    return text[begin:] if stop < 0 else text[begin:stop]


def participant_ids(text: str) -> set[str]:
    return set(re.findall(r"\bEX\d{3}\b", text))
