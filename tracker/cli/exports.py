"""`engagement` and `declarations`: the files of INTERCHANGE.md."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..clock import today
from ..engagement.book import Book
from ..engagement.queries import assessments_by_participant, partner_dfe_ids
from ..engagement.standing import standings
from ..exports.cells import csv_text
from ..exports.declarations import declarations, json_lines, request_body
from ..exports.engagement import HEADER, engagement_rows
from .params import as_of_option, participants_of, partner_option


@click.command("engagement")
@as_of_option
@partner_option
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None)
@with_appcontext
def engagement_command(as_of, partner, output):
    """Write the engagement CSV: every participant's outputs and escalation."""
    rows = engagement_rows(standings(as_of or today(), participants_of(partner)))
    text = csv_text(HEADER, rows)
    if output:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


@click.command("declarations")
@as_of_option
@partner_option
@with_appcontext
def declarations_command(as_of, partner):
    """Write DfE declaration requests (JSON lines) for met outputs that are not blocked."""
    book = Book()
    found = standings(as_of or today(), participants_of(partner), book)
    dfe_ids = partner_dfe_ids()
    made = declarations(found, book, assessments_by_participant([s.pk for s in found]))
    click.echo(json_lines(request_body(d, dfe_ids.get(d.partner)) for d in made if not d.blocked), nl=False)


COMMANDS = (engagement_command, declarations_command)
