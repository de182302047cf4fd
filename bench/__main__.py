"""`python -m bench [--scale S | --participants N] [--only sqlite|postgresql] [--postgres-url URL] ...`.

Runs on SQLite and on PostgreSQL in one run and prints one table of both. BENCH_SCALE in the
environment sets the default scale (1 = 50,000 participants, about 3 million evidence rows);
BENCH_SCALE=0.02 is a quick smoke run. The PostgreSQL is a throwaway cluster started and
stopped by scripts/postgres.sh in BENCH_PG_DIR on BENCH_PG_PORT (default /tmp/npq-bench-pg,
55433), unless --postgres-url names an empty database.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import dataset
from .run import DATABASES, BenchmarkFailed, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")),
                        help="fraction of the national dataset (default: BENCH_SCALE or 1)")
    parser.add_argument("--participants", type=int, default=None, help="overrides --scale")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the database, CSV files and profiles here (default: a temporary folder)")
    parser.add_argument("--in-process", action="store_true",
                        help="import in this process instead of a child process per file")
    parser.add_argument("--profile", action="store_true", help="write cProfile files into the workdir")
    parser.add_argument("--no-reimport", action="store_true", help="skip importing the credits file again")
    parser.add_argument("--only", choices=DATABASES, help="one database instead of both")
    parser.add_argument("--postgres-url", default=None, help="an empty PostgreSQL database instead of a new cluster")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    participants = args.participants or max(1, round(dataset.FULL_PARTICIPANTS * args.scale))
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if (args.workdir / "bench.db").exists():
            parser.error(f"{args.workdir} already holds a bench.db: use an empty folder")
    databases = {"sqlite": None, "postgresql": args.postgres_url}
    if args.only:
        databases = {args.only: databases[args.only]}
    try:
        figures = run(participants, seed=args.seed, workdir=args.workdir, databases=databases,
                      isolate=not args.in_process, profile=args.profile, reimport=not args.no_reimport,
                      out=lambda line: print(line, flush=True))
    except BenchmarkFailed as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
