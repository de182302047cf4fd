"""`next-steps`: the next steps CSV of INTERCHANGE.md."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..clock import today
from ..engagement.book import Book
from ..engagement.next_steps import next_steps_for
from ..engagement.standing import standings
from ..exports.next_steps import next_steps_csv
from .params import as_of_option, output_option, participants_of, partner_option, write_text


@click.command("next-steps")
@as_of_option
@partner_option
@output_option
@with_appcontext
def next_steps_command(as_of, partner, output):
    """Write the next steps CSV: for each participant, the options that would meet their next output."""
    day = as_of or today()
    book = Book()
    found = standings(day, participants_of(partner), book)
    write_text(next_steps_csv(found, next_steps_for(found, day, book)), output)


COMMANDS = (next_steps_command,)
