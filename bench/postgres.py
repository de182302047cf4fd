"""A PostgreSQL for the benchmark: a throwaway cluster of its own, or a fresh database on a server.

started() runs scripts/postgres.sh (a new cluster on loopback, removed afterwards);
scratch_database() creates an empty database on an existing server (the smoke test uses the
test suite's server) and drops it afterwards.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "postgres.sh"
DEFAULT_DIR = "/tmp/npq-bench-pg"
DEFAULT_PORT = 55433


@contextlib.contextmanager
def started(folder: str | None = None, port: int | None = None) -> Iterator[str]:
    """A new cluster (BENCH_PG_DIR, BENCH_PG_PORT); yields its SQLAlchemy URL and stops it at the end."""
    folder = folder or os.environ.get("BENCH_PG_DIR", DEFAULT_DIR)
    port = port or int(os.environ.get("BENCH_PG_PORT", DEFAULT_PORT))
    url = subprocess.run([str(SCRIPT), "start", folder, str(port)], check=True, capture_output=True,
                         text=True).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run([str(SCRIPT), "stop", folder], check=False, capture_output=True)


@contextlib.contextmanager
def scratch_database(url: str, name: str) -> Iterator[str]:
    """An empty database `name` on the server of `url` (its role needs CREATEDB); dropped afterwards."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def database(stack: contextlib.ExitStack, name: str, server: str | None, scratch: str) -> str:
    """A fresh database for a measure alone, closed with STACK: SQLite in a temporary folder, or a
    scratch database SCRATCH on SERVER (a PostgreSQL started here when None)."""
    if name == "sqlite":
        import tempfile

        return "sqlite:///" + str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / f"{scratch}.db")
    return stack.enter_context(scratch_database(server or stack.enter_context(started()), scratch))


def each_database(prog: str, doc: str, option: str, default: int, scratch: str, argv: list[str],
                  failed: Callable[[str, int], bool]) -> int:
    """`python -m bench.X [--only sqlite|postgresql] [--postgres-url URL] [--OPTION N]`: a measure alone,
    on a fresh database of each kind; FAILED(url, N) runs it and says whether it missed its target.
    The exit code: 1 when any did."""
    import argparse

    from .run import _load

    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--postgres-url", default=None, help="a server whose role may create a scratch database")
    parser.add_argument(f"--{option}", type=int, default=default)
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs, {_load()}")
    missed = False
    for name in [args.only] if args.only else ["sqlite", "postgresql"]:
        with contextlib.ExitStack() as stack:
            url = database(stack, name, args.postgres_url, scratch)
            print(f"=== {name} ===")
            missed |= failed(url, getattr(args, option))
    print(f"{_load()} at the end")
    return 1 if missed else 0


def server_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
