"""Writing many rows at once in the session's transaction: COPY on PostgreSQL, one executemany elsewhere.

An executemany sends every row as its own statement through the driver; PostgreSQL's COPY
streams them in one (psycopg's cursor.copy), which is several times faster for the hundreds of
thousands of rows an import or a recompute writes. Rows are tuples in the order of `columns`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table, insert

from ..extensions import db
from .version import is_data, mark_changed

BATCH = 5000


def insert_rows(table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert the rows; returns how many."""
    connection = db.session.connection()
    written = _copy(connection, table, columns, rows) if connection.dialect.name == "postgresql" else \
        _executemany(connection, table, columns, rows)
    if written and is_data(table.name):
        mark_changed(db.session)
    return written


def _executemany(connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    written, batch = 0, []
    for row in rows:
        batch.append(dict(zip(columns, row)))
        if len(batch) == BATCH:
            connection.execute(insert(table), batch)
            written, batch = written + len(batch), []
    if batch:
        connection.execute(insert(table), batch)
        written += len(batch)
    return written


def _copy(connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    names = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in columns)
    target = connection.dialect.identifier_preparer.format_table(table)
    written = 0
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written
