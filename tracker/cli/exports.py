"""`engagement`: the engagement CSV of INTERCHANGE.md (`declarations` has its own module)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..clock import today
from ..engagement.standing import standings
from ..exports.cells import csv_text
from ..exports.engagement import HEADER, engagement_rows
from .params import as_of_option, output_option, participants_of, partner_option, write_text


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


COMMANDS = (engagement_command,)
