"""A credits file as Excel saves it, read and checked as the uploads page checks one.

`write_credits_xlsx` copies the first rows of a credits CSV into a workbook written the way
Excel writes one (shared strings, dates as serial numbers in a date format), streaming, so a
200,000-row file costs little memory to make. The check (bench.imports.import_in_child with
dry_run and the upload limits) reads every row and validates it against the database, writing
nothing.

`python -m bench.xlsx [--only sqlite|postgresql] [--participants N]` runs this measure alone:
a dataset of N participants (default 10,000: its credits files hold the 200,000 rows), their
participants files imported into a fresh database, then the check, on each database.
"""
from __future__ import annotations

import csv
import sys
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

XLSX_ROWS = 200_000
XLSX_SECONDS = 15.0  # for XLSX_ROWS rows, read and checked
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{SHEET_TYPE}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHEET_TYPE}.sharedStrings+xml"/></Types>',
    "_rels/.rels":
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        '<sheets><sheet name="Credits" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/styles.xml":  # style 1: Excel's built-in short date (numFmtId 14)
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}


def _serial(text: str) -> int:
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day)).toordinal() - EXCEL_EPOCH
    return date.fromisoformat(text).toordinal() - EXCEL_EPOCH


def write_credits_xlsx(sources: list[Path], path: Path, rows: int = XLSX_ROWS) -> int:
    """The first `rows` data rows of these credits CSV files as one workbook; returns the rows written."""
    strings: dict[str, int] = {}

    def text(value: str, ref: str) -> str:
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    written = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in PARTS.items():
            archive.writestr(name, part)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
                        "<sheetData>".encode())
            for source in sources:
                with open(source, newline="", encoding="utf-8") as handle:
                    reader = csv.reader(handle)
                    header = next(reader)
                    if written == 0:
                        cells = "".join(text(name, f"{chr(65 + i)}1") for i, name in enumerate(header))
                        sheet.write(f'<row r="1">{cells}</row>'.encode())
                    for ref, block, activity, credits, completed_on, source_name in reader:
                        if written == rows:
                            break
                        n = written + 2
                        cells = [text(ref, f"A{n}"), f'<c r="B{n}"><v>{block}</v></c>', text(activity, f"C{n}"),
                                 f'<c r="D{n}"><v>{credits}</v></c>' if credits else "",
                                 f'<c r="E{n}" s="1"><v>{_serial(completed_on)}</v></c>',
                                 text(source_name, f"F{n}") if source_name else ""]
                        sheet.write(f'<row r="{n}">{"".join(cells)}</row>'.encode())
                        written += 1
                if written == rows:
                    break
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN}" '
                         f'uniqueCount="{len(strings)}">'.encode())
            for value in strings:
                shared.write(f"<si><t>{escape(value)}</t></si>".encode())
            shared.write(b"</sst>")
    return written


def measure_xlsx_check(url: str, path: Path) -> dict:
    """The check of the workbook, in a child process of its own (bench.imports); the target is
    XLSX_SECONDS for XLSX_ROWS rows, in proportion for fewer (a smoke run's)."""
    from .imports import import_in_child

    stats = import_in_child(url, "credits", path, dry_run=True, upload_limits=True)
    return {"rows": stats.rows, "bytes": path.stat().st_size, "seconds": stats.seconds,
            "cpu_seconds": stats.cpu_seconds, "peak_mb": stats.peak_mb, "errors": stats.errors,
            "target_seconds": XLSX_SECONDS * stats.rows / XLSX_ROWS}


def describe(figure: dict) -> str:
    return (f"{figure['rows']:,}-row XLSX credits file ({figure['bytes'] / 2**20:.1f} MB) read and checked in "
            f"{figure['seconds']:.1f} s (CPU {figure['cpu_seconds']:.1f} s, peak {figure['peak_mb']:.0f} MB; "
            f"target {figure['target_seconds']:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    from .run import _load, alone_arguments, alone_dataset, with_participants

    args = alone_arguments("python -m bench.xlsx", __doc__, 10_000, argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="npq-bench-xlsx-") as folder:
        work = Path(folder)
        files = alone_dataset(work, args.participants, args.seed)
        path = work / "credits.xlsx"
        rows = write_credits_xlsx(files.credits, path)
        print(f"{rows:,} credit rows of {args.participants:,} participants written as {path.name}; {_load()}")
        for name, url, _ in with_participants(work, files, args.only):
            figure = measure_xlsx_check(url, path)
            print(f"{name}: {describe(figure)}; {_load()}")
            if figure["errors"]:
                print("\n".join(figure["errors"]))
            failed |= bool(figure["errors"]) or figure["seconds"] > figure["target_seconds"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
