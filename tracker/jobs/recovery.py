"""Jobs whose worker is gone are queued again, or failed after too many tries.

A worker killed mid-job (kill -9, a crash, the machine lost) leaves its job "running". Every worker
looks for such jobs when it starts and once a minute: a job is taken for lost when its worker is a
process of this machine that no longer runs, or when it has shown no sign of life for
JOBS_STALE_SECONDS. A lost job is queued again (its kind runs it again from the start) unless it
has been tried MOST_ATTEMPTS times, when it fails with that said in words; from its page it can be
tried again.
"""
from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from ..clock import now
from ..extensions import db
from ..models.jobs import FAILED, QUEUED, RUNNING, Job
from .work import Timing

MOST_ATTEMPTS = 3


def process_gone(worker: str | None) -> bool:
    """Whether the worker named "host:pid" is a process of this machine that no longer runs."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status  # a zombie: killed, not yet reaped by its parent


def recover() -> list[int]:
    """The ids of the lost jobs queued again (the caller hands them to the runner); the others
    that were tried too often are failed."""
    stale_before = now() - timedelta(seconds=Timing.configured().stale)
    running = db.session.execute(select(Job.id, Job.worker, Job.heartbeat_at, Job.attempts)
                                 .where(Job.state == RUNNING)).all()
    queued = []
    for job_id, worker, heartbeat_at, attempts in running:
        if not (process_gone(worker) or heartbeat_at is None or heartbeat_at < stale_before):
            continue
        if attempts >= MOST_ATTEMPTS:
            values = {"state": FAILED, "finished_at": now(),
                      "error": f"The worker running this job stopped {attempts} times before it finished. "
                               "Try it again; if it stops again, tell EDT's administrator."}
        else:
            values = {"state": QUEUED}
        moved = db.session.execute(update(Job).where(Job.id == job_id, Job.state == RUNNING, Job.worker == worker)
                                   .values(worker=None, **values)).rowcount
        if moved and values["state"] == QUEUED:
            queued.append(job_id)
    db.session.commit()
    return queued
