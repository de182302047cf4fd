"""The job runner: Huey (README, "Jobs"), with its queue where JOBS_URL says.

Unset, the queue is a SQLite file beside the demo database (instance/jobs.db), so `make run` needs
no other service; `redis://...` puts it in Redis, which workers on several machines share. The
queue only carries job ids: what a job is, its progress and its result live in the database's job
table (tracker/jobs/work.py), so a lost queue entry loses no work (tracker/jobs/recovery.py).

Workers: `make worker` (huey_consumer tracker.jobs.runner.huey, worker processes).
"""
from __future__ import annotations

import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey, crontab

INSTANCE = Path(__file__).resolve().parents[2] / "instance"


def _huey():
    url = os.environ.get("JOBS_URL", "").strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("tracker-jobs", url=url)
    path = url.removeprefix("sqlite:///") if url else str(INSTANCE / "jobs.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("tracker-jobs", filename=path)


huey = _huey()
# The longest a job may run (JOBS_TIME_LIMIT_SECONDS): Huey stops it with TaskTimeout, which work.py
# turns into a failed job that says so. Huey enforces it in process workers, which `make worker` runs.
TIME_LIMIT = int(os.environ.get("JOBS_TIME_LIMIT_SECONDS", "1800"))


@huey.task(timeout=TIME_LIMIT)
def run_job(job_id: int) -> None:
    from .work import execute

    with _app_context():
        execute(job_id)


@huey.task()
def email_password_reset(email: str, base_url: str) -> None:
    """"Forgotten your password?" (tracker/accounts/emails.py): the link is made and sent here, not in the
    request, so the page takes as long for an address with no account as for one with."""
    from ..accounts.emails import email_reset

    with _app_context():
        email_reset(email, base_url)


# What the scheduler runs, in words for the jobs page (tracker/jobs/schedule.py): task name -> label
SCHEDULE: dict[str, str] = {}


def scheduled(label: str, when):
    """A periodic task of Huey's scheduler, run `when` (a crontab, UTC), listed with its label."""
    def register(function):
        task = huey.periodic_task(when, name=function.__name__)(function)
        SCHEDULE[function.__name__] = label
        return task
    return register


@scheduled("Look for jobs whose worker stopped", crontab(minute="*"))
def recover_every_minute() -> None:
    _recover()


@scheduled("Read DfE's changes to the declarations", crontab(hour="2", minute="30"))
def refresh_from_dfe_nightly() -> None:
    """DfE's changes read every night at 02:30 UTC (Huey's crontab is UTC), unless a DfE job is under way
    (work.start gives that one back) or DfE's API is not configured."""
    from ..declarations.dfe import configuration_problem
    from .kinds import REFRESH_FROM_DFE
    from .work import start

    with _app_context():
        if configuration_problem() is None:
            start(REFRESH_FROM_DFE, {"actor": NIGHTLY}, actor=NIGHTLY, partner_id=None)


NIGHTLY = "nightly refresh"


@huey.on_startup()
def recover_on_startup() -> None:
    _recover()


def _recover() -> None:
    from .recovery import recover

    with _app_context():
        for job_id in recover():
            run_job(job_id)


_app = None


def _app_context():
    """The web app's context: the one this code runs in (a test running jobs at once), or the
    worker process's own app, made once."""
    from contextlib import nullcontext

    from flask import has_app_context

    global _app
    if has_app_context():
        return nullcontext()
    if _app is None:
        from .. import create_app

        _app = create_app()
    return _app.app_context()
