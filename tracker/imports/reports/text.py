"""Text reports as tables: decoding by byte order mark, the separator from the content, rows with
their line numbers, columns by name, and e-mail addresses as keys for matching.

FORMATS.md's reading rules: `FF FE` is UTF-16LE, `FE FF` UTF-16BE, `EF BB BF` UTF-8; without a
mark, UTF-8 and then Windows-1252 (reading.text_encoding, which refuses a mix of the two). The
separator is a TAB when the first lines hold one, else a comma, whatever the file is called
(Teams and Moodle "Excel-compatible" files are TAB files named `.csv`, and a re-save in Excel
turns them into commas). Cells are stripped and a row's trailing empty cells dropped (Teams pads
rows, legacy Zoom ends lines with `,`).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..reading import FileProblem, Limits, header_key, text_encoding

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
ZIP = b"PK\x03\x04"
HEAD_BYTES = 8192
HEAD_LINES = 12


@dataclass(frozen=True)
class Head:
    """What recognising a file may look at: its first bytes, and its first lines decoded."""

    data: bytes  # the whole file (an XLSX file is recognised from its parts, not its first lines)
    bom: str | None  # the encoding a byte order mark names, if any
    lines: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.lines[0] if self.lines else ""

    @property
    def is_zip(self) -> bool:
        return self.data.startswith(ZIP)

    def starts(self, *prefixes: str) -> bool:
        """The first line begins with one of the prefixes, ignoring case and leading quotes."""
        first = self.first.lstrip('"').casefold()
        return any(first.startswith(prefix.casefold()) for prefix in prefixes)

    def cells(self, line: int = 0) -> list[str]:
        if line >= len(self.lines):
            return []
        return _cells(next(csv.reader([self.lines[line]], delimiter=separator(self.lines)), []))


def _bom(data: bytes) -> tuple[str | None, bytes]:
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return encoding, data[len(mark):]
    return None, data


def head(data: bytes) -> Head:
    """The first lines of a file, decoded as well as a fragment can be (never raises)."""
    bom, body = _bom(data)
    chunk = body[:HEAD_BYTES]
    if bom is None:
        try:
            text = codecs.getincrementaldecoder("utf-8")().decode(chunk)
        except UnicodeDecodeError:
            text = chunk.decode("cp1252", errors="replace")
    else:
        text = chunk.decode(bom, errors="replace")
    lines = tuple(line for line in text.splitlines() if line.strip(" \t,;"))[:HEAD_LINES]
    return Head(data, bom, lines)


def decode(data: bytes) -> str:
    """The whole file as text (FileProblem when it is not text in a way FORMATS.md names)."""
    bom, body = _bom(data)
    if bom is None:
        bom = text_encoding(io.BytesIO(data))
    try:
        return body.decode(bom)
    except UnicodeDecodeError as error:
        raise FileProblem(f"The file is not readable {bom} text ({error.reason} at byte {error.start})") from None


def separator(lines: Iterable[str]) -> str:
    return "\t" if any("\t" in line for line in lines) else ","


def _cells(values: Sequence[object]) -> list[str]:
    cells = [str(value).strip() for value in values]
    while cells and not cells[-1]:
        cells.pop()
    return cells


@dataclass(frozen=True)
class Row:
    number: int  # the line the row starts on (a sheet's row), counting from 1
    cells: list[str]
    unit: str = "line"

    @property
    def label(self) -> str:
        return f"{self.unit} {self.number}"

    def cell(self, index: int | None) -> str:
        return self.cells[index] if index is not None and index < len(self.cells) else ""


def table(data: bytes, limits: Limits) -> list[Row]:
    """The file's non-blank rows, decoded and split on the separator its content uses."""
    text = decode(data)
    sep = separator(text[:HEAD_BYTES].splitlines()[:HEAD_LINES])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows, start = [], 1
    try:
        for values in reader:
            cells = _cells(values)
            if cells:
                rows.append(Row(start, cells))
            start = reader.line_num + 1
            if limits.rows is not None and len(rows) > limits.rows + 1:
                raise FileProblem(limits.too_many_rows())
    except csv.Error as error:
        raise FileProblem(f"line {reader.line_num}: not readable as a table: {error}") from None
    return rows


def sheet_table(values: Iterable[Sequence[object]]) -> list[Row]:
    """An XLSX sheet's rows in the shape of `table`'s, numbered as the sheet numbers them; a whole
    number Excel stores as a float (a student id) is written without `.0`."""
    rows = []
    for number, cells in enumerate(values, start=1):
        cells = _cells(int(v) if isinstance(v, float) and v.is_integer() else v for v in cells)
        if cells:
            rows.append(Row(number, cells, "row"))
    return rows


class Columns:
    """A header row: columns found by name, ignoring case, spaces and -/_ (reading.header_key)."""

    def __init__(self, header: Row):
        self.header = header
        self.keys = [header_key(cell) for cell in header.cells]

    def find(self, *names: str) -> int | None:
        for name in names:
            key = header_key(name)
            if key in self.keys:
                return self.keys.index(key)
        return None

    def has(self, *names: str) -> bool:
        return self.find(*names) is not None

    def get(self, row: Row, *names: str) -> str:
        return row.cell(self.find(*names))


EXTERNAL = re.compile(r"^(?P<local>.+)_(?P<domain>[^_]+)#ext#@", re.IGNORECASE)


def email_key(value: str) -> str | None:
    """An address as a matching key: stripped and case-folded, an Entra ID guest's
    `first.last_school.example#EXT#@tenant.onmicrosoft.com` unwrapped to `first.last@school.example`
    (the last `_` before `#EXT#` was the `@`). Anything without one `@` (`--`, empty) is no key."""
    value = value.strip().strip("<>").casefold()
    found = EXTERNAL.match(value)
    if found:
        value = f"{found['local']}@{found['domain']}"
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or "@" in domain or " " in value:
        return None
    return value


def email_keys(*values: str) -> tuple[str, ...]:
    """The distinct keys of the given addresses, in the order given (strongest first)."""
    keys: list[str] = []
    for value in values:
        key = email_key(value)
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)
