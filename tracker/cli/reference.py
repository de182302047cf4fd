"""`reference export DIR` and `reference load DIR` (INTERCHANGE.md): the reference data as a folder of CSV files."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..reference.loader import ReferenceError, export_folder, load_folder

ACTOR = "command line"


@click.group("reference")
def reference_group():
    """Reference data as a folder of CSV files: courses, cohorts, schedules, content, totals, windows."""


@reference_group.command("export")
@click.argument("folder", type=click.Path(file_okay=False, writable=True))
@with_appcontext
def export_command(folder):
    """Write the reference data as it stands, EDT's edits included."""
    written = export_folder(Path(folder))
    click.echo(f"wrote {len(written)} files to {folder}")


@reference_group.command("load")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def load_command(folder):
    """Load a reference folder: all of it, or nothing when any row is wrong."""
    try:
        loaded = load_folder(Path(folder), ACTOR)
    except ReferenceError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    db.session.commit()
    changed = ", ".join(f"{name} {count}" for name, count in loaded.changed.items()) or "nothing"
    click.echo(f"changed: {changed}; met_on recomputed for {loaded.recomputed} participants")


COMMANDS = (reference_group,)
