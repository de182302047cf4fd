"""`flask dfe sync` (INTERCHANGE.md "DfE's API"): DfE's participants, delivery partners and
statements read into the tracker, by the same job the "Sync with DfE" button starts."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from .declarations import ACTOR, _run_job


@click.group("dfe", cls=AppGroup)
def dfe_group():
    """Keep the tracker in step with DfE's lead provider API."""


@dfe_group.command("sync")
def sync_command():
    """Read DfE's participants (since the last sync; all the first time), delivery partners and
    statements; match DfE's enrolments to the tracker's participants and list those that differ."""
    from ..declarations.dfe import configuration_problem
    from ..declarations.sync import not_at_dfe, not_in_tracker, summary
    from ..jobs.kinds import SYNC_WITH_DFE

    if configuration_problem():
        raise click.ClickException(configuration_problem())
    job = _run_job(SYNC_WITH_DFE, {"actor": ACTOR})
    click.echo(summary(json.loads(job.counts)))
    for enrolment in not_in_tracker():
        click.echo(f"not in the tracker: {enrolment.dfe_participant_id} {enrolment.full_name} "
                   f"{enrolment.email or '-'} {enrolment.course_identifier}")
    for participant in not_at_dfe():
        click.echo(f"not at DfE: {participant.participant_id}")


COMMANDS = (dfe_group,)
