"""Reading CSV (UTF-8 with or without BOM, or Windows-1252) and XLSX files, row by row."""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from typing import BinaryIO


class FileProblem(ValueError):
    """The file as a whole cannot be read (wrong type, no header, missing columns)."""


def header_key(name: object) -> str:
    """Column names match ignoring case, surrounding spaces and -/_/space differences."""
    return re.sub(r"[\s_\-]+", "", str(name or "")).casefold()


def _encoding(stream: BinaryIO) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    try:
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return "utf-8-sig"


def _csv_rows(stream: BinaryIO) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding=_encoding(stream), newline="")
    try:
        yield from csv.reader(text)
    except csv.Error as error:
        raise FileProblem(f"not a readable CSV file: {error}") from error
    finally:
        text.detach()


def _xlsx_rows(stream: BinaryIO) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several types for a damaged file
        raise FileProblem(f"not a readable XLSX file: {error}") from error
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if v is None else v for v in values]
    finally:
        book.close()


def read_rows(stream: BinaryIO, filename: str) -> Iterator[tuple[int, list[object]]]:
    """Yield (row number, values) counting the header as row 1; blank lines are skipped."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(stream)
    elif name.endswith(".csv"):
        rows = _csv_rows(stream)
    else:
        raise FileProblem(f"{filename}: expected a .csv or .xlsx file")
    for number, values in enumerate(rows, start=1):
        # a row is blank when every cell is; the first cell nearly always settles it
        if (values and str(values[0]).strip()) or any(str(v).strip() for v in values):
            yield number, values
