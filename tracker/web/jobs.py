"""The jobs pages: what each piece of background work is, how far it has got, its result or its
error, and Try again. A partner's users see their partner's jobs; EDT staff see every job."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..clock import now
from ..extensions import db
from ..jobs import kinds, retry
from ..jobs.schedule import next_runs
from ..models import Job
from ..models.jobs import DONE, FAILED, QUEUED, RUNNING
from .access import ANYONE, access, own_partner_id
from .uploads import shown_on_job_page

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

STATE_WORDS = {QUEUED: "Waiting for a worker", RUNNING: "Under way", DONE: "Done", FAILED: "Failed"}
LISTED = 50
REFRESH_SECONDS = 2


def job_or_404(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    own = own_partner_id()
    if job is None or (own is not None and job.partner_id != own):
        abort(404)
    return job


def described(job: Job) -> str:
    return kinds.get(job.kind).describe(json.loads(job.params))


def progress_words(job: Job) -> str | None:
    """How far the job has got, in its kind's words; None for a kind without them, or before it counts."""
    summary = kinds.get(job.kind).summary
    return None if summary is None or job.counts is None else summary(job.done, job.total, json.loads(job.counts))


def results_page(job: Job) -> tuple[str, str] | None:
    """(address, link text) of the page that shows what a job did, for a kind with one."""
    if job.kind == kinds.NEXT_STEP_EMAILS:
        return url_for("emails.sent", batch_id=json.loads(job.params)["batch"]), "See who was emailed"
    return None


@bp.get("/")
@access(ANYONE)
def index():
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(LISTED)
    if own_partner_id() is not None:
        query = query.where(Job.partner_id == own_partner_id())
    jobs = db.session.scalars(query).all()
    schedule = next_runs(now()) if current_user.is_edt else []
    return render_template("jobs/index.html", title="Jobs", jobs=jobs, described=described, states=STATE_WORDS,
                           schedule=schedule)


@bp.get("/<int:job_id>")
@access(ANYONE)
def show(job_id: int):
    job = job_or_404(job_id)
    finished = job.state in (DONE, FAILED)
    return render_template("jobs/show.html", title=described(job), job=job, states=STATE_WORDS,
                           refresh=None if finished else REFRESH_SECONDS, results_page=results_page(job),
                           summary=progress_words(job), **(shown_on_job_page(job) or {}))


@bp.get("/<int:job_id>/result")
@access(ANYONE)
def result(job_id: int):
    job = job_or_404(job_id)
    if job.state != DONE or job.result is None:
        abort(404)
    return Response(job.result, mimetype=job.result_type,
                    headers={"Content-Disposition": f'attachment; filename="{job.result_name}"'})


@bp.post("/<int:job_id>/retry")
@access(ANYONE)
def try_again(job_id: int):
    job = job_or_404(job_id)
    if not (current_user.is_edt or job.started_by == current_user.email):
        abort(403)
    if retry(job):
        flash("The job is queued again.", "success")
    elif job.state == FAILED:
        flash("Another job of this kind is under way: try again when it has finished.", "error")
    return redirect(url_for("jobs.show", job_id=job.id))
