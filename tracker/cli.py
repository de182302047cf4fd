"""The command line of INTERCHANGE.md: `flask --app tracker COMMAND`."""
from __future__ import annotations

import sys
from datetime import date

import click
from flask import Flask
from flask_migrate import upgrade

from .engagement.book import Book
from .engagement.queries import assessments_by_participant, partner_dfe_ids
from .engagement.standing import participants_query, standings
from .exports.cells import csv_text
from .exports.declarations import declarations, json_lines, request_body
from .exports.engagement import HEADER, engagement_rows
from .extensions import db
from .imports import KINDS, importer_for, run_import
from .imports.base import Context
from .models import DeliveryPartner
from .reference.loader import ReferenceError, load_reference


class ISODate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date in the form YYYY-MM-DD", param, ctx)


def _partner_query(partner: str | None):
    query = participants_query()
    if partner:
        if db.session.scalar(db.select(DeliveryPartner.id).where(DeliveryPartner.code == partner.upper())) is None:
            raise click.ClickException(f"--partner: no delivery partner with code '{partner}'")
        query = query.where(DeliveryPartner.code == partner.upper())
    return query


def register_commands(app: Flask) -> None:
    @app.cli.command("init")
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
        from .engagement.recompute import recompute

        recompute()
        db.session.commit()
        click.echo("reference data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))

    @app.cli.command("import")
    @click.argument("kind", type=click.Choice(KINDS))
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Validate and count without writing.")
    @click.option("--today", type=ISODate(), default=None, hidden=True)
    def import_command(kind, file, dry_run, today):
        """Import a CSV or XLSX file of KIND."""
        context = Context(today=today or date.today(), book=Book(), user="command line")
        with open(file, "rb") as stream:
            result = run_import(importer_for(kind, context), stream, file, dry_run=dry_run)
        if not result.ok:
            db.session.rollback()
            for line in result.error_lines():
                click.echo(line, err=True)
            sys.exit(1)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        click.echo(("dry run: " if dry_run else "") + result.summary())

    @app.cli.command("engagement")
    @click.option("--as-of", "as_of", type=ISODate(), default=None, help="Defaults to today.")
    @click.option("--partner", default=None, help="A delivery partner's code.")
    @click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None)
    def engagement_command(as_of, partner, output):
        """Write the engagement CSV: every participant's outputs and escalation."""
        rows = engagement_rows(standings(as_of or date.today(), _partner_query(partner)))
        text = csv_text(HEADER, rows)
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                handle.write(text)
        else:
            click.echo(text, nl=False)

    @app.cli.command("declarations")
    @click.option("--as-of", "as_of", type=ISODate(), default=None, help="Defaults to today.")
    @click.option("--partner", default=None, help="A delivery partner's code.")
    def declarations_command(as_of, partner):
        """Write DfE declaration requests (JSON lines) for met outputs that are not blocked."""
        book = Book()
        found = standings(as_of or date.today(), _partner_query(partner), book)
        dfe_ids = partner_dfe_ids()
        made = declarations(found, book, assessments_by_participant([s.pk for s in found]))
        click.echo(json_lines(request_body(d, dfe_ids.get(d.partner)) for d in made if not d.blocked), nl=False)
    from .reports.cli import register_report_commands
    register_report_commands(app)
