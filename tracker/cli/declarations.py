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


def _run_job(kind: str, params: dict):
    """The job, run here to its end (the same job the page starts); a ClickException when it failed
    or another job talking to DfE is under way."""
    from ..jobs.work import run_here
    from ..models.jobs import FAILED

    job, ran = run_here(kind, params, actor=ACTOR)
    if not ran:
        raise click.ClickException(f"another job talking to DfE is under way (job {job.id}, started by "
                                   f"{job.started_by}): run this again when it has finished")
    if job.state == FAILED:
        raise click.ClickException(job.error)
    return job


@declarations_group.command("submit")
@as_of_option
@partner_option
@click.pass_context
def submit_command(ctx, as_of, partner):
    """Send each declaration to send to DfE's API; exit 1 when DfE refused any or one could not be sent
    (one another run was sending is skipped)."""
    from ..declarations.dfe import configuration_problem
    from ..declarations.submit import NOT_SENT, REFUSED_BY_DFE, SENT, read_outcomes, send_params, tally
    from ..jobs.kinds import SEND_TO_DFE

    today = clock_today()
    as_of = _inherited(ctx, "as_of", as_of) or today
    partner = _partner(_inherited(ctx, "partner", partner))
    for row in failing(rows(as_of, today, partner=partner)):
        click.echo(f"{row.declaration.participant_id} {row.declaration.declaration_type}: {row.reason}", err=True)
    if configuration_problem():
        raise click.ClickException(configuration_problem())
    outcomes = read_outcomes(_run_job(SEND_TO_DFE, send_params(as_of, today, partner, ACTOR)).result.decode())
    for outcome in outcomes:
        click.echo(outcome.line(), err=outcome.result not in (SENT,))
    counted = tally(outcomes)
    click.echo(", ".join(f"{result} {n}" for result, n in counted.items()))
    if counted[REFUSED_BY_DFE] or counted[NOT_SENT]:
        raise SystemExit(1)


@declarations_group.command("refresh")
def refresh_command():
    """Read DfE's changes since the last refresh (all the first time) and update the stored states."""
    import csv
    import io
    import json

    from ..declarations.dfe import configuration_problem
    from ..declarations.refresh import summary
    from ..jobs.kinds import REFRESH_FROM_DFE

    if configuration_problem():
        raise click.ClickException(configuration_problem())
    job = _run_job(REFRESH_FROM_DFE, {"actor": ACTOR})
    for row in csv.DictReader(io.StringIO(job.result.decode().lstrip("\ufeff"))) if job.result else ():
        click.echo(f"{row['dfe_id']}: DfE's declaration is not one the tracker sent", err=True)
    click.echo(summary(json.loads(job.counts)))


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
