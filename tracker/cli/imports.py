"""`import KIND FILE [--dry-run]`."""
from __future__ import annotations

import sys
import click
from flask.cli import with_appcontext

from ..clock import today
from ..engagement.book import Book
from ..extensions import db
from ..imports import importer_for, kinds, run_import
from ..imports.base import Context
from ..imports.serial import serialised


@click.command("import")
@click.argument("kind", type=click.Choice(kinds.names()))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and count without writing.")
@with_appcontext
def import_command(kind, file, dry_run):
    """Import a CSV or XLSX file of KIND."""
    context = Context(today=today(), book=Book(), user="command line")
    with serialised(None), open(file, "rb") as stream:
        result = run_import(importer_for(kind, context), stream, file, dry_run=dry_run)
        if not result.ok or dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    if not result.ok:
        for line in result.error_lines():
            click.echo(line, err=True)
        sys.exit(1)
    click.echo(("dry run: " if dry_run else "") + result.summary())


COMMANDS = (import_command,)
