"""`python -m bench [--scale S | --participants N] [--seed N] [--workdir DIR] [--profile]`.

BENCH_SCALE in the environment sets the default scale (1 = 50,000 participants,
about 3 million evidence rows); BENCH_SCALE=0.02 is a quick smoke run.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import dataset
from .run import BenchmarkFailed, run


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
    args = parser.parse_args(argv)
    participants = args.participants or max(1, round(dataset.FULL_PARTICIPANTS * args.scale))
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if (args.workdir / "bench.db").exists():
            parser.error(f"{args.workdir} already holds a bench.db: use an empty folder")
    try:
        run(participants, seed=args.seed, workdir=args.workdir, isolate=not args.in_process,
            profile=args.profile, reimport=not args.no_reimport, out=lambda line: print(line, flush=True))
    except BenchmarkFailed as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
