"""Telling DfE of a participant's changes from their page (EDT staff only): the same job as
`flask dfe send-changes`, for one participant; DfE's answer, or its refusal, is shown on the page."""
from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..clock import today
from ..declarations.dfe import configuration_problem
from ..extensions import db
from ..jobs import kinds, start
from ..models import Job
from ..models.jobs import DONE, FAILED
from ..words import DFE_API_NOT_SET_UP
from .access import EDT, access, participant_or_404

bp = Blueprint("dfe_changes", __name__)


@bp.post("/participants/<id:participant_id>/dfe-changes")
@access(EDT)
def send(participant_id: str):
    participant = participant_or_404(participant_id)
    page = redirect(url_for("participants.show", participant_id=participant.participant_id) + "#at-dfe")
    if not FlaskForm().validate_on_submit():
        flash("The form had expired: send the changes to DfE again.", "error")
        return page
    if configuration_problem():
        flash(DFE_API_NOT_SET_UP, "error")  # the variable's name is for the command line and the server's people
        return page
    params = {"actor": current_user.email, "participants": [participant.id], "today": today().isoformat(),
              "names": participant.participant_id}
    job_here(kinds.CHANGES_TO_DFE, params, "send the changes",
             "The changes are being sent to DfE: DfE's answers show here when the job has finished.")
    return page


def job_here(kind: str, params: dict, what: str, under_way: str) -> Job | None:
    """Starts a job talking to DfE for the page the user is on, and says on it how it went unless
    it is done: another under way, failed (with why), or still running. The job when it is ours."""
    job = start(kind, params, actor=current_user.email, partner_id=None)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    if job.kind != kind or json.loads(job.params) != params:
        flash(f"Another job talking to DfE is under way: {what} when it has finished.", "error")
        return None
    if job.state == FAILED:
        flash(f"Nothing was done at DfE: {job.error}", "error")
    elif job.state != DONE:
        flash(under_way, "success")
    return job
