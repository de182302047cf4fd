"""`flask dfe ...` (INTERCHANGE.md "DfE's API"): what the tracker tells DfE of its participants."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..clock import today as clock_today
from .declarations import ACTOR, _run_job


@click.group("dfe", cls=AppGroup)
def dfe_group():
    """Participants at DfE: what DfE is told of the tracker's decisions."""


@dfe_group.command("send-changes")
def send_changes_command():
    """Send DfE the withdrawals EDT confirmed, deferrals, returns, moves to another cohort or schedule,
    and outcomes changed after a completed declaration, that DfE does not yet hold; one line per change
    with DfE's answer; exit 1 when DfE refused any."""
    from ..declarations.changes import REFUSED, SENT, read_told, tally
    from ..declarations.dfe import configuration_problem
    from ..jobs.kinds import CHANGES_TO_DFE

    if configuration_problem():
        raise click.ClickException(configuration_problem())
    job = _run_job(CHANGES_TO_DFE, {"actor": ACTOR, "participants": None, "today": clock_today().isoformat()})
    told = read_told(job.result.decode())
    for change in told:
        click.echo(change.line(), err=change.result != SENT)
    counted = tally(told)
    click.echo(", ".join(f"{result} {n}" for result, n in counted.items()))
    if counted[REFUSED]:
        raise SystemExit(1)


COMMANDS = (dfe_group,)
