"""One importer per kind of file, shared by `flask import` and the browser's uploads (kinds.py lists them)."""
from .base import ImportResult, RowError, run_import  # noqa: F401


def importer_for(kind: str, context):
    from .kinds import get

    return get(kind).importer_for(context)
