"""`init` and `recompute`: the schema, the reference data and the stored met_on."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..engagement.recompute import recompute
from ..extensions import db
from ..reference.loader import ReferenceError, load_reference


@click.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the schema and load or update the reference data."""
    upgrade()
    try:
        counts = load_reference()
    except ReferenceError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    recompute()
    db.session.commit()
    click.echo("reference data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@click.command("recompute")
@with_appcontext
def recompute_command():
    """Recompute and store met_on for every participant from the evidence and the reference data."""
    count = recompute()
    db.session.commit()
    click.echo(f"recomputed {count} participants")


COMMANDS = (init_command, recompute_command)
