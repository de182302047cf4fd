"""Writing cells a spreadsheet will not run as formulas, in CSV and XLSX alike."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..engagement.collection import collector_paused

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[list[object]]) -> str:
    with collector_paused():
        out = io.StringIO()
        writer = csv.writer(out)  # RFC 4180 line endings (CRLF), as the examples expect
        writer.writerow(header)
        # the csv module writes None as an empty cell; safe() inlined: an export may have millions of cells
        writer.writerows(
            [("'" + v) if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in row] for row in rows
        )
        return out.getvalue()


def xlsx_bytes(header: list[str], rows: Iterable[list[object]], title: str = "Export") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(["" if v is None else safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
