"""The example dataset with NORTH given a real name, and helpers that read a rendered PDF."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
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


def headings_by_page(pdf: bytes) -> list[list[str]]:
    """Each page's headings, in order, from the PDF's outline (WeasyPrint makes one entry per heading)."""
    reader = PdfReader(io.BytesIO(pdf))
    pages: list[list[str]] = [[] for _ in reader.pages]

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pages[reader.get_destination_page_number(item)].append(" ".join(item.title.split()))

    walk(reader.outline)
    return pages


def introductions(html: str) -> dict[str, str]:
    """heading text -> the paragraph right after it, as text: an introduction travels with its heading, so
    it does not count as what the heading introduces (unless it is all there is: an all-clear)."""
    def text(fragment: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", fragment).replace("&amp;", "&").replace("&#39;", "'").split())

    pairs = re.findall(r'<h[1-4][^>]*>(.*?)</h[1-4]>\s*<p(?! class="all-clear")[^>]*>(.*?)</p>', html, flags=re.S)
    return {text(heading): text(paragraph) for heading, paragraph in pairs}


def pages_as_laid_out(pdf: bytes) -> list[str]:
    """Each page's text in the order it reads on the page, top to bottom (poppler's pdftotext: pypdf gives
    the drawing order, in which a chart drawn last reads as if it came after the heading below it)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils, from make system-deps) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return [" ".join(page.decode("utf-8").split()) for page in text.split(b"\f")][: len(PdfReader(io.BytesIO(pdf)).pages)]
