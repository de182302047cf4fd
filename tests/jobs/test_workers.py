"""Real worker processes of the job runner (Huey's consumer, `make worker`), killed for real.

Each test starts workers on the suite's database and a queue file of its own, and stops them.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.jobs import start
from tracker.jobs.kinds import PARTNERSHIP_REPORT
from tracker.jobs.runner import huey
from tracker.models import DeliveryPartner, Job

from ..clock import on_the_real_clock, suite_env
from ..reports.conftest import MEETING, PARTNER, example_dataset  # noqa: F401  (the fixture)
from ..served import ROOT


@pytest.fixture()
def queued(app):
    """Jobs go to the queue the workers read, not run at once in this process."""
    huey.immediate = False
    huey.flush()
    yield huey
    huey.flush()
    huey.immediate = True


@contextmanager
def worker(app):
    env = on_the_real_clock(suite_env())
    env.update({"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": secrets.token_hex(32),
                "JOBS_URL": os.environ["JOBS_URL"], "JOBS_HEARTBEAT_SECONDS": "0.5", "JOBS_STALE_SECONDS": "4"})
    process = subprocess.Popen([sys.executable, "-m", "huey.bin.huey_consumer", "tracker.jobs.runner.huey", "-w", "1",
                                "-k", "process", "-d", "0.1"], cwd=ROOT, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        kill(process)


def kill(process: subprocess.Popen) -> None:
    """kill -9 the worker and its worker processes, as a crash or the OOM killer would."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def job_now(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    db.session.commit()
    return job


def wait_for(job_id: int, states: tuple[str, ...], seconds: float = 90) -> Job:
    deadline = time.monotonic() + seconds
    while (job := job_now(job_id)).state not in states:
        assert time.monotonic() < deadline, f"job {job_id} still {job.state}"
        time.sleep(0.02)
    return job


def report_job(partner_code: str = PARTNER, on: date = MEETING) -> int:
    partner = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == partner_code))
    return start(PARTNERSHIP_REPORT, {"partner": partner_code, "date": on.isoformat()}, actor="lead@north.example",
                 partner_id=partner.id).id


def test_a_worker_makes_the_report_the_page_asked_for(app, example_dataset, queued):  # noqa: F811
    job_id = report_job()
    assert job_now(job_id).state == "queued"
    with worker(app):
        job = wait_for(job_id, ("done", "failed"))
    assert job.state == "done", job.error
    assert job.result.startswith(b"%PDF") and job.result_name == f"partnership-report-{PARTNER}-{MEETING}.pdf"
    assert job.attempts == 1 and job.finished_at is not None


def test_a_worker_killed_mid_report_leaves_it_to_the_next_worker_which_finishes_it(app, example_dataset, queued):  # noqa: F811
    job_id = report_job()
    with worker(app) as first:
        running = wait_for(job_id, ("running", "done"))
        kill(first)
    assert running.state == "running", "the report finished before the worker could be killed"
    stranded = job_now(job_id)
    assert stranded.state == "running" and stranded.result is None  # nothing finished it...
    killed_worker = stranded.worker
    with worker(app):  # ...until a worker starts again
        job = wait_for(job_id, ("done", "failed"))
    assert job.state == "done", job.error
    assert job.attempts == 2 and job.result.startswith(b"%PDF")
    assert job.worker != killed_worker


def test_a_job_queued_while_no_worker_runs_waits_and_is_made_once(app, example_dataset, queued):  # noqa: F811
    job_id = report_job()
    time.sleep(0.5)
    assert job_now(job_id).state == "queued"
    with worker(app), worker(app):  # two workers read the same queue
        job = wait_for(job_id, ("done", "failed"))
        time.sleep(1)
    assert job_now(job_id).attempts == 1 and job.state == "done"
