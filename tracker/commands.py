"""Commands for people and demo data; the interchange commands are in cli.py."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

import click
from flask import Flask
from sqlalchemy import select

from .accounts.users import AccountProblem, create_user
from .extensions import db
from .models import DeliveryPartner
from .models.accounts import ROLES


def register_people_commands(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice(ROLES), default="edt-admin", show_default=True)
    @click.option("--partner", default=None, help="Delivery partner code, for partner roles.")
    @click.password_option(help="At least 12 characters; prompted when not given.")
    def create_user_command(email, name, role, partner, password):
        """Create an account (the first EDT admin, typically)."""
        partner_id = None
        if partner:
            partner_id = db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == partner.upper()))
            if partner_id is None:
                click.echo(f"--partner: no delivery partner with code '{partner}'", err=True)
                sys.exit(1)
        try:
            create_user(email, name, role, datetime.now(timezone.utc).replace(tzinfo=None),
                        password=password, partner_id=partner_id)
        except AccountProblem as problem:
            db.session.rollback()
            click.echo(str(problem), err=True)
            sys.exit(1)
        db.session.commit()
        click.echo(f"created {role} {email.strip().lower()}")

    @app.cli.command("demo-data")
    def demo_data_command():
        """Load the demo dataset, users and meetings (safe to run again)."""
        from .demo import load_demo
        from .web.access import today

        with app.test_request_context():
            lines = load_demo(today())
        db.session.commit()
        for line in lines:
            click.echo(line)
