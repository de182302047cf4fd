"""Jobs in the browser and their recovery, run at once in the test's process (tests/conftest.py);
test_workers.py runs them in real worker processes."""
from __future__ import annotations

import json
import re
import socket
import subprocess
from datetime import datetime, timedelta

from huey.exceptions import TaskTimeout
from sqlalchemy import func, select

from tracker.clock import now
from tracker.extensions import db
from tracker.jobs import kinds
from tracker.jobs.kinds import PARTNERSHIP_REPORT, JobKind
from tracker.jobs.recovery import MOST_ATTEMPTS, recover
from tracker.models import DeliveryPartner, EmailBatch, Job

from ..mailbox import mailbox  # noqa: F401  (fixture)
from ..web.conftest import as_facilitator, as_north_lead, fresh_request_globals, signed_in, two_partners  # noqa: F401
from ..web.test_participants import examples, north_lead  # noqa: F401, F811  (fixtures)

REPORT = "/reports/partnership.pdf?partner=NORTH&date=2026-12-01"


def jobs() -> list[Job]:
    db.session.expire_all()
    return db.session.scalars(select(Job).order_by(Job.id)).all()


def test_a_report_asked_for_again_at_once_is_the_same_job(as_north_lead):
    first = as_north_lead.get(REPORT).headers["Location"]
    assert as_north_lead.get(REPORT).headers["Location"] == first
    assert len(jobs()) == 1 and jobs()[0].state == "done"
    page = as_north_lead.get("/jobs/").get_data(as_text=True)
    assert "Partnership meeting report for NORTH, meeting on 1 December 2026" in page and "Done" in page


def test_a_failed_job_says_why_and_can_be_tried_again_by_whoever_asked(app, as_north_lead, as_facilitator,
                                                                        monkeypatch):
    real = kinds.KINDS[PARTNERSHIP_REPORT]

    def broken(params, progress):
        raise OSError("the fonts folder could not be read")

    monkeypatch.setitem(kinds.KINDS, PARTNERSHIP_REPORT, JobKind(real.name, real.label, broken, real.describe))
    job_page = as_north_lead.get(REPORT).headers["Location"]
    page = as_north_lead.get(job_page).get_data(as_text=True)
    assert "The job did not finish" in page and "OSError: the fonts folder could not be read" in page
    assert 'http-equiv="refresh"' not in page
    assert as_facilitator.post(job_page + "/retry", form_url=job_page).status_code == 403
    monkeypatch.setitem(kinds.KINDS, PARTNERSHIP_REPORT, real)
    assert as_north_lead.post(job_page + "/retry").status_code == 302
    page = as_north_lead.get(job_page).get_data(as_text=True)
    link = re.search(r'id="result" href="([^"]+)"', page).group(1)
    assert as_north_lead.get(link).data.startswith(b"%PDF")
    assert [(j.state, j.attempts, j.error) for j in jobs()] == [("done", 2, None)]


def test_a_job_stopped_at_its_time_limit_says_so(as_north_lead, monkeypatch):
    real = kinds.KINDS[PARTNERSHIP_REPORT]

    def endless(params, progress):
        raise TaskTimeout("timeout 1800s")  # what Huey raises in a process worker when the limit passes

    monkeypatch.setitem(kinds.KINDS, PARTNERSHIP_REPORT, JobKind(real.name, real.label, endless, real.describe))
    page = as_north_lead.get(as_north_lead.get(REPORT).headers["Location"]).get_data(as_text=True)
    assert "longer than its limit of 30 minutes and was stopped" in page and "Try again" in page


def test_a_job_under_way_says_how_far_it_has_got_and_refreshes_itself(as_north_lead):
    north = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == "NORTH"))
    job = Job(kind=PARTNERSHIP_REPORT, params='{"date": "2026-12-01", "partner": "NORTH"}', partner_id=north.id,
              started_by="lead@north.example", state="running", done=3, total=10, created_at=now(), attempts=1)
    db.session.add(job)
    db.session.commit()
    page = as_north_lead.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "3 of 10 done" in page and 'id="result"' not in page
    assert as_north_lead.get(f"/jobs/{job.id}/result").status_code == 404


def running(worker: str, heartbeat: datetime, attempts: int = 1) -> int:
    job = Job(kind=PARTNERSHIP_REPORT, params="{}", started_by="x@edt.example", state="running", worker=worker,
              heartbeat_at=heartbeat, created_at=heartbeat, attempts=attempts)
    db.session.add(job)
    db.session.commit()
    return job.id


def test_a_job_whose_worker_is_gone_is_queued_again_and_fails_after_three_tries(session):
    alive = running("elsewhere:123", now())
    silent = running("elsewhere:124", now() - timedelta(minutes=2))
    exhausted = running("elsewhere:125", now() - timedelta(minutes=2), attempts=MOST_ATTEMPTS)
    ended = subprocess.Popen(["true"])
    ended.wait()
    gone_here = running(f"{socket.gethostname()}:{ended.pid}", now())  # no sign missed yet, but its process ended

    assert sorted(recover()) == sorted([silent, gone_here])
    states = {j.id: (j.state, j.worker) for j in jobs()}
    assert states[alive] == ("running", "elsewhere:123")
    assert states[silent] == states[gone_here] == ("queued", None)
    assert states[exhausted][0] == "failed"
    assert "stopped 3 times before it finished" in db.session.get(Job, exhausted).error
    assert recover() == []  # nothing is queued twice
    assert db.session.scalar(select(func.count()).select_from(Job).where(Job.state == "running")) == 1


def test_a_batch_of_emails_links_to_its_job_and_says_so_when_its_sending_stopped(north_lead, mailbox):
    from ..web.test_emails import send_form

    sent_page = north_lead.post("/emails/send", send_form(north_lead), form_url="/dashboard").headers["Location"]
    batch = db.session.scalar(select(EmailBatch))
    assert batch.finished_at is not None  # sent at once here: tests/conftest.py
    job_page = north_lead.get(f"/jobs/{batch.job_id}").get_data(as_text=True)
    assert "Next-step emails to 2 participants" in job_page and f'href="{sent_page}"' in job_page
    # a batch whose job failed before the end (its workers died three times)
    job = db.session.get(Job, batch.job_id)
    batch.finished_at, job.state, job.error = None, "failed", "The worker running this job stopped 3 times"
    db.session.commit()
    page = north_lead.get(sent_page).get_data(as_text=True)
    assert "Sending stopped before everyone was emailed" in page and "stopped 3 times" in page
    assert f'href="/jobs/{job.id}"' in page and 'http-equiv="refresh"' not in page


def test_jobs_that_would_collide_run_one_at_a_time_per_partner(app, two_partners, monkeypatch):
    """A kind with a group: while one of its group is unfinished for a partner, starting another gives
    back the one under way; another partner's, or one after it finished, is a job of its own."""
    from tracker.jobs import start

    from tracker.jobs.runner import huey

    monkeypatch.setattr(huey, "immediate", False)
    real = kinds.KINDS[PARTNERSHIP_REPORT]
    monkeypatch.setitem(kinds.KINDS, "applying", JobKind("applying", "Applying", real.run, real.describe, group="apply"))
    monkeypatch.setitem(kinds.KINDS, "other-applying", JobKind("other-applying", "Applying", real.run, real.describe,
                                                               group="apply"))
    north, south = (db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == code))
                    for code in ("NORTH", "SOUTH"))
    first = start("applying", {"n": 1}, actor="a@example.org", partner_id=north)
    assert start("other-applying", {"n": 2}, actor="b@example.org", partner_id=north).id == first.id
    assert start("applying", {"n": 3}, actor="c@example.org", partner_id=south).id != first.id
    assert start(PARTNERSHIP_REPORT, {"partner": "NORTH", "date": "2026-12-01"}, actor="a@example.org",
                 partner_id=north).id != first.id  # no group: never held back
    first.state = "done"
    db.session.commit()
    assert start("applying", {"n": 4}, actor="a@example.org", partner_id=north).id != first.id
    huey.flush()


def test_edt_see_when_the_scheduler_next_runs_each_of_its_tasks(app, two_partners, clock, monkeypatch):
    from huey import crontab

    from tracker.jobs import runner
    from tracker.jobs.schedule import next_runs

    clock.move_to(datetime(2026, 11, 24, 9, 30, 20))
    task = runner.scheduled("Say hello every night", crontab(minute="30", hour="2"))(lambda: None)
    try:
        assert [(n.label, n.at) for n in next_runs(now())] == [
            ("Look for jobs whose worker stopped", datetime(2026, 11, 24, 9, 31)),
            ("Read DfE's changes to the declarations", datetime(2026, 11, 25, 2, 30)),
            ("Say hello every night", datetime(2026, 11, 25, 2, 30))]
        page = signed_in(app, "staff@edt.example").get("/jobs/").get_data(as_text=True)
        assert "Say hello every night" in page and "2026-11-25 02:30" in page
        # the scheduler's tasks are EDT's, not a partner's
        assert "Scheduled" not in signed_in(app, "lead@north.example").get("/jobs/").get_data(as_text=True)
    finally:
        runner.huey._registry.unregister(task.task_class)
        del runner.SCHEDULE["<lambda>"]


def test_flask_recompute_runs_as_a_job_listed_with_what_it_did(app, two_partners):
    result = app.test_cli_runner().invoke(args=["recompute"])
    assert (result.exit_code, result.output) == (0, "recomputed 2 participants\n")
    job = jobs()[-1]
    assert (job.kind, job.state, job.done, job.total, job.started_by) == ("recompute", "done", 2, 2, "command line")
    page = signed_in(app, "staff@edt.example").get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Recompute the outputs of every participant" in page and "Done" in page


def test_an_edit_to_course_content_is_saved_at_once_and_its_recompute_is_a_job(app, two_partners, monkeypatch):
    from tracker.jobs.runner import huey
    from tracker.jobs.work import execute
    from tracker.models import Activity, OutputRecord, Participant

    monkeypatch.setattr(huey, "immediate", False)
    admin = signed_in(app, "admin@edt.example")
    activity = db.session.scalar(select(Activity).where(Activity.credits > 1).order_by(Activity.id))
    course = activity.block.course
    db.session.execute(OutputRecord.__table__.delete())
    db.session.commit()
    response = admin.post(f"/reference/{course.code}/activities/{activity.id}", {
        "title": activity.title, "duration": activity.duration, "credits": str(activity.credits),
        "block_total": str(activity.block.printed_total), "course_total": str(course.printed_total)})
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    job = jobs()[-1]
    affected = db.session.scalar(select(func.count()).select_from(Participant).where(Participant.course_id == course.id))
    assert job.kind == "recompute" and job.state == "queued" and len(json.loads(job.params)["participants"]) == affected
    assert "being recomputed: Jobs shows how far it has got" in page
    execute(job.id)
    assert jobs()[-1].state == "done"
    assert db.session.scalar(select(func.count()).select_from(OutputRecord)) > 0
    huey.flush()
