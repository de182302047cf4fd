"""`demo-data`: the demo dataset, accounts and meetings that `make run` shows."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..clock import today
from ..extensions import db


@click.command("demo-data")
@with_appcontext
def demo_data_command():
    """Load the demo dataset, users and meetings (safe to run again)."""
    from ..demo import load_demo

    with current_app.test_request_context():
        lines = load_demo(today())
    db.session.commit()
    for line in lines:
        click.echo(line)


COMMANDS = (demo_data_command,)
