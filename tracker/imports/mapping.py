"""A file's own headings read as a kind's fields (INTERCHANGE.md "Any other file: map its columns").

A mapping says which column holds each field (`--column FIELD=HEADING`) and gives a field the
file lacks one value for every row (`--value FIELD=VALUE`). It is pure, with no database and no
Flask, so the command line and the uploads page share it:

    mapping = ColumnMapping.parse(["participant_id=Learner ID"], ["block=2"])
    placed = place("credits", importer.required, importer.optional, header, mapping)  # MappingProblem
    placed.row(values)  # {"participant_id": ..., "block": "2", ...}

Without a mapping each field is the column headed with its own name (ignoring case, surrounding
spaces and -/_/space differences, as every import does); the first such column counts. A mapped
field is read from its heading only, and a field given a value takes that value only, even when
the file also has a column of the field's own name. Fields and headings in a mapping are matched
the same forgiving way.

`headings_key(header)` names a file's set of headings (order, case and spacing aside), so a
mapping can be remembered per partner and kind and found again when a file with the same headings
comes; `ColumnMapping.as_dict()` and `from_dict()` store it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from .reading import header_key

MOST_HEADINGS_SHOWN = 50


class MappingProblem(ValueError):
    """A mapping that does not fit the file: one line per problem, then the headings found."""

    def __init__(self, problems: list[str], header: Sequence[object]):
        self.problems = problems
        self.lines = [*problems, headings_found(header)]
        super().__init__("\n".join(self.lines))


def option(text: str) -> tuple[str, str]:
    """`FIELD=HEADING` or `FIELD=VALUE` as (field, the rest); ValueError without an `=`."""
    name, equals, rest = text.partition("=")
    if not equals or not name.strip():
        raise ValueError(f"'{text}' is not FIELD=HEADING or FIELD=VALUE")
    return name.strip(), rest.strip()


@dataclass(frozen=True)
class ColumnMapping:
    """(field, heading) pairs and (field, value) pairs, as the person gave them."""

    columns: tuple[tuple[str, str], ...] = ()
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, columns: Iterable[str] = (), values: Iterable[str] = ()) -> ColumnMapping:
        """From `FIELD=HEADING` and `FIELD=VALUE` texts (the command line's options)."""
        return cls(tuple(map(option, columns)), tuple(map(option, values)))

    def __bool__(self) -> bool:
        return bool(self.columns or self.values)

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {"columns": dict(self.columns), "values": dict(self.values)}

    @classmethod
    def from_dict(cls, stored: Mapping[str, Mapping[str, str]]) -> ColumnMapping:
        return cls(tuple(stored.get("columns", {}).items()), tuple(stored.get("values", {}).items()))


NO_MAPPING = ColumnMapping()


class Placed:
    """Where each field of a kind is in a file: the column it is read from (positions) or the value
    every row has (fixed); missing: the required fields that are neither."""

    def __init__(self, positions: dict[str, int], fixed: dict[str, str], missing: tuple[str, ...]):
        self.positions, self.fixed, self.missing = positions, fixed, missing
        self.fields = (*positions, *fixed)
        self._names, indexes = list(positions), list(positions.values())
        self._width = max(indexes, default=-1) + 1
        if len(indexes) == 1:
            index = indexes[0]
            self._pick = lambda values: (values[index],)
        else:
            self._pick = itemgetter(*indexes) if indexes else (lambda values: ())

    def row(self, values: Sequence[object]) -> dict[str, object]:
        """One row of the file as the kind's fields; cells past a short row's end are blank."""
        if len(values) >= self._width:
            row = dict(zip(self._names, self._pick(values)))
        else:
            row = {name: (values[i] if i < len(values) else "") for name, i in self.positions.items()}
        if self.fixed:
            row.update(self.fixed)
        return row


def place(kind: str, required: Sequence[str], optional: Sequence[str], header: Sequence[object],
          mapping: ColumnMapping = NO_MAPPING) -> Placed:
    """The kind's fields placed in a file with this header row. MappingProblem when the mapping
    names a field the kind does not have, a heading the file does not have, or a field twice."""
    fields = {header_key(name): name for name in (*required, *optional)}
    first = {}  # each heading's first column
    for index, heading in enumerate(header):
        first.setdefault(header_key(heading), index)
    problems, given = [], {}
    for pairs, what in ((mapping.columns, "column"), (mapping.values, "value")):
        for name, target in pairs:
            field = fields.get(header_key(name))
            if field is None:
                problems.append(f"'{name}' is not a field of {kind} (its fields are {', '.join(fields.values())})")
            elif field in given:
                problems.append(f"{field} is given more than one column or value")
            elif what == "column" and header_key(target) not in first:
                problems.append(f"'{target}' is not a heading of the file (for {field})")
            else:
                given[field] = (what, target)
    if problems:
        raise MappingProblem(problems, header)
    mapped = {header_key(target) for what, target in given.values() if what == "column"}
    positions, fixed = {}, {}
    for key, field in fields.items():
        what, target = given.get(field, (None, None))
        if what == "column":
            positions[field] = first[header_key(target)]
        elif what == "value":
            fixed[field] = target
        elif key in first and key not in mapped:  # its own column, unless mapped to another field
            positions[field] = first[key]
    missing = tuple(name for name in required if name not in positions and name not in fixed)
    return Placed(positions, fixed, missing)


def headings(header: Sequence[object]) -> list[str]:
    """The file's headings as written, blank ones left out."""
    return [text for text in (str(cell).strip() for cell in header if cell is not None) if text]


def headings_found(header: Sequence[object]) -> str:
    found = headings(header)
    shown = ", ".join(found[:MOST_HEADINGS_SHOWN])
    more = f" and {len(found) - MOST_HEADINGS_SHOWN} more" if len(found) > MOST_HEADINGS_SHOWN else ""
    return f"headings found: {shown}{more}" if found else "headings found: none"


def headings_key(header: Sequence[object]) -> str:
    """A stable name for a file's headings: the same for the same set of headings, whatever their
    order, case or spacing (they are matched that way), and different when one is added or gone."""
    keys = sorted({header_key(text) for text in headings(header)})
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()
