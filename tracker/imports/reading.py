"""Reading CSV (UTF-8 with or without BOM, or Windows-1252) and XLSX files, row by row.

A file uploaded in the browser is read within Limits that a compressed file cannot dodge: an
XLSX file's parts are measured unzipped before any of them is parsed, its shared strings are
counted before they are loaded, and its rows are counted (CSV rows while streaming), so a file
over a limit is refused before the rest of it is read.

XLSX is read by python-calamine, twenty times faster than openpyxl, when one pass over the
sheet's XML shows calamine would read it as openpyxl does and hold it in bounded memory; else by
openpyxl, row by row (_fits_a_grid).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from python_calamine import CalamineWorkbook
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

    def count_in(self, data: bytes, prefixed: bool) -> int:
        count = sum(data.count(tag) for tag in self.plain)
        return count + (sum(1 for _ in self.prefixed.finditer(data)) if prefixed else 0)


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A part's bytes in chunks of about a megabyte, each cut before its last '<': a tag starts at
    a '<' and holds no other, so none is cut in two."""
    carry = b""
    with archive.open(part) as source:
        while chunk := source.read(MB):
            chunk = carry + chunk
            cut = chunk.rfind(b"<")
            cut = len(chunk) if cut < 0 else cut
            carry = chunk[cut:]
            yield chunk[:cut]
    yield carry


ROWS, CELLS, STRINGS = _Tags(b"row"), _Tags(b"c"), _Tags(b"si")
REFERENCE = re.compile(rb'<(?:c|row) r="([A-Z]*)([0-9]+)"')  # a row's number, a cell's column and row


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class _Survey:
    """What one pass over a part's XML finds, before any of it is parsed."""

    tags: int = 0  # start tags of the element counted (rows of a sheet, texts of shared strings)
    prefixed: bool = False  # elements named with a namespace prefix
    # a sheet's
    last_row: int = 0  # the largest row number a row or a cell names
    last_column: int = 0  # the largest column number a cell names
    cells: int = 0
    referenced: int = 0  # cells whose first attribute is their place, r="A1"
    texts: int = 0  # cells of shared text
    errors: int = 0  # cells holding an error (#N/A ...)
    # shared strings'
    longest: int = 0  # bytes of the longest text's XML


def _survey_strings(archive: zipfile.ZipFile, part: str, most: int | None) -> _Survey:
    """The texts of the shared strings counted (no further than past most), and the longest
    measured: a reader that copies a text into every cell naming it must not copy a long one a
    million times."""
    found, offset, last = _Survey(), 0, None
    for chunk in _chunks(archive, part):
        if not found.prefixed and STRINGS.prefixed.search(chunk):
            found.prefixed = True
        found.tags += STRINGS.count_in(chunk, found.prefixed)
        for match in SI_START.finditer(chunk):
            if last is not None:
                found.longest = max(found.longest, offset + match.start() - last)
            last = offset + match.start()
        offset += len(chunk)
        if most is not None and found.tags > most:
            return found
    if last is not None:
        found.longest = max(found.longest, offset - last)
    return found


SI_START = re.compile(rb"<si[\s/>]")


def _survey_sheet(archive: zipfile.ZipFile, part: str, most_rows: int | None) -> _Survey:
    """A sheet's rows counted (no further than past most_rows), and its extent: the cells a
    reader that holds the whole sheet as a grid would make."""
    found = _Survey()
    for chunk in _chunks(archive, part):
        if not found.prefixed and (ROWS.prefixed.search(chunk) or CELLS.prefixed.search(chunk)):
            found.prefixed = True
        found.tags += ROWS.count_in(chunk, found.prefixed)
        found.cells += CELLS.count_in(chunk, found.prefixed)
        found.texts += chunk.count(b't="s"')
        found.errors += chunk.count(b't="e"')
        references = REFERENCE.findall(chunk)
        found.referenced += len(references) - chunk.count(b'<row r="')
        if references:
            found.last_row = max(found.last_row, max(int(row) for _, row in references))
            found.last_column = max(found.last_column, max(map(_column_number, {letters for letters, _ in references})))
        if most_rows is not None and (found.tags > most_rows or found.last_row > most_rows):
            return found
    return found


def _refuse_over(limits: Limits, archive: zipfile.ZipFile) -> None:
    unzipped = sum(info.file_size for info in archive.infolist())
    if limits.unzipped_mb is not None and unzipped > limits.unzipped_mb * MB:
        raise FileProblem(
            f"The file holds {unzipped / MB:,.0f} MB once unzipped, more than the {limits.unzipped_mb} MB an "
            "XLSX file may hold: split it into smaller files, or save it as CSV")


# python-calamine holds the whole sheet as a grid of cells (about 32 bytes each) and copies a
# shared text into each cell naming it; a sheet that would take more is read by openpyxl, row by row.
GRID_CELL_BYTES = 32
GRID_MOST_BYTES = 256 * MB


def _fits_a_grid(sheet: _Survey, strings: _Survey) -> bool:
    """Whether python-calamine reads this sheet as openpyxl would, within GRID_MOST_BYTES: every
    cell names its place first (calamine places others by count), none holds an error (calamine
    reads them as blank, openpyxl as their text), no element has a prefix."""
    if sheet.prefixed or strings.prefixed or sheet.errors or sheet.referenced != sheet.cells:
        return False
    grid = sheet.last_row * sheet.last_column * GRID_CELL_BYTES + sheet.texts * strings.longest
    return grid <= GRID_MOST_BYTES


class _FirstSheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, minus its search for a dimension tag: without one it parses the
    whole sheet to find there is none, and a dimension tag may lie about the size anyway."""

    def _get_size(self):
        pass


def _open_sheet(stream: BinaryIO, limits: Limits, fit: bool = True) -> Iterator[list[object]]:
    """The first worksheet's rows, once the file is known to be within the limits: read by
    python-calamine when the sheet fits a grid, else by openpyxl. fit: rows below the first that
    is not blank are cut to its width; else every row is MAX_COLUMNS wide."""
    try:
        reader = ExcelReader(stream, read_only=True, data_only=True)
        _refuse_over(limits, reader.archive)
        reader.read_manifest()
        part = reader.package.find(SHARED_STRINGS)
        strings = _Survey() if part is None else _survey_strings(reader.archive, part.PartName[1:],
                                                                  limits.shared_strings)
        if limits.shared_strings is not None and strings.tags > limits.shared_strings:
            raise FileProblem(
                f"The file holds more than {limits.shared_strings:,} different texts, the most an XLSX file "
                "may hold: split it into smaller files, or save it as CSV")
        reader.read_workbook()
        found = next((pair for pair in reader.parser.find_sheets()
                      if pair[1].target in reader.valid_files and "chartsheet" not in pair[1].Type), None)
        if found is None:
            raise FileProblem("not a readable XLSX file: it has no worksheet")
        sheet, relation = found
        most = None if limits.rows is None else limits.rows + 1
        survey = _survey_sheet(reader.archive, relation.target, most)
        if most is not None and (survey.tags > most or survey.last_row > most):
            raise FileProblem(limits.too_many_rows())
        if _fits_a_grid(survey, strings):
            reader.archive.close()
            return _calamine_rows(stream, sheet.name, fit)
        reader.read_strings()
        apply_stylesheet(reader.archive, reader.wb)  # which number formats are dates
        return _openpyxl_rows(reader.wb, _FirstSheet(reader.wb, sheet.name, relation.target, reader.shared_strings),
                              fit)
    except FileProblem:
        raise
    except Exception as error:  # openpyxl and zipfile raise many types for a damaged file
        raise FileProblem(f"not a readable XLSX file: {error}") from error


def _cell(value: object) -> object:
    """A value as openpyxl gives it: whole numbers as int (Excel writes 3, which openpyxl reads as
    an int and python-calamine as 3.0), dates as datetime."""
    kind = type(value)
    if kind is float and value.is_integer():
        return int(value)
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


def _fitted(values: list, width: int) -> list[object]:
    cells = [_cell(v) for v in values[:width]]
    return cells + [""] * (width - len(cells)) if len(cells) < width else cells


def _calamine_rows(stream: BinaryIO, name: str, fit: bool) -> Iterator[list[object]]:
    stream.seek(0)
    try:
        book = CalamineWorkbook.from_filelike(stream)
        sheet = book.get_sheet_by_name(name)
    except Exception as error:
        raise FileProblem(f"not a readable XLSX file: {error}") from error
    try:
        # calamine's rows start at row 1, but its columns at the first column holding a cell
        pad = [""] * (sheet.start or (0, 0))[1]
        rows, width = sheet.iter_rows(), MAX_COLUMNS
        for values in rows:  # up to the header, as wide as openpyxl reads them
            cells = _fitted(pad + values if pad else values, width)
            yield cells
            if fit and any(str(v).strip() for v in cells):
                width = max((i + 1 for i, v in enumerate(cells) if str(v).strip()), default=0)
                break
        for values in rows:
            yield _fitted(pad + values if pad else values, width)
    finally:
        book.close()


def _openpyxl_rows(book, sheet: ReadOnlyWorksheet, fit: bool) -> Iterator[list[object]]:
    try:
        number, width = 0, 0
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            cells = ["" if v is None else v for v in values]
            yield cells
            if fit and any(str(v).strip() for v in cells):
                width = max((i + 1 for i, v in enumerate(cells) if str(v).strip()), default=0)
                break
        else:
            return  # every row read (or not fitted)
        # Rows below the header are read as wide as the header: a cell far to the right must not
        # make every row thousands of cells long.
        for values in sheet.iter_rows(min_row=number + 1, max_col=max(width, 1), values_only=True):
            yield ["" if v is None else v for v in values]
    finally:
        book.close()


def sheet_rows(stream: BinaryIO, limits: Limits = NO_LIMITS) -> Iterator[list[object]]:
    """Every row of the first worksheet as it stands, blank rows included, each up to MAX_COLUMNS
    wide (not cut to the first row's width: a report's title rows are narrower than its table)."""
    return _open_sheet(stream, limits, fit=False)


def read_rows(stream: BinaryIO, filename: str, limits: Limits = NO_LIMITS) -> Iterator[tuple[int, list[object]]]:
    """Yield (row number, values) counting the header as row 1; blank lines are skipped."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _open_sheet(stream, limits)
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
