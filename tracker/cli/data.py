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
    """Create or upgrade the schema; add what is new in the shipped reference data, never overwriting EDT's."""
    upgrade()
    try:
        installed = load_reference()
    except ReferenceError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    recompute()
    db.session.commit()
    added = ", ".join(f"{count} {name}" for name, count in installed.added.items()) or "nothing new"
    click.echo(f"reference data: added {added}")
    if installed.differences:
        click.echo(f"kept the database's values where {len(installed.differences)} shipped rows differ:")
        for line in installed.differences:
            click.echo(f"  {line}")


@click.command("recompute")
@with_appcontext
def recompute_command():
    """Recompute and store met_on for every participant from the evidence and the reference data.

    It runs as a job in this process, listed on the jobs page: if this process dies, a worker finishes it.
    """
    from ..jobs.kinds import RECOMPUTE
    from ..jobs.work import run_here
    from ..models.jobs import DONE

    job, _ = run_here(RECOMPUTE, {"participants": None}, actor="command line")
    if job.state != DONE:
        raise click.ClickException(job.error or f"the recompute is {job.state} (job {job.id})")
    click.echo(f"recomputed {job.total or 0} participants")


COMMANDS = (init_command, recompute_command)
