"""The import run every kind shares: read, validate every row, then write all or nothing.

A file is checked completely before anything is written. Rows are reduced to a key
(the record's identity, DOMAIN.md "Evidence") and values; a key seen before with the
same values is unchanged, with other values it updates the stored record.
"""
from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy import bindparam, select, update

from ..engagement.book import Book
from ..clock import now
from ..engagement.forecast import NewlyMet, newly_met, newly_met_with, stored_met_on
from ..engagement.recompute import recompute
from ..extensions import db
from ..refusal import Refusal
from .changes import Changes
from .fields import DAY_FIRST, control_character_problem
from .mapping import NO_MAPPING, ColumnMapping, MappingProblem, Placed, headings_found, place
from .reading import NO_LIMITS, FileProblem, Limits, read_rows
from ..models.bulk import insert_rows

MAX_SHOWN = 50
CHUNK = 5000


class RowError(Refusal):
    """A row of a file refused: field is the column at fault."""

    @property
    def column(self) -> str:
        return self.field


def parsed(column: str, parse, value, *args):
    """parse(value, *args) (a parser of imports/fields.py), its ValueError a RowError of the column."""
    try:
        return parse(value, *args)
    except ValueError as error:
        raise RowError(column, str(error)) from None


class RowErrors(list):
    """Row errors as they are found: the first MAX_SHOWN are kept, the rest only counted, so a
    file of a million bad rows costs no more than one of fifty. Each kept line may name the
    participant its row names (`who`), for the browser: the command line prints the lines as the
    contract has them."""

    def __init__(self):
        super().__init__()
        self.count = 0
        self.who: list[str] = []

    def append(self, line: str, who: str = "") -> None:
        self.count += 1
        if len(self) < MAX_SHOWN:
            super().append(line)
            self.who.append(who)

    @property
    def full(self) -> bool:
        return len(self) >= MAX_SHOWN

    def named(self) -> list[str]:
        """The lines with their participants: `row 14 (EX004 Ada Lovelace): column: message`."""
        return [named_line(line, who) for line, who in zip(self, self.who + [""] * (len(self) - len(self.who)))]


def named_line(line: str, who: str) -> str:
    """An error line with the participant its row names after the row; other lines as they are."""
    where, sep, rest = line.partition(": ")
    if not who or not sep or not where.startswith("row "):
        return line
    return f"{where} ({who}): {rest}"


@dataclass
class ImportResult:
    kind: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: RowErrors = field(default_factory=RowErrors)
    already_imported: datetime | None = None
    touched: set[int] = field(default_factory=set)
    changes: list[tuple[str, int | str, dict | None, dict]] = field(default_factory=list)
    newly_met: NewlyMet = field(default_factory=NewlyMet)  # with forecast: the outputs it meets by today
    described: Changes = field(default_factory=Changes)  # the first changes in words (imports/changes.py)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def error_count(self) -> int:
        return max(self.errors.count, len(self.errors))

    def summary(self) -> str:
        return f"read {self.read}, created {self.created}, updated {self.updated}, unchanged {self.unchanged}"

    def error_lines(self, limit: int = MAX_SHOWN) -> list[str]:
        lines = list(self.errors[:limit])
        if self.error_count > len(lines):
            lines.append(f"... and {self.error_count - len(lines)} more row errors")
        return lines


@dataclass
class Context:
    today: date
    book: Book
    partner_id: int | None = None  # a partner's upload may only name its own participants
    user: str | None = None
    dates: str = DAY_FIRST  # how numeric dates are read: day-first or month-first (fields.a_date)


class Importer(ABC):
    """Subclasses name their columns and turn one row into (key, values)."""

    kind = ""
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    # A required column another may stand in for, or join: evidence names its participant by
    # participant_id or by email (INTERCHANGE.md "Who is who").
    stand_ins: dict[str, str] = {}
    table = None
    key_columns: tuple[str, ...] = ()
    value_columns: tuple[str, ...] = ()
    cells_are_text = False  # validate() sets it: CSV cells are all text
    # Cells stored as they are: file column -> the model attribute that stores it, whose length
    # is the most the cell may hold (checked for every kind in validate()).
    stored_text: dict[str, object] = {}

    def __init__(self, context: Context):
        self.context = context

    @abstractmethod
    def parse(self, row: dict[str, object]) -> tuple[tuple, tuple]:
        """Return (key, values) for one row, or raise RowError naming the column."""

    def participant_of(self, key: tuple) -> int:
        return key[0]

    def named(self, row: dict[str, object]) -> str:
        """The participant a row names, for its errors in the browser: "EX004 Ada Lovelace" when the
        tracker knows them, else as the row gives them."""
        return _cell(row.get("participant_id"))

    # Whether run_import audits each change of ImportResult.changes; an importer that writes through
    # a service auditing each change itself (declaration states) says no.
    audit_changes = True

    # Writing: evidence tables share one shape; participants override apply().
    # An evidence kind names the Evidence field its records are (rules/facts.py) and turns one
    # record into that fact: the upload's check then forecasts from them without writing.
    evidence = ""

    def fact(self, key: tuple, values: tuple):
        raise TypeError(f"{type(self).__name__} is not an evidence kind: its records are no evidence fact")

    def apply(self, records: dict[tuple, tuple], result: ImportResult, dry_run: bool) -> None:
        """Write records (key -> values)."""
        creates, updates = self.plan(records, result)
        if not dry_run:
            self.write(creates, updates)

    def plan(self, records: dict[tuple, tuple], result: ImportResult) -> tuple[dict[tuple, tuple], list[tuple]]:
        """(the records to create, key -> values; the stored records to update, as (id, key,
        stored values, new values)), counted in result. Takes the records apart: stored keys are
        removed as they are matched, so what is left is what to create (and a million-row file
        needs no second set of keys)."""
        table = self.table.__table__
        columns = [table.c[name] for name in self.key_columns + self.value_columns]
        participants = sorted({self.participant_of(key) for key in records})
        width = len(self.key_columns)
        updates = []
        for start in range(0, len(participants), CHUNK):
            chunk = participants[start : start + CHUNK]
            stored = db.session.execute(
                select(table.c.id, *columns).where(table.c.participant_id.in_(chunk))
            )
            for rows in stored.partitions(CHUNK):
                for row in rows:
                    key = tuple(row[1 : 1 + width])
                    wanted = records.pop(key, None)
                    if wanted is None:
                        continue
                    values = tuple(row[1 + width :])
                    if wanted == values:
                        result.unchanged += 1
                    else:
                        updates.append((row[0], key, values, wanted))
        result.updated += len(updates)
        creates = records  # the keys no stored record has
        result.created += len(creates)
        result.touched.update(self.participant_of(key) for key in creates)
        result.touched.update(self.participant_of(key) for _, key, _, _ in updates)
        for _, key, before, after in updates:
            result.changes.append(
                (self.kind, self.participant_of(key), dict(zip(self.value_columns, before)),
                 dict(zip(self.key_columns + self.value_columns, key + after)))
            )
        return creates, updates

    def write(self, creates: dict[tuple, tuple], updates: list[tuple]) -> None:
        table = self.table.__table__
        insert_rows(table, self.key_columns + self.value_columns, (key + values for key, values in creates.items()))
        if updates:
            statement = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({name: bindparam("_" + name) for name in self.value_columns})
            )
            db.session.execute(
                statement,
                [
                    {"_id": rid, **{"_" + n: v for n, v in zip(self.value_columns, after)}}
                    for rid, _, _, after in updates
                ],
            )

    def forecast(self, creates: dict[tuple, tuple], updates: list[tuple]) -> NewlyMet:
        """What writing these records and recomputing would newly meet by today, without writing:
        each participant's stored evidence with the updated records' stored facts replaced and
        the created ones added (engagement/forecast.py)."""
        changes: dict[int, tuple[list, list]] = {}
        for key, values in creates.items():
            changes.setdefault(self.participant_of(key), ([], []))[1].append(self.fact(key, values))
        for _, key, before, after in updates:
            gone, added = changes.setdefault(self.participant_of(key), ([], []))
            gone.append(self.fact(key, before))
            added.append(self.fact(key, after))
        return newly_met_with(changes, self.evidence, self.context.book, self.context.today)


def column_names(importer: Importer | type[Importer]) -> tuple[str, ...]:
    """The required columns as a person reads them: one a stand-in may replace as `participant_id or email`."""
    return tuple(f"{name} or {importer.stand_ins[name]}" if name in importer.stand_ins else name
                 for name in importer.required)


def placed_in(importer: Importer | type[Importer], header: Sequence[object],
              mapping: ColumnMapping = NO_MAPPING) -> Placed:
    """The kind's fields placed in a file with this header (imports/mapping.py place), its stand-ins
    (email for participant_id) among the fields; MappingProblem when the mapping does not fit."""
    return place(importer.kind, importer.required, importer.optional + tuple(importer.stand_ins.values()),
                 header, mapping)


def missing_columns(importer: Importer | type[Importer], placed: Placed) -> list[str]:
    """The required fields neither in a column nor given a value, as a person reads them
    (`participant_id or email` when neither is placed)."""
    shown = dict(zip(importer.required, column_names(importer)))
    return [shown[name] for name in placed.missing if importer.stand_ins.get(name) not in placed.fields]


def _columns(importer: Importer, header: list[object], mapping: ColumnMapping) -> Placed:
    """Where the kind's fields are (imports/mapping.py), a stand-in (email for participant_id) among
    them; a file missing some, or a mapping that does not fit it, is refused showing the headings found."""
    try:
        placed = placed_in(importer, header, mapping)
    except MappingProblem as problem:
        raise FileProblem(str(problem)) from None
    missing = missing_columns(importer, placed)
    if missing:
        raise FileProblem(f"row 1: missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}\n"
                          f"{headings_found(header)}")
    return placed


def _text_limits(importer: Importer, placed: Placed) -> list[tuple[str, int]]:
    limits = []
    for name, attribute in importer.stored_text.items():
        length = getattr(attribute.property.columns[0].type, "length", None)
        if name in placed.fields and length:
            limits.append((name, length))
    return limits


def _stored_text_problem(row: dict[str, object], limits: list[tuple[str, int]]) -> RowError | None:
    """A cell the database could not store: longer than its column (SQLite would keep it,
    PostgreSQL would refuse the whole import), or holding a NUL or other control character."""
    for name, most in limits:
        cell = row[name]
        if type(cell) is not str:
            continue
        if len(cell) > most and len(cell.strip()) > most:
            return RowError(name, f"at most {most} characters")
        if problem := control_character_problem(cell.strip()):
            return RowError(name, problem)
    return None


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def file_digest(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _where(number: int | str) -> str:
    """A row's place in an error line: `row N` of a file; rows made from a report may name
    another place (a participant the report does not show)."""
    return number if isinstance(number, str) else f"row {number}"


def validate(importer: Importer, stream: BinaryIO, filename: str, result: ImportResult,
             limits: Limits = NO_LIMITS, rows: Iterable[tuple[int | str, list]] | None = None,
             mapping: ColumnMapping = NO_MAPPING) -> dict[tuple, tuple]:
    records: dict[tuple, tuple] = {}
    # Most rows have one of a few value tuples (credits and source, a mark...): keep one of
    # each, not a million equal copies.
    shared: dict[tuple, tuple] = {}
    made = rows is not None
    rows = iter(rows) if made else read_rows(stream, filename, limits)
    try:
        _, header = next(rows)
    except StopIteration:
        raise FileProblem("the file is empty: a header row is required") from None
    placed = _columns(importer, header, mapping)
    read_row = placed.row
    text_limits = _text_limits(importer, placed)
    # XLSX cells may be numbers, dates, booleans; so may the cells of rows made from a report
    importer.cells_are_text = not made and filename.lower().endswith(".csv")
    for number, values in rows:
        result.read += 1
        row = read_row(values)
        importer.row_number = number  # for checks that can only run once the whole file is read
        try:
            if text_limits and (problem := _stored_text_problem(row, text_limits)):
                raise problem
            key, parsed = importer.parse(row)
        except RowError as error:
            result.errors.append(f"{_where(number)}: {error.column}: {error.message}",
                                 "" if result.errors.full else importer.named(row))
            continue
        parsed = shared.setdefault(parsed, parsed)
        earlier = records.get(key)
        if earlier is None:
            records[key] = parsed
        elif earlier == parsed:
            result.unchanged += 1  # the same record twice in one file
        else:
            result.errors.append(
                f"{_where(number)}: {importer.value_columns[0]}: an earlier row has the same "
                f"{', '.join(importer.key_columns)} with different values",
                "" if result.errors.full else importer.named(row)
            )
    return records


def run_import(
    importer: Importer,
    stream: BinaryIO,
    filename: str,
    *,
    dry_run: bool = False,
    record_batch: bool = True,
    limits: Limits = NO_LIMITS,
    forecast: bool = False,
    rows: Iterable[tuple[int | str, list]] | None = None,
    mapping: ColumnMapping = NO_MAPPING,
) -> ImportResult:
    """Validate and (unless dry_run or invalid) write one file in the caller's transaction.

    rows: the file's rows already turned into the kind's columns (a header first, then
    (place, values) pairs), as a report's importer makes them (imports/from_report.py); the
    stream is then only the file as it came, whose digest records the import. mapping: the
    file's own headings read as the kind's fields (imports/mapping.py).

    The caller commits on success; on errors nothing has been written. forecast: also find
    result.newly_met, the outputs of the participants the file touches that its recompute meets
    by the context's today. A dry run with forecast of an evidence kind writes nothing: the
    records join the stored evidence in memory (Importer.forecast). Of another kind (participants,
    declaration states) it writes the records and recomputes like an import (nothing audited or
    recorded as imported), and its caller must roll back.
    """
    from ..models import ImportBatch

    result = ImportResult(importer.kind)
    try:
        records = validate(importer, stream, filename, result, limits, rows, mapping)
    except FileProblem as problem:  # the file as a whole: its row errors so far no longer matter
        result.errors = RowErrors()
        for line in str(problem).splitlines():
            result.errors.append(line)
        return result
    if result.errors:
        return result
    digest = file_digest(stream)
    before = db.session.scalar(
        select(ImportBatch.imported_at)
        .where(ImportBatch.sha256 == digest, ImportBatch.kind == importer.kind)
        .order_by(ImportBatch.imported_at.desc())
        .limit(1)
    )
    result.already_imported = before
    if dry_run and forecast and importer.evidence:
        with db.session.no_autoflush:
            result.newly_met = importer.forecast(*importer.plan(records, result))
        return result
    with db.session.no_autoflush:
        importer.apply(records, result, dry_run and not forecast)
    if result.errors or (dry_run and not forecast):
        return result
    if result.touched:
        before = stored_met_on(result.touched) if forecast else {}
        recompute(result.touched, importer.context.book)
        if forecast:
            result.newly_met = newly_met(before, result.touched, importer.context.today)
    elif forecast:
        result.newly_met = NewlyMet(importer.context.today)
    if dry_run:
        return result
    _audit(importer, filename, result)
    if record_batch:
        db.session.add(
            ImportBatch(
                kind=importer.kind,
                filename=filename[:255],
                sha256=digest,
                imported_at=now(),
                imported_by=importer.context.user,
                partner_id=importer.context.partner_id,
                rows_read=result.read,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            )
        )
    return result


def _audit(importer: Importer, filename: str, result: ImportResult) -> None:
    """One event per record an import changed, and one per participant it added records for."""
    from ..audit import record

    actor = importer.context.user or "unknown"
    changed = set()
    for kind, participant, before, after in result.changes if importer.audit_changes else ():
        pk = participant if isinstance(participant, int) else None
        changed.add(pk)
        record(actor, "update", kind, participant_id=pk, before=before,
               after={k: v for k, v in after.items() if k != "participant_id"} | {"file": filename})
    if importer.kind == "participants":
        if result.created:
            record(actor, "import", "participants", after={"file": filename, "created": result.created})
        return
    for pk in sorted(result.touched - changed):
        record(actor, "import", importer.kind, participant_id=pk, after={"file": filename})
