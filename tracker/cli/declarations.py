"""`flask declarations ...` (INTERCHANGE.md): the requests to send, the recorded states, DfE's API.

`declarations --as-of D` with no subcommand writes the request bodies; the subcommands take
their own --as-of and --partner, and also accept the group's (`declarations --as-of D submit`).
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..clock import today as clock_today

from ..declarations.bodies import json_lines
from ..declarations.listing import failing, rows, to_send
from ..declarations.states import states_csv
from ..extensions import db
from ..rules.declarations import DECLARATION_TYPES
from .params import as_of_option, partner_id, partner_option


def _partner(code: str | None) -> str | None:
    return code.upper() if code and partner_id(code) else None


def _inherited(ctx: click.Context, name: str, value):
    return value if value is not None else (ctx.parent.params.get(name) if ctx.parent else None)


@click.group("declarations", cls=AppGroup, invoke_without_command=True)
@as_of_option
@partner_option
@click.pass_context
def declarations_group(ctx, as_of, partner):
    """Write DfE declaration requests (JSON lines) for the declarations to send.

    Declarations that fail DfE's own checks are not written: each is reported on stderr.
    """
    if ctx.invoked_subcommand is not None:
        return
    today = clock_today()
    found = rows(as_of or today, today, partner=_partner(partner))
    for row in failing(found):
        click.echo(f"{row.declaration.participant_id} {row.declaration.declaration_type}: {row.reason}", err=True)
    click.echo(json_lines(row.declaration for row in to_send(found)), nl=False)


@declarations_group.command("states")
@partner_option
@click.pass_context
def states_command(ctx, partner):
    """Write the recorded DfE states as a declaration-states CSV (it imports back unchanged)."""
    click.echo(states_csv(_partner(_inherited(ctx, "partner", partner))), nl=False)






ACTOR = "command line"


def _api():
    from ..declarations.dfe import DfeApi, DfeProblem

    try:
        return DfeApi.from_environment(ACTOR)
    except DfeProblem as problem:
        raise click.ClickException(str(problem)) from None


@declarations_group.command("submit")
@as_of_option
@partner_option
@click.pass_context
def submit_command(ctx, as_of, partner):
    """Send each declaration to send to DfE's API; exit 1 when DfE refused any or one could not be sent
    (one another run was sending is skipped)."""
    from ..declarations.submit import NOT_SENT, REFUSED_BY_DFE, SENT, SKIPPED, submit

    today = clock_today()
    as_of = _inherited(ctx, "as_of", as_of) or today
    found = rows(as_of, today, partner=_partner(_inherited(ctx, "partner", partner)))
    for row in failing(found):
        click.echo(f"{row.declaration.participant_id} {row.declaration.declaration_type}: {row.reason}", err=True)
    with _api() as api:
        outcomes, stopped = submit(api, to_send(found), ACTOR)
    for outcome in outcomes:
        click.echo(outcome.line(), err=outcome.result not in (SENT,))
    counted = {result: sum(o.result == result for o in outcomes) for result in (SENT, REFUSED_BY_DFE, NOT_SENT, SKIPPED)}
    click.echo(", ".join(f"{result} {n}" for result, n in counted.items()))
    if stopped or counted[REFUSED_BY_DFE] or counted[NOT_SENT]:
        raise SystemExit(1)


@declarations_group.command("refresh")
def refresh_command():
    """Read DfE's changes since the last refresh (all the first time) and update the stored states."""
    from ..declarations.dfe import DfeProblem
    from ..declarations.refresh import refresh

    with _api() as api:
        try:
            done = refresh(api, ACTOR)
        except DfeProblem as problem:
            db.session.commit()  # the audit of what was asked and answered
            raise click.ClickException(str(problem)) from None
    db.session.commit()
    for dfe_id in done.unknown:
        click.echo(f"{dfe_id}: DfE's declaration is not one the tracker sent", err=True)
    click.echo(done.summary())


@declarations_group.command("void")
@click.argument("participant_id")
@click.argument("declaration_type", type=click.Choice(DECLARATION_TYPES))
def void_command(participant_id, declaration_type):
    """Void PARTICIPANT_ID's DECLARATION_TYPE declaration at DfE and store the state DfE returns."""
    from ..declarations.dfe import DfeProblem
    from ..declarations.void import void
    from ..refusal import Refusal

    with _api() as api:
        try:
            state = void(api, participant_id, declaration_type, ACTOR)
        except (DfeProblem, Refusal) as problem:
            db.session.commit()
            raise click.ClickException(str(problem)) from None
    db.session.commit()
    click.echo(f"{participant_id} {declaration_type}: {state}")


COMMANDS = (declarations_group,)
