"""`engagement`: the engagement CSV of INTERCHANGE.md; `export KIND`: the stored records of an import
kind in its import format (`declarations` has its own module)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..clock import today
from ..engagement.standing import standings
from ..exports.cells import csv_text
from ..exports.engagement import HEADER, engagement_rows
from ..exports.records import export_csv
from ..imports import kinds
from .params import as_of_option, output_option, partner_id, participants_of, partner_option, write_text


@click.command("engagement")
@as_of_option
@partner_option
@output_option
@with_appcontext
def engagement_command(as_of, partner, output):
    """Write the engagement CSV: every participant's outputs and escalation."""
    rows = engagement_rows(standings(as_of or today(), participants_of(partner)))
    text = csv_text(HEADER, rows)
    write_text(text, output)


@click.command("export")
@click.argument("kind", type=click.Choice([kind.name for kind in kinds.exported()]))
@partner_option
@output_option
@with_appcontext
def export_command(kind, partner, output):
    """Write the stored records of KIND as a CSV file of KIND's import format (it imports back unchanged)."""
    write_text(export_csv(kinds.get(kind).export, partner_id(partner) if partner else None), output)


COMMANDS = (engagement_command, export_command)
