"""The one list of import kinds: the CLI's choices, the uploads page, the demo and the tests read it.

An importer declares itself with the class decorator `register`:

    @register("credits", "Activity credits (platform report)", records="Credits", uploaded_by=EVERYONE)
    class CreditsImporter(EvidenceImporter):
        required = (...)
        optional = (...)

`label` names the kind on the uploads page; `records` (the label when not given) names what its
rows are in the audit trail ("Credits imported from a file"). Its columns are the importer's own
`required` and `optional`. `export` (tracker/exports/records.py) writes the stored records in
those columns, for `flask export KIND` and the downloads of the uploads page. A kind in a new module also adds
that module to MODULES; kinds are listed in the order they are registered, which is the order
the sample dataset is imported in (participants first).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models.accounts import EDT_ADMIN, EDT_STAFF, FACILITATOR, PARTNER_LEAD
from .base import column_names

if TYPE_CHECKING:
    from ..exports.records import Export

EVERYONE = (PARTNER_LEAD, FACILITATOR, EDT_STAFF, EDT_ADMIN)
EDT_ONLY = (EDT_STAFF, EDT_ADMIN)
MODULES = ("tracker.imports.participants", "tracker.imports.evidence", "tracker.declarations.states")


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: str
    importer: type
    uploaded_by: tuple[str, ...]
    in_sample: bool  # the sample dataset (examples/, tracker/demo/) has a file of this kind
    records: str  # what its rows are called in the audit trail
    export: Export | None = None  # the stored records in this kind's columns

    @property
    def required(self) -> tuple[str, ...]:
        return self.importer.required

    @property
    def optional(self) -> tuple[str, ...]:
        return self.importer.optional

    @property
    def columns_named(self) -> tuple[str, ...]:
        """The required columns as the uploads page lists them (`participant_id or email`)."""
        return column_names(self.importer)

    def importer_for(self, context):
        return self.importer(context)

    def may_upload(self, role: str) -> bool:
        return role in self.uploaded_by


_registry: dict[str, ImportKind] = {}


def register(name: str, label: str, *, uploaded_by: tuple[str, ...], in_sample: bool = True, records: str = "",
             export: Export | None = None):
    """Class decorator: the importer is the kind `name`, shown as `label`, uploaded by these roles."""

    def decorate(importer: type) -> type:
        if name in _registry and _registry[name].importer is not importer:
            raise ValueError(f"import kind {name!r} is registered twice")
        unknown = set(uploaded_by) - set(EVERYONE)
        if unknown:
            raise ValueError(f"import kind {name!r}: unknown roles {sorted(unknown)}")
        importer.kind = name
        if export is not None and set(export.columns) != set(importer.required + importer.optional):
            raise ValueError(f"import kind {name!r}: its export's columns are not its import columns")
        _registry[name] = ImportKind(name, label, importer, tuple(uploaded_by), in_sample, records or label, export)
        return importer

    return decorate


def _load() -> dict[str, ImportKind]:
    for module in MODULES:
        importlib.import_module(module)
    strays = [kind.name for kind in _registry.values() if kind.importer.__module__ not in MODULES]
    if strays:
        raise LookupError(f"import kinds {strays} are registered outside kinds.MODULES")
    return dict(sorted(_registry.items(), key=lambda item: MODULES.index(item[1].importer.__module__)))


def all_kinds() -> tuple[ImportKind, ...]:
    return tuple(_load().values())


def names() -> tuple[str, ...]:
    return tuple(_load())


def get(name: str) -> ImportKind:
    """The kind of that name; KeyError for a name nobody registered."""
    return _load()[name]


def for_role(role: str) -> tuple[ImportKind, ...]:
    return tuple(kind for kind in all_kinds() if kind.may_upload(role))


def exported() -> tuple[ImportKind, ...]:
    """The kinds whose stored records `export KIND` writes."""
    return tuple(kind for kind in all_kinds() if kind.export is not None)


def sample_kinds() -> tuple[ImportKind, ...]:
    return tuple(kind for kind in all_kinds() if kind.in_sample)
