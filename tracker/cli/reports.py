"""`report partnership --partner CODE --date YYYY-MM-DD --output FILE.pdf`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..reports.partnership import UnknownPartner
from .params import ISODate


@click.group("report")
def report_group():
    """Printable reports."""


@report_group.command("partnership")
@click.option("--partner", required=True, help="The delivery partner's code.")
@click.option("--date", "meeting_date", type=ISODate(), required=True, help="The meeting date.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True, help="The PDF file to write.")
@with_appcontext
def partnership_command(partner, meeting_date, output):
    """Write the partnership-meeting PDF for one delivery partner."""
    from ..reports.pdf import partnership_pdf

    try:
        pdf = partnership_pdf(partner, meeting_date)
    except UnknownPartner as error:
        raise click.ClickException(f"--partner: {error}") from None
    with open(output, "wb") as handle:
        handle.write(pdf)
    click.echo(f"wrote {output} ({len(pdf):,} bytes)")


COMMANDS = (report_group,)
