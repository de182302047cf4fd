"""One cache for every worker and server (tracker/engagement/version.py): a result computed by one
process is read by another; a committed change is seen by every server at once; sign-ins and jobs
keep the cache; the job run after an import builds EDT's pages before anyone asks."""
from __future__ import annotations

import re
from datetime import date

import httpx
from sqlalchemy import func, select

from tracker.engagement import pages, version
from tracker.engagement.version import cached, current
from tracker.extensions import db
from tracker.jobs.kinds import BUILD_PAGES
from tracker.jobs.work import Progress, start
from tracker.models import CachedResult, Job, Participant

from ..factories import gen_participant
from ..served import serve_env, served
from .conftest import PASSWORD, signed_in


def another_process() -> None:
    """What a worker of another server starts with: nothing in its own memory."""
    version._cache.clear()


def count_participants(calls: list) -> int:
    calls.append(1)
    return db.session.scalar(select(func.count(Participant.id)))


def test_a_result_computed_by_one_worker_is_read_by_another_until_a_change_commits(session):
    gen_participant("P001")
    calls: list = []
    assert cached("test-shared", (date(2023, 3, 1),), lambda: count_participants(calls)) == 1
    another_process()
    assert cached("test-shared", (date(2023, 3, 1),), lambda: count_participants(calls)) == 1
    assert len(calls) == 1  # read from the database, not computed again
    gen_participant("P002")
    another_process()
    assert cached("test-shared", (date(2023, 3, 1),), lambda: count_participants(calls)) == 2
    assert len(calls) == 2
    assert cached("test-shared", (date(2023, 3, 2),), lambda: count_participants(calls)) == 2
    assert set(db.session.scalars(select(CachedResult.version).where(CachedResult.name == "test-shared"))) == \
        {current()}  # the older version's row went: the table holds only what can still be read


def test_two_apps_over_one_database_agree_the_moment_a_change_commits(app, session):
    from tracker import create_app

    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "SECRET_KEY": "test-secret-of-another-server", "TODAY": None})
    gen_participant("P001")
    calls: list = []
    first = cached("test-agree", (), lambda: count_participants(calls))
    with other.app_context():
        another_process()
        assert cached("test-agree", (), lambda: count_participants(calls)) == first == 1
        gen_participant("P002")  # committed through the other server
    assert cached("test-agree", (), lambda: count_participants(calls)) == 2
    with other.app_context():
        assert cached("test-agree", (), lambda: count_participants(calls)) == 2
        db.engine.dispose()


def test_sign_ins_and_a_jobs_progress_keep_the_cache(app, as_edt_staff):
    before = current()
    signed_in(app, "lead@north.example")  # writes the sign-in throttle and a session
    job = Job(kind="recompute", params="{}", started_by="test", state="queued", done=0, attempts=0,
              created_at=db.func.now())
    db.session.add(job)
    db.session.commit()
    Progress(job.id)(1, 2)
    assert current() == before


def test_the_job_after_an_import_builds_edts_pages_for_every_worker(app, as_edt_staff, today, monkeypatch):
    gen_participant("E001", partner="EAST")
    start(BUILD_PAGES, {"today": today.isoformat(), "why": "a test"}, actor="test", partner_id=None)
    kept = set(db.session.scalars(select(CachedResult.name).where(CachedResult.version == current())))
    assert {"overview", "overview-dfe", "standings", "dashboard", "declarations"} <= kept

    def not_again(*args, **kwargs):
        raise AssertionError("computed again rather than read from the cache the job built")

    another_process()
    monkeypatch.setattr("tracker.engagement.overview.partner_overview", not_again)
    monkeypatch.setattr("tracker.engagement.pages.standings", not_again)
    page = as_edt_staff.get("/overview").get_data(as_text=True)
    assert "EAST" in page
    assert "E001" in as_edt_staff.get("/participants/").get_data(as_text=True)


def test_an_upload_confirmed_starts_the_job_that_builds_the_pages(app, two_partners, monkeypatch):
    from .test_uploads import GOOD_ROWS, csv_bytes, preview_url, upload

    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    lead = signed_in(app, "lead@north.example")
    url = preview_url(upload(lead, csv_bytes(*GOOD_ROWS)))
    assert lead.post(f"{url}/confirm", form_url=url).status_code == 302
    [job] = db.session.scalars(select(Job).where(Job.kind == BUILD_PAGES)).all()
    assert job.state == "done" and "credits.csv" in job.params
    kept = set(db.session.scalars(select(CachedResult.name).where(CachedResult.version == current())))
    assert {"overview", "standings", "dashboard"} <= kept


def _signed_in_client(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/sign-in").text).group(1)
    assert client.post("/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD}).status_code == 302
    return client


def test_two_real_servers_over_one_database_agree_on_every_page_the_moment_a_change_commits(app, two_partners):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with served(serve_env(url)) as (one, _), served(serve_env(url)) as (two, _):
        clients = [_signed_in_client(base, "staff@edt.example") for base in (one, two)]
        dashboards = []
        for client in clients:
            assert "EAST" not in client.get("/overview").text
            assert "E001" not in client.get("/participants/").text
            dashboards.append(client.get("/dashboard").text)
        gen_participant("E001", partner="EAST")
        for client, before in zip(clients, dashboards):
            assert "EAST" in client.get("/overview").text
            assert "E001" in client.get("/participants/").text
            assert _figures(client.get("/dashboard").text) != _figures(before)
            client.close()


def _figures(page: str) -> list[str]:
    """The numbers a page shows, without what changes on every request (tokens, nonces)."""
    return re.findall(r">\s*(\d[\d,]*)\s*<", page)
