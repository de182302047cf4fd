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
from tracker.escalation.emails import CUT_SHORT
from tracker.models import DeliveryPartner, EmailBatch, EmailSent, Job, Participant

from ..clock import on_the_real_clock, suite_env
from ..reports.conftest import MEETING, PARTNER, example_dataset  # noqa: F401  (the fixture)
from ..mailbox import mailbox  # noqa: F401  (fixture)
from ..served import ROOT
from ..web.conftest import fresh_request_globals  # noqa: F401  (fixture)
from ..web.test_emails import send_form
from ..web.test_participants import examples, north_lead  # noqa: F401  (fixtures)


@pytest.fixture()
def queued(app):
    """Jobs go to the queue the workers read, not run at once in this process."""
    huey.immediate = False
    huey.flush()
    yield huey
    huey.flush()
    huey.immediate = True


@contextmanager
def worker(app, **settings: str):
    env = on_the_real_clock(suite_env())
    env.update(settings)
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


def test_a_worker_killed_mid_batch_of_emails_leaves_the_rest_to_the_next_and_nobody_is_emailed_twice(
        app, north_lead, mailbox, queued):  # noqa: F811
    mailbox.delay = 0.4  # each message takes a while, so that the worker is killed mid-batch
    refs = db.session.scalars(select(Participant.participant_id).join(DeliveryPartner)
                              .where(DeliveryPartner.code == "NORTH").order_by(Participant.participant_id).limit(10)).all()
    query = "&".join(f"participant={ref}" for ref in refs)
    answer = north_lead.post("/emails/send", send_form(north_lead, query), form_url="/dashboard")
    page_url = answer.headers["Location"]
    batch = db.session.scalar(select(EmailBatch))
    job_id = batch.job_id
    assert job_now(job_id).state == "queued" and not mailbox.received  # the request only queued it
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(app.config["MAIL_PORT"]),
            "MAIL_DEFAULT_SENDER": "npq-team@north.example"}
    with worker(app, **mail) as first:
        deadline = time.monotonic() + 60
        while len(mailbox.received) < 3:
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.02)
        kill(first)
    page = north_lead.get(page_url).get_data(as_text=True)
    assert "Sending is under way" in page and 'http-equiv="refresh"' in page  # not finished, and says so
    with worker(app, **mail):
        job = wait_for(job_id, ("done", "failed"))
    assert job.state == "done", job.error
    assert job.attempts == 2
    addresses = [r.recipients[0] for r in mailbox.received]
    assert len(addresses) == len(set(addresses)), "somebody was emailed twice"
    db.session.expire_all()
    rows = db.session.scalars(select(EmailSent).where(EmailSent.batch_id == batch.id)).all()
    assert len(rows) == len(refs)  # everyone is accounted for, once
    assert {r.to_address for r in rows if r.sent} <= set(addresses)
    cut_short = [r for r in rows if r.problem == CUT_SHORT]
    assert len(cut_short) <= 1  # at most the message in hand when the worker died, shown for the lead to check
    page = north_lead.get(page_url).get_data(as_text=True)
    assert "Sending is under way" not in page and 'http-equiv="refresh"' not in page
    assert f"of {len(refs)} sent" in page


def test_the_workers_read_the_queue_the_run_names():
    """`make test-postgres` gives the runner a real Redis (TEST_JOBS_URL), as production does; the SQLite
    run its queue file: the kill tests above run on each."""
    from huey import RedisHuey, SqliteHuey

    assert isinstance(huey, RedisHuey if os.environ.get("TEST_JOBS_URL", "").startswith("redis") else SqliteHuey)
