"""Workbooks built for the limits tests: small files that expand to a great deal once read.

Written part by part with zipfile, streaming, so building one costs little memory.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def workbook(rows: Iterable[bytes], strings: Iterable[bytes] = (), level: int = 9, dimension: str = "") -> bytes:
    """An XLSX file whose first sheet's <sheetData> and whose <sst> are the given chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN}">'.encode())
            for chunk in strings:
                part.write(chunk)
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for chunk in rows:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _inline(ref: str, value: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()


def header_row(names: Iterable[str]) -> bytes:
    cells = b"".join(_inline(f"{chr(65 + i)}1", name) for i, name in enumerate(names))
    return b'<row r="1">' + cells + b"</row>"


def million_rows(count: int = 1_000_000) -> bytes:
    """A credits workbook of `count` data rows in little more than 0.1 MB, its sheet 47 MB unzipped
    (inside the unzipped limit): only the row limit stops it."""
    row = b'<row><c t="s"><v>0</v></c><c><v>1</v></c></row>'
    rows = [header_row(("participant_id", "block", "activity", "completed_on"))]
    rows += [row * 10_000] * (count // 10_000)
    return workbook(rows, [b"<si><t>N001</t></si>"])


def expanding_strings(total_mb: int = 200) -> bytes:
    """A workbook of about 1 MB whose shared strings expand to total_mb MB."""
    one = b"<si><t>" + b"x" * (10 * 1024 * 1024) + b"</t></si>"
    rows = [header_row(("participant_id",)), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return workbook(rows, (one for _ in range(total_mb // 10)), level=1)


def many_strings(count: int = 2_000_000) -> bytes:
    """A workbook of `count` one-letter shared strings: 34 MB unzipped, inside that limit."""
    rows = [header_row(("participant_id",)), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return workbook(rows, [b"<si><t>x</t></si>" * 10_000] * (count // 10_000), level=1)
