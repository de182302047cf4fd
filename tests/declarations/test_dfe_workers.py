"""Real worker processes sending to and reading from the stand-in of DfE (served on loopback by
this process, answering slowly), killed with kill -9 mid-run: nothing is sent twice, nothing is
left "being sent", and the audit keeps every request made."""
from __future__ import annotations

import json
import time
from datetime import date

from sqlalchemy import func, select

from tracker.declarations.listing import SENDING
from tracker.declarations.submit import read_outcomes, send_params
from tracker.extensions import db
from tracker.jobs import start
from tracker.jobs.kinds import REFRESH_FROM_DFE, SEND_TO_DFE
from tracker.models import AuditEvent, DeclarationRecord

from ..jobs.test_workers import kill, queued, wait_for, worker  # noqa: F401  (fixture)
from ..factories import dfe_id
from ..test_cli import AS_OF, examples  # noqa: F401  (fixtures)
from .stand_in import dfe  # noqa: F401  (fixture)
from .test_dfe_api import to_send


def until(condition, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.01)


def sending() -> int:
    db.session.expire_all()
    found = db.session.scalar(select(func.count()).select_from(DeclarationRecord).where(DeclarationRecord.state == SENDING))
    db.session.commit()
    return found


def test_a_worker_killed_while_dfe_holds_a_post_unanswered_is_settled_by_the_next_and_nothing_is_sent_twice(
        app, examples, dfe, queued):  # noqa: F811
    everything = to_send(examples)
    dfe.delay = 0.25
    on = date.fromisoformat(AS_OF)
    job_id = start(SEND_TO_DFE, send_params(on, on, None, "admin@edt.example"), actor="admin@edt.example",
                   partner_id=None).id
    with worker(app) as first:
        until(lambda: len(dfe.posts()) >= 3 and dfe.in_flight == 1, what="a POST in flight")
        kill(first)
    until(lambda: dfe.in_flight == 0, what="the stand-in to finish the POST whose answer nobody reads")
    assert sending() == 1, "the declaration in flight is recorded as being sent"
    assert sum(dfe.held().values()) == len(dfe.posts())  # DfE holds it: its answer was lost
    with worker(app):
        job = wait_for(job_id, ("done", "failed"), 120)
    assert job.state == "done", job.error
    assert job.attempts == 2
    assert dfe.posts() and set(dfe.posts().values()) == {1}, "a declaration was POSTed twice"
    assert sorted(dfe.held()) == sorted((dfe_id(ref), kind) for ref, kind in everything)
    assert set(dfe.held().values()) == {1}
    assert sending() == 0
    outcomes = read_outcomes(job.result.decode())
    assert {o.result for o in outcomes} == {"sent"}
    assert sum("found at DfE after its answer was lost" in o.detail for o in outcomes) == 1
    assert json.loads(job.counts)["sent"] == len(outcomes)
    assert to_send(examples) == []


def test_a_worker_killed_mid_refresh_keeps_every_request_it_made_in_the_audit(app, examples, dfe, queued):  # noqa: F811
    dfe.endless, dfe.delay = True, 0.2  # pages without end, slowly
    job_id = start(REFRESH_FROM_DFE, {"actor": "nightly refresh"}, actor="nightly refresh", partner_id=None).id
    with worker(app) as first:
        until(lambda: len(dfe.received) >= 4, what="four pages")
        kill(first)
    until(lambda: dfe.in_flight == 0, what="the stand-in to finish")
    db.session.expire_all()
    audited = [json.loads(a) for a in db.session.scalars(select(AuditEvent.after).where(AuditEvent.action == "dfe-api")
                                                                       .order_by(AuditEvent.id))]
    db.session.commit()
    pages = [r["query"]["page[page]"] for r in dfe.received]
    assert len(audited) >= len(pages) - 1 >= 3  # all but, at most, the one whose answer the worker never read
    assert [str(a["query"]["page[page]"]) for a in audited] == pages[: len(audited)]
    assert {a["status"] for a in audited} == {200}
