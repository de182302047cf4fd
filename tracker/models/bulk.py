"""Writing many rows at once in the session's transaction: COPY on PostgreSQL, one executemany elsewhere.

An executemany sends every row as its own statement through the driver; PostgreSQL's COPY
streams them in one (psycopg's cursor.copy), which is several times faster for the hundreds of
thousands of rows an import or a recompute writes. Rows are tuples in the order of `columns`.
On SQLite the rows go to the driver's executemany as they are, each value through its column
type's bind processor and the table's scalar defaults added, as SQLAlchemy's insert would, without
its per-row work (a third of a 50,000-row sync's time).

update_rows updates rows by primary key the same way: one UPDATE from arrays on PostgreSQL, one
executemany on SQLite.
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
    omitted = [column for column in table.c if column.name not in columns and column.default is not None]
    if connection.dialect.paramstyle == "qmark" and all(column.default.is_scalar for column in omitted):
        return _driver_executemany(connection, table, columns, [column.default.arg for column in omitted],
                                   [column.name for column in omitted], rows)
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


def _driver_executemany(connection, table: Table, columns: Sequence[str], defaults: list, omitted: list[str],
                        rows: Iterable[Sequence]) -> int:
    names = [*columns, *omitted]
    sql = (f"INSERT INTO {_quoted(connection, table)} ({', '.join(_quoted(connection, name) for name in names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    process = _processors(connection, table, names)
    written, batch = 0, []
    for row in rows:
        batch.append(_processed(process, (*row, *defaults)))
        if len(batch) == BATCH:
            connection.exec_driver_sql(sql, batch)
            written, batch = written + len(batch), []
    if batch:
        connection.exec_driver_sql(sql, batch)
        written += len(batch)
    return written


def update_rows(table: Table, columns: Sequence[str], rows: Sequence[Sequence], key: str = "id") -> int:
    """Update rows by `key` (each row: its key, then the values of `columns`, in order); returns how many."""
    if not rows:
        return 0
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        _update_from_arrays(connection, table, columns, rows, key)
    else:
        sets = ", ".join(f"{_quoted(connection, name)} = ?" for name in columns)
        process = _processors(connection, table, [*columns, key])
        for start in range(0, len(rows), BATCH):
            connection.exec_driver_sql(
                f"UPDATE {_quoted(connection, table)} SET {sets} WHERE {_quoted(connection, key)} = ?",
                [_processed(process, (*row[1:], row[0])) for row in rows[start : start + BATCH]])
    if is_data(table.name):
        mark_changed(db.session)
    return len(rows)


def _update_from_arrays(connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence], key: str) -> None:
    """UPDATE ... FROM unnest(one array a column): one statement a BATCH, not one a row."""
    names = [key, *columns]
    types = [table.c[name].type.compile(dialect=connection.dialect) for name in names]
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    sets = ", ".join(f"{_quoted(connection, name)} = v.c{i + 1}" for i, name in enumerate(columns))
    sql = (f"UPDATE {_quoted(connection, table)} AS t SET {sets} FROM unnest({arrays}) AS v({aliases}) "
           f"WHERE t.{_quoted(connection, key)} = v.c0")
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        connection.exec_driver_sql(sql, tuple([row[i] for row in chunk] for i in range(len(names))))


def _processors(connection, table: Table, names: Sequence[str]) -> list:
    return [table.c[name].type.dialect_impl(connection.dialect).bind_processor(connection.dialect) for name in names]


def _processed(process: list, values: Sequence) -> tuple:
    """The values as the driver takes them: each through its column type's bind processor."""
    return tuple(f(v) if f and v is not None else v for f, v in zip(process, values))


def _quoted(connection, what) -> str:
    preparer = connection.dialect.identifier_preparer
    return preparer.format_table(what) if isinstance(what, Table) else preparer.quote(what)


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
