"""The course content file (content.csv, as `flask reference export` writes it) loaded on its own, in the browser.

`reference load` takes a whole folder, so a single file is merged into the reference data the
database holds: the folder is exported as the command line would, the file put in place of
content.csv, and the folder checked and loaded whole by tracker/reference/loader.py, the same
code as `reference load`. Printed totals and everything else stay as the tracker holds them.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .loader import export_folder

NAME = "content.csv"
MAX_BYTES = 2 * 1024 * 1024  # the shipped file is about 25 KB


def file_problem(filename: str, content: bytes) -> str | None:
    """Why the upload cannot be a content file before it is read, or None."""
    if not content.strip():
        return f"{filename} is empty"
    if len(content) > MAX_BYTES:
        return f"{filename} is larger than 2 MB: a course content file is about 25 KB"
    if content[:2] == b"PK":
        return f"{filename} is an Excel workbook: save it as CSV UTF-8, the file `flask reference export` writes"
    return None


@contextmanager
def folder_with_content(content: bytes) -> Iterator[Path]:
    """A reference folder of what the database holds, with `content` as its content.csv."""
    with tempfile.TemporaryDirectory(prefix="reference-") as tmp:
        folder = Path(tmp)
        export_folder(folder)
        (folder / NAME).write_bytes(content)
        yield folder


def current() -> bytes:
    """content.csv exactly as `flask reference export` writes it now."""
    with tempfile.TemporaryDirectory(prefix="reference-") as tmp:
        export_folder(Path(tmp))
        return (Path(tmp) / NAME).read_bytes()


def as_uploaded(problems: list[str], filename: str) -> list[str]:
    """The loader's problems with content.csv named as the file the person chose; a problem of another file is
    one with what the tracker holds (a printed total), and says so."""
    return [filename + line[len(NAME):] if line.startswith(NAME + ":") else f"{line} (as the tracker holds it)"
            for line in problems]
