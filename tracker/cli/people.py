"""`create-user`: an account made on the command line (the first EDT admin, typically)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..accounts.users import create_user
from ..refusal import Refusal
from ..clock import now
from ..extensions import db
from ..models.accounts import ROLES
from .params import partner_id as partner_id_of


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="edt-admin", show_default=True)
@click.option("--partner", default=None, help="Delivery partner code, for partner roles.")
@click.password_option(help="At least 12 characters; prompted when not given.")
@with_appcontext
def create_user_command(email, name, role, partner, password):
    """Create an account (the first EDT admin, typically)."""
    try:
        create_user(email, name, role, now(), password=password,
                    partner_id=partner_id_of(partner) if partner else None, actor="command line")
    except Refusal as problem:
        db.session.rollback()
        click.echo(str(problem), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"created {role} {email.strip().lower()}")


COMMANDS = (create_user_command,)
