"""A job's life: started from a page (a row, then the runner is told its id), claimed by one
worker, kept alive by a heartbeat while it runs, finished with its result or its error in words.

Only `claim` moves a queued job to running, in one UPDATE, so a job queued twice (a retry, a
recovery racing another) still runs once at a time.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
from dataclasses import dataclass

from flask import current_app
from huey.exceptions import TaskTimeout
from sqlalchemy import select, update

from ..clock import now
from ..extensions import db
from ..models.jobs import DONE, FAILED, QUEUED, RUNNING, Job
from ..refusal import Refusal
from . import kinds

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timing:
    """How often a running job shows it is alive, and after how long without a sign it is taken
    for dead (JOBS_HEARTBEAT_SECONDS, JOBS_STALE_SECONDS)."""

    heartbeat: float
    stale: float

    @classmethod
    def configured(cls) -> Timing:
        return cls(float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "10")),
                   float(os.environ.get("JOBS_STALE_SECONDS", "60")))


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def start(kind: str, params: dict, *, actor: str, partner_id: int | None) -> Job:
    """A new job, committed, then handed to the runner (at once, in a test without workers); or the
    unfinished job it would collide with (its kind's group, for the same partner), left as it is."""
    from .runner import run_job

    job, new = _new(kind, params, actor, partner_id)
    if new:
        run_job(job.id)
    return job


def run_here(kind: str, params: dict, *, actor: str, partner_id: int | None = None) -> tuple[Job, bool]:
    """A job run to its end in this process (a command that waits for its work), and True; or the
    unfinished job it would collide with, not run, and False. If this process dies, recovery
    queues the job again for a worker."""
    job, new = _new(kind, params, actor, partner_id)
    if new:
        execute(job.id)
        db.session.expire_all()
    return db.session.get(Job, job.id), new


def _new(kind: str, params: dict, actor: str, partner_id: int | None) -> tuple[Job, bool]:
    under_way = unfinished(kinds.get(kind).group, partner_id)
    if under_way is not None:
        return under_way, False
    job = Job(kind=kind, params=json.dumps(params, sort_keys=True), partner_id=partner_id, started_by=actor,
              state=QUEUED, done=0, attempts=0, created_at=now())
    db.session.add(job)
    db.session.commit()
    return job, True


def unfinished(group: str | None, partner_id: int | None) -> Job | None:
    """The queued or running job of this group for this partner, if there is one."""
    if group is None:
        return None
    same = [name for name, kind in kinds.KINDS.items() if kind.group == group]
    partner = Job.partner_id.is_(None) if partner_id is None else Job.partner_id == partner_id
    return db.session.scalar(select(Job).where(Job.kind.in_(same), partner, Job.state.in_((QUEUED, RUNNING)))
                             .order_by(Job.id).limit(1))


def retry(job: Job) -> bool:
    """A failed job queued again from where it stands; False when it is not failed, or when another
    job it would collide with is under way."""
    from .runner import run_job

    if unfinished(kinds.get(job.kind).group, job.partner_id) is not None:
        return False

    moved = db.session.execute(update(Job).where(Job.id == job.id, Job.state == FAILED)
                               .values(state=QUEUED, error=None, worker=None)).rowcount
    db.session.commit()
    if moved:
        run_job(job.id)
    return bool(moved)


def claim(job_id: int) -> Job | None:
    """The job, now running in this process; None when it is not queued (done, or another has it)."""
    stamp = now()
    moved = db.session.execute(
        update(Job).where(Job.id == job_id, Job.state == QUEUED)
        .values(state=RUNNING, worker=this_worker(), started_at=stamp, heartbeat_at=stamp, attempts=Job.attempts + 1)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if moved else None


def execute(job_id: int) -> None:
    """Runs a queued job to its end: done with its result, or failed with its error in words."""
    job = claim(job_id)
    if job is None:
        return
    kind, params = kinds.get(job.kind), json.loads(job.params)
    beat = Heartbeat(current_app._get_current_object(), job_id, Timing.configured().heartbeat)
    beat.start()
    try:
        result = kind.run(params, Progress(job_id))
    except Exception as error:  # noqa: BLE001 - whatever stopped it is said on the job's page
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, state=FAILED, error=failure(error))
    else:
        if result is None:
            _finish(job_id, state=DONE)
        else:
            _finish(job_id, state=DONE, result=result.content, result_name=result.name, result_type=result.mime)
    finally:
        beat.stop()


def failure(error: Exception) -> str:
    """Why the job stopped, in words for its page."""
    if isinstance(error, Refusal):
        return error.message
    if isinstance(error, TaskTimeout):
        from .runner import TIME_LIMIT

        return (f"The job ran for longer than its limit of {TIME_LIMIT // 60} minutes and was stopped. "
                "Try again; if it stops again, tell EDT's administrator.")
    return f"The job stopped with an error: {type(error).__name__}: {error}"


def _finish(job_id: int, **values) -> None:
    db.session.execute(update(Job).where(Job.id == job_id, Job.worker == this_worker())
                       .values(finished_at=now(), heartbeat_at=now(), **values))
    db.session.commit()


class Progress:
    """progress(done, total, counts): how far the job has got, stored at once for its page; counts
    are the kind's own tallies (sent, refused...), which its summary puts in words."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, done: int, total: int | None = None, counts: dict | None = None) -> None:
        values = {"done": done, "total": total, "heartbeat_at": now()}
        if counts is not None:
            values["counts"] = json.dumps(counts, sort_keys=True)
        db.session.execute(update(Job).where(Job.id == self.job_id).values(**values))
        db.session.commit()


class Heartbeat(threading.Thread):
    """Marks the job alive every few seconds while the work itself runs (a PDF renders for seconds
    without a word), on its own connection."""

    def __init__(self, app, job_id: int, every: float):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.app, self.job_id, self.every, self.stopped = app, job_id, every, threading.Event()
        self.worker = this_worker()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            with self.app.app_context():
                with db.engine.begin() as connection:
                    connection.execute(update(Job).where(Job.id == self.job_id, Job.worker == self.worker)
                                       .values(heartbeat_at=now()))

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 5)
