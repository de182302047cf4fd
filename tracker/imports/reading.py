"""Reading CSV (UTF-8 with or without BOM, or Windows-1252) and XLSX files, row by row.

A file uploaded in the browser is read within Limits that a compressed file cannot dodge: an
XLSX file's parts are measured unzipped before any of them is parsed, its shared strings are
counted before openpyxl loads them, and rows are counted while streaming, so a file over a limit
is refused before the rest of it is read.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHARED_STRINGS

MB = 1024 * 1024
MAX_COLUMNS = 200  # columns further right are never read (extra columns are ignored anyway)
SAVE_AS_UTF8 = "save it as CSV UTF-8 and upload it again"


class FileProblem(ValueError):
    """The file as a whole cannot be read (wrong type, no header, missing columns, over a limit)."""


@dataclass(frozen=True)
class Limits:
    rows: int | None = None  # rows after the header row
    unzipped_mb: int | None = None  # an XLSX file's parts, uncompressed
    shared_strings: int | None = None  # the distinct texts of an XLSX file

    def too_many_rows(self) -> str:
        return (f"The file has more than {self.rows:,} rows, the most one file may have: "
                f"split it into files of at most {self.rows:,} rows")


NO_LIMITS = Limits()
UPLOAD_LIMITS = Limits(rows=200_000, unzipped_mb=50, shared_strings=1_000_000)

UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def header_key(name: object) -> str:
    """Column names match ignoring case, surrounding spaces and -/_/space differences."""
    return re.sub(r"[\s_\-]+", "", str(name or "")).casefold()


def text_encoding(stream: BinaryIO) -> str:
    """utf-8-sig or cp1252; a file that is neither, or mixes the two, is refused."""
    stream.seek(0)
    try:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := stream.read(MB):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
        stream.seek(0)
        decoder, tail = codecs.getincrementaldecoder("cp1252")(), b""
        while chunk := stream.read(MB):
            if UTF8_SEQUENCE.search(tail + chunk):
                raise FileProblem(f"The file mixes two text encodings (UTF-8 and Windows-1252): {SAVE_AS_UTF8}")
            tail = chunk[-3:]
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise FileProblem(f"The file is neither UTF-8 nor Windows-1252 text: {SAVE_AS_UTF8}") from None
        return "cp1252"
    finally:
        stream.seek(0)


def _csv_rows(stream: BinaryIO) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding=text_encoding(stream), newline="")
    try:
        yield from csv.reader(text)
    except csv.Error as error:
        raise FileProblem(f"not a readable CSV file: {error}") from error
    finally:
        text.detach()


class _Tags:
    """Counting one element's start tags in a part, fast: bytes.count for the usual unprefixed
    form, a regular expression when the part names its elements with a namespace prefix."""

    def __init__(self, name: bytes):
        self.plain = [b"<" + name + end for end in (b">", b" ", b"/", b"\t", b"\n", b"\r")]
        self.prefixed = re.compile(rb"<[A-Za-z_][\w.-]*:" + name + rb"[\s/>]")

    def count(self, archive: zipfile.ZipFile, part: str, most: int) -> int:
        """How many start tags the part holds, reading no further than where it passes most."""
        found, carry, prefixed = 0, b"", None
        with archive.open(part) as source:
            while chunk := source.read(MB):
                chunk = carry + chunk
                if prefixed is None:
                    prefixed = self.prefixed.search(chunk) is not None
                cut = chunk.rfind(b"<")  # a tag starts at a '<' and holds no other: none is cut in two
                cut = len(chunk) if cut < 0 else cut
                found += self._in(chunk[:cut], prefixed)
                carry = chunk[cut:]
                if found > most:
                    return found
        return found + self._in(carry, bool(prefixed))

    def _in(self, data: bytes, prefixed: bool) -> int:
        count = sum(data.count(tag) for tag in self.plain)
        return count + (sum(1 for _ in self.prefixed.finditer(data)) if prefixed else 0)


ROWS, STRINGS = _Tags(b"row"), _Tags(b"si")


class _FirstSheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, minus its search for a dimension tag: without one it parses the
    whole sheet to find there is none, and a dimension tag may lie about the size anyway."""

    def _get_size(self):
        pass


def _open_sheet(stream: BinaryIO, limits: Limits):
    """The first worksheet of an XLSX file, once the file is known to be within the limits."""
    try:
        reader = ExcelReader(stream, read_only=True, data_only=True)
        unzipped = sum(info.file_size for info in reader.archive.infolist())
        if limits.unzipped_mb is not None and unzipped > limits.unzipped_mb * MB:
            raise FileProblem(
                f"The file holds {unzipped / MB:,.0f} MB once unzipped, more than the {limits.unzipped_mb} MB an "
                "XLSX file may hold: split it into smaller files, or save it as CSV")
        reader.read_manifest()
        strings = reader.package.find(SHARED_STRINGS)
        if strings is not None and limits.shared_strings is not None:
            if STRINGS.count(reader.archive, strings.PartName[1:], limits.shared_strings) > limits.shared_strings:
                raise FileProblem(
                    f"The file holds more than {limits.shared_strings:,} different texts, the most an XLSX file "
                    "may hold: split it into smaller files, or save it as CSV")
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # which number formats are dates
        found = next((pair for pair in reader.parser.find_sheets()
                      if pair[1].target in reader.valid_files and "chartsheet" not in pair[1].Type), None)
        if found is None:
            raise FileProblem("not a readable XLSX file: it has no worksheet")
        sheet, relation = found
        if limits.rows is not None and ROWS.count(reader.archive, relation.target, limits.rows + 1) > limits.rows + 1:
            raise FileProblem(limits.too_many_rows())
        return reader.wb, _FirstSheet(reader.wb, sheet.name, relation.target, reader.shared_strings)
    except FileProblem:
        raise
    except Exception as error:  # openpyxl and zipfile raise many types for a damaged file
        raise FileProblem(f"not a readable XLSX file: {error}") from error


def _xlsx_rows(stream: BinaryIO, limits: Limits) -> Iterator[list[object]]:
    book, sheet = _open_sheet(stream, limits)
    try:
        number, width = 0, 0
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            cells = ["" if v is None else v for v in values]
            yield cells
            if any(str(v).strip() for v in cells):
                width = max((i + 1 for i, v in enumerate(cells) if str(v).strip()), default=0)
                break
        # Rows below the header are read as wide as the header: a cell far to the right must not
        # make every row thousands of cells long.
        for values in sheet.iter_rows(min_row=number + 1, max_col=max(width, 1), values_only=True):
            yield ["" if v is None else v for v in values]
    finally:
        book.close()


def sheet_rows(stream: BinaryIO, limits: Limits = NO_LIMITS) -> Iterator[list[object]]:
    """Every row of the first worksheet as it stands, blank rows included, each up to MAX_COLUMNS
    wide (not cut to the first row's width: a report's title rows are narrower than its table)."""
    book, sheet = _open_sheet(stream, limits)
    try:
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield ["" if v is None else v for v in values]
    finally:
        book.close()


def read_rows(stream: BinaryIO, filename: str, limits: Limits = NO_LIMITS) -> Iterator[tuple[int, list[object]]]:
    """Yield (row number, values) counting the header as row 1; blank lines are skipped."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(stream, limits)
    elif name.endswith(".csv"):
        rows = _csv_rows(stream)
    else:
        raise FileProblem(f"{filename}: expected a .csv or .xlsx file")
    last = None if limits.rows is None else limits.rows + 1
    for number, values in enumerate(rows, start=1):
        if last is not None and number > last:
            raise FileProblem(limits.too_many_rows())
        # a row is blank when every cell is; the first cell nearly always settles it
        if (values and str(values[0]).strip()) or any(str(v).strip() for v in values):
            yield number, values
