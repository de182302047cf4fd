"""Column mappings in the browser (INTERCHANGE.md "Any other file: map its columns").

A file whose headings are not its kind's is read with a mapping its uploader chooses once: which
column holds each field, or one value for the whole file. The mapping is remembered for the
partner (None: EDT's own uploads) and kind when a file read with it is imported, and the next
file with the same headings is read with it without asking. Another partner's mappings are never
found.

The mapping and how a file is read with it are imports/mapping.py's, the same as the command
line's --column and --value; this module finds, checks and remembers one.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import select

from ..audit import record

from ..clock import now
from ..extensions import db
from ..imports import ImportResult, kinds
from ..imports.base import Context, missing_columns, placed_in, validate
from ..imports.fields import text
from ..imports.mapping import NO_MAPPING, ColumnMapping, MappingProblem, headings_key
from ..imports.reading import UPLOAD_LIMITS, FileProblem, header_key, read_rows
from ..models import PendingUpload, SavedMapping

SAMPLES = 3  # values shown under each heading
SCANNED_ROWS = 200  # rows read for those values, and to check the values a person gives
ONE_PER_ROW = ("participant_id", "email", "full_name", "other_emails", "declaration_id")  # never one for a whole file


@dataclass(frozen=True)
class Heading:
    text: str
    samples: tuple[str, ...]


@dataclass(frozen=True)
class Head:
    """A file's header row and its first rows, and each heading (the first of any written the same
    way) with its first few values."""

    header: list[object]
    rows: list[tuple[int, list[object]]]
    headings: list[Heading]

    def heading_for(self, chosen: str) -> str | None:
        """The file's heading a choice names (matched as headings are), or None."""
        return next((h.text for h in self.headings if header_key(h.text) == header_key(chosen)), None)


def head(filename: str, content: bytes) -> Head | None:
    """The start of the file; None when it cannot be read (its check says why)."""
    try:
        rows = read_rows(io.BytesIO(content), filename, UPLOAD_LIMITS)
        _, header = next(rows)
        first = list(islice(rows, SCANNED_ROWS))
    except (FileProblem, StopIteration):
        return None
    headings, seen = [], set()
    for index, cell in enumerate(header):
        name = text(cell) if cell is not None else ""
        if not name or header_key(name) in seen:
            continue
        seen.add(header_key(name))
        values = (text(values[index]) for _, values in first if index < len(values) and values[index] is not None)
        headings.append(Heading(name, tuple(islice((value for value in values if value), SAMPLES))))
    return Head(header, first, headings)


@dataclass(frozen=True)
class Reading:
    """How an upload is read: in its kind's own columns (no mapping), with a mapping (saved: the
    remembered one it came from), or not yet (asked: its uploader is asked for one)."""

    mapping: ColumnMapping = NO_MAPPING
    headings_key: str | None = None
    saved: SavedMapping | None = None
    asked: bool = False

    def stored(self) -> dict:
        """As the pending upload keeps it."""
        return {"column_mapping": json.dumps(self.mapping.as_dict()) if self.mapping else None,
                "headings_key": self.headings_key, "saved_mapping_id": self.saved.id if self.saved else None}


OWN_COLUMNS = Reading()


def reading_for(kind: str, filename: str, content: bytes, partner_id: int | None) -> Reading:
    """How to read an upload: its kind's own columns when its headings have them all; else the
    mapping the partner saved for these headings and kind; else its uploader is asked."""
    found = head(filename, content)
    importer = kinds.get(kind).importer
    if found is None or not missing_columns(importer, placed_in(importer, found.header)):
        return OWN_COLUMNS
    key = headings_key(found.header)
    saved = saved_for(partner_id, kind, key)
    if saved is None:
        return Reading(headings_key=key, asked=True)
    return Reading(ColumnMapping.from_dict(json.loads(saved.column_mapping)), key, saved)


def saved_for(partner_id: int | None, kind: str, key: str) -> SavedMapping | None:
    """The mapping this partner (None: EDT) saved for files of this kind with these headings."""
    owner = SavedMapping.partner_id.is_(None) if partner_id is None else SavedMapping.partner_id == partner_id
    return db.session.scalar(select(SavedMapping).where(owner, SavedMapping.kind == kind,
                                                        SavedMapping.headings_key == key))


def remember(partner_id: int | None, kind: str, key: str, mapping: ColumnMapping, user: str | None) -> int:
    """Save the mapping for the partner, kind and headings (replacing another saved before); its id.
    The caller holds the partner's import lock (imports/serial.py), so two saves never race."""
    stored = json.dumps(mapping.as_dict())
    saved = saved_for(partner_id, kind, key)
    before = None if saved is None else {"kind": kind, "mapping": _in_words(json.loads(saved.column_mapping))}
    if saved is None:
        saved = SavedMapping(partner_id=partner_id, kind=kind, headings_key=key)
        db.session.add(saved)
    elif saved.column_mapping == stored:
        return saved.id  # used again as it was: still the one saved then, by them
    saved.column_mapping, saved.saved_by, saved.saved_at = stored, user or "unknown", now()
    db.session.flush()
    record(user or "unknown", "create" if before is None else "update", "saved_mapping", saved.id,
           before=before, after={"kind": kind, "mapping": _in_words(mapping.as_dict())})
    return saved.id


@dataclass(frozen=True)
class Field:
    """A field of the kind as the mapping page asks for it."""

    name: str
    required: bool  # on its own; the fields naming the participant are required one or the other
    names_participant: bool
    takes_value: bool  # may be given one value for the whole file
    column: str = ""  # the heading chosen, or preselected
    value: str = ""


def fields_of(kind: str, found: Head, mapping: ColumnMapping = NO_MAPPING) -> list[Field]:
    """The kind's fields (a stand-in, email, beside the field it stands in for), each with the column
    the mapping chose, or else the heading that is the field's own name, or the value it gave."""
    importer = kinds.get(kind).importer
    naming = set(importer.stand_ins) | set(importer.stand_ins.values())
    names = []
    for name in (*importer.required, *importer.optional):
        names.append(name)
        if name in importer.stand_ins:
            names.append(importer.stand_ins[name])
    columns, values = dict(mapping.columns), dict(mapping.values)
    own = placed_in(importer, found.header).positions if not mapping else {}
    shown = []
    for name in names:
        column = columns.get(name) or (text(found.header[own[name]]) if name in own else "")
        shown.append(Field(name, name in importer.required and name not in naming, name in naming,
                           name not in ONE_PER_ROW, found.heading_for(column) or "" if column else "",
                           values.get(name, "")))
    return shown


@dataclass
class Chosen:
    mapping: ColumnMapping = NO_MAPPING
    problems: dict[str, str] = field(default_factory=dict)  # field -> what is wrong, in words


def chosen(kind: str, found: Head, columns: dict[str, str], values: dict[str, str], ctx: Context,
           filename: str) -> Chosen:
    """The mapping a person chose on the mapping page, or the problems with it, each naming its field."""
    fields = fields_of(kind, found)
    problems, used, pairs, given = {}, {}, [], []
    for one in fields:
        column = (columns.get(one.name) or "").strip()
        value = (values.get(one.name) or "").strip() if one.takes_value else ""
        heading = found.heading_for(column) if column else None
        if column and value:
            problems[one.name] = f"Choose a column for {one.name} or give one value for the whole file, not both"
        elif column and heading is None:
            problems[one.name] = f"Choose one of the file's columns for {one.name}"
        elif heading is not None and header_key(heading) in used:
            problems[one.name] = (f"The column '{heading}' is already chosen for {used[header_key(heading)]}: "
                                  f"choose a different column for {one.name}")
        elif heading is not None:
            used[header_key(heading)] = one.name
            pairs.append((one.name, heading))
        elif value:
            given.append((one.name, value))
        elif one.required:
            problems[one.name] = f"Choose the column that holds {one.name}, or give one value for the whole file"
    naming = [one.name for one in fields if one.names_participant]
    if naming and not any(name in problems or name in dict(pairs) for name in naming):
        problems[naming[0]] = f"Choose the column that holds {' or the one that holds '.join(naming)}"
    if problems:
        return Chosen(problems=problems)
    mapping = ColumnMapping(tuple(pairs), tuple(given))
    return Chosen(mapping, value_problems(kind, found, mapping, ctx, filename))


def value_problems(kind: str, found: Head, mapping: ColumnMapping, ctx: Context, filename: str) -> dict[str, str]:
    """The values given for the whole file that the kind does not accept, read as the import reads
    them, on the file's first rows: field -> the problem. Nothing is written."""
    given = dict(mapping.values)
    if not given:
        return {}
    result = ImportResult(kind)
    try:
        validate(kinds.get(kind).importer_for(ctx), io.BytesIO(b""), filename, result,
                 rows=[(1, found.header), *found.rows], mapping=mapping)
    except (FileProblem, MappingProblem):
        return {}  # the whole file's check says what is wrong
    finally:
        db.session.rollback()
    problems = {}
    for line in result.errors:
        _, _, rest = line.partition(": ")
        name, _, message = rest.partition(": ")
        if name in given and name not in problems:
            problems[name] = f"{name} cannot be '{given[name]}' for the whole file: {message}"
    return problems


def described(mapping: ColumnMapping) -> list[tuple[str, str]]:
    """(field, where it is read from) for the preview."""
    return ([(name, f"the column '{heading}'") for name, heading in mapping.columns]
            + [(name, f"{value} on every row") for name, value in mapping.values])


def _in_words(stored: dict) -> str:
    """A mapping as the audit trail says it: "participant_id: the column 'Learner ID'; ..."."""
    return "; ".join(f"{name}: {source}" for name, source in described(ColumnMapping.from_dict(stored)))


def mapping_of(pending: PendingUpload) -> ColumnMapping:
    """The column mapping the upload is read with (none: its kind's own columns)."""
    return ColumnMapping.from_dict(json.loads(pending.column_mapping)) if pending.column_mapping else NO_MAPPING


def as_previewed(pending: PendingUpload) -> dict:
    """What the preview says of the column mapping a file was read with (nothing: its own columns):
    where each field was read from, and the remembered mapping it came from, if it did."""
    mapping = mapping_of(pending)
    if not mapping:
        return {}
    saved = db.session.get(SavedMapping, pending.saved_mapping_id) if pending.saved_mapping_id else None
    return {"read_with": described(mapping), "saved_mapping": saved}
