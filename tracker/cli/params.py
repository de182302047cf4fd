"""Parameter types shared by the command groups."""
from __future__ import annotations

from datetime import date

import click

from ..engagement.standing import participants_query
from ..extensions import db
from ..models import DeliveryPartner


class ISODate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date in the form YYYY-MM-DD", param, ctx)


def partner_id(code: str) -> int:
    """The id of the delivery partner with this code (any case), or a --partner error."""
    found = db.session.scalar(db.select(DeliveryPartner.id).where(DeliveryPartner.code == code.upper()))
    if found is None:
        raise click.ClickException(f"--partner: no delivery partner with code '{code}'")
    return found


def participants_of(partner: str | None):
    """The participants query narrowed to one partner when --partner names one; None (everyone) when not."""
    if not partner:
        return None
    return participants_query().where(DeliveryPartner.id == partner_id(partner))


def as_of_option(function):
    return click.option("--as-of", "as_of", type=ISODate(), default=None, help="Defaults to today.")(function)


def partner_option(function):
    return click.option("--partner", default=None, help="A delivery partner's code.")(function)


def output_option(function):
    return click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
                        help="Write to this file instead of standard output.")(function)


def write_text(text: str, output: str | None) -> None:
    """Write a file's text to --output, or to standard output without one."""
    if output:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
