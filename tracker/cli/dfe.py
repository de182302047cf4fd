"""`flask dfe ...` (INTERCHANGE.md "DfE's API"): `sync` reads DfE's participants, delivery partners
and statements into the tracker; `send-changes` tells DfE of the tracker's decisions. Each runs the
same job as its button in the browser."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from ..clock import today as clock_today
from .declarations import ACTOR, _run_job


@click.group("dfe", cls=AppGroup)
def dfe_group():
    """Keep the tracker and DfE's lead provider API in step."""


def _configured() -> None:
    from ..declarations.dfe import configuration_problem

    if configuration_problem():
        raise click.ClickException(configuration_problem())


@dfe_group.command("sync")
def sync_command():
    """Read DfE's participants (since the last sync; all the first time), delivery partners and
    statements; match DfE's enrolments to the tracker's participants and list those that differ."""
    from ..declarations.sync import not_at_dfe, not_in_tracker, summary
    from ..jobs.kinds import SYNC_WITH_DFE

    _configured()
    job = _run_job(SYNC_WITH_DFE, {"actor": ACTOR})
    click.echo(summary(json.loads(job.counts)))
    for enrolment in not_in_tracker():
        click.echo(f"not in the tracker: {enrolment.dfe_participant_id} {enrolment.full_name} "
                   f"{enrolment.email or '-'} {enrolment.course_identifier}")
    for participant in not_at_dfe():
        click.echo(f"not at DfE: {participant.participant_id}")


@dfe_group.command("send-changes")
def send_changes_command():
    """Send DfE the withdrawals EDT confirmed, deferrals, returns, moves to another cohort or schedule,
    and outcomes changed after a completed declaration, that DfE does not yet hold; one line per change
    with DfE's answer; exit 1 when DfE refused any."""
    from ..declarations.changes import REFUSED, SENT, read_told, tally
    from ..jobs.kinds import CHANGES_TO_DFE

    _configured()
    job = _run_job(CHANGES_TO_DFE, {"actor": ACTOR, "participants": None, "today": clock_today().isoformat()})
    told = read_told(job.result.decode())
    for change in told:
        click.echo(change.line(), err=change.result != SENT)
    counted = tally(told)
    click.echo(", ".join(f"{result} {n}" for result, n in counted.items()))
    if counted[REFUSED]:
        raise SystemExit(1)


COMMANDS = (dfe_group,)
