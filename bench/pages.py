"""Server time and SQL queries of the busiest pages, on the benchmark database.

The pages are fetched through Flask's test client (no network, no browser), signed in through
the real sign-in form, so the time around `client.get` is the server's time: routing, access
checks, the queries, the rules, the template. SQL statements are counted with a
"before_cursor_execute" listener on the engine.

- a partner lead's dashboard and filtered participant list, for DP001 (2,000 participants at
  scale 1) and for DP002 (500): the time for DP001, the query count for both (it must not grow
  with the number of participants); the dashboard is cached by the data version, so DP001's is
  also timed with the data changed before each request (dashboard_changed);
- EDT's overview of every partner (all participants), and partner_overview() alone; EDT's
  /declarations and EDT's participant list (every participant); the first request of each
  EDT page (after an import) is reported beside the later ones;
- DP002's dashboard, timed once a fifth of the national data is in and again at national size
  (dashboard_timing, each request after a data change), to show a partner's page does not grow
  with the country;
- an upload of new credit rows through /uploads, as a large file is (a job): the time from the
  click to the job's page, to its preview (the check and the in-memory forecast of the outputs it
  would newly meet), and of its confirmation (measure_upload);
- the partnership-meeting report for DP002 beside WeasyPrint rendering its finished HTML alone
  (bench.report_bench.measure).
"""
from __future__ import annotations

import math
import re
import statistics
import time
from datetime import date, datetime

from sqlalchemy import event, func, select

PAGES_AS_OF = "2023-03-01"  # inside every cohort's course period
REPORT_MEETING = date(2023, 3, 1)
PASSWORD = "bench-Slow-Tortoise-Quick-Hare-42"
LIST_FILTER = {"course": "NPQSL", "escalation": "escalated"}
PAGE_REQUESTS, PAGE_WARMUPS = 30, 3
OVERVIEW_REQUESTS, OVERVIEW_WARMUPS = 10, 2
EDT_PAGES = {"overview": "/overview", "declarations": "/declarations", "edt_list": "/participants/"}
REPORT_REPEATS = 5
SCALING_PARTNER = "DP002"
UPLOAD_TODAY = "2026-11-24"  # the upload's rows run to the dataset's last day


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value at least `share` of the values are at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timings(values: list[float], cpu: list[float]) -> dict:
    return {"requests": len(values), "median_ms": statistics.median(values) * 1000,
            "p95_ms": percentile(values, 0.95) * 1000, "max_ms": max(values) * 1000,
            "cpu_median_ms": statistics.median(cpu) * 1000}


class QueryCounter:
    """Counts the SQL statements the engine runs while `counting` is true."""

    def __init__(self, engine):
        self.engine, self.counting, self.statements = engine, False, 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args) -> None:
        if self.counting:
            self.statements += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def _users(app) -> dict[str, int]:
    """A partner lead of DP001 and of DP002 and an EDT staff user; partner code -> participants."""
    from tracker.accounts.users import create_user
    from tracker.extensions import db
    from tracker.models import DeliveryPartner, Participant, User

    with app.app_context():
        partners = dict(db.session.execute(select(DeliveryPartner.code, DeliveryPartner.id)).all())
        counts = dict(db.session.execute(
            select(DeliveryPartner.code, func.count(Participant.id))
            .join(Participant, Participant.partner_id == DeliveryPartner.id)
            .group_by(DeliveryPartner.code)).all())
        now = datetime.now()
        wanted = [(f"lead-{code.lower()}@bench.example", f"Lead {code}", "partner-lead", partners.get(code))
                  for code in ("DP001", "DP002")] + [("edt@bench.example", "EDT staff", "edt-staff", None)]
        for email, name, role, partner_id in wanted:
            if role == "partner-lead" and partner_id is None:
                continue  # a tiny run may have no participants for the partner, so no partner
            if db.session.scalar(select(User.id).where(User.email == email)) is None:
                create_user(email, name, role, now, password=PASSWORD, partner_id=partner_id)
        db.session.commit()
        return {code: counts.get(code, 0) for code in ("DP001", "DP002") if code in partners}


def _signed_in(app, email: str):
    """A test client signed in through the sign-in form, CSRF token included."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    response = client.post("/sign-in", data={"csrf_token": token.group(1), "email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email} failed ({response.status_code})")
    return client


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return response


def time_page(client, url: str, requests: int, warmups: int, before=None) -> dict:
    """`warmups` requests, then `requests` timed ones; first_ms is the first warm-up's time.

    before: called (untimed) before each request, e.g. to change the data version.
    """
    first = None
    for _ in range(warmups):
        if before:
            before()
        started = time.perf_counter()
        _get(client, url)
        first = time.perf_counter() - started if first is None else first
    wall, cpu = [], []
    for _ in range(requests):
        if before:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        _get(client, url)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    found = timings(wall, cpu)
    found["first_ms"] = None if first is None else first * 1000
    return found


def data_changed(app) -> None:
    """A new data version, as every commit that changes the data makes: the next view of a cached
    page (the dashboard) computes it again."""
    from tracker.extensions import db
    from tracker.models.version import mark_changed

    with app.app_context():
        mark_changed(db.session)
        db.session.commit()
        db.session.remove()


def count_queries(counter: QueryCounter, client, url: str) -> int:
    counter.statements, counter.counting = 0, True
    try:
        _get(client, url)
    finally:
        counter.counting = False
    return counter.statements


def _list_matches(app, code: str) -> int:
    """How many of the partner's participants the list filter matches, as the page computes it."""
    from tracker.engagement.filters import ParticipantFilters, apply
    from tracker.engagement.standing import participants_query, standings
    from tracker.models import DeliveryPartner

    with app.app_context():
        found = standings(date.fromisoformat(PAGES_AS_OF), participants_query().where(DeliveryPartner.code == code))
        return len(apply(found, ParticipantFilters.from_args(LIST_FILTER)))


def measure_pages(app) -> dict:
    """Time the pages and count their queries; `app` is the benchmark's app (its database is filled)."""
    from urllib.parse import urlencode

    from tracker.engagement.overview import partner_overview
    from tracker.extensions import db

    list_url = "/participants/?" + urlencode(LIST_FILTER)
    pages = {"dashboard": "/dashboard", "list": list_url}
    previous_today = app.config.get("TODAY")
    app.config["TODAY"] = PAGES_AS_OF
    counts = _users(app)
    with app.app_context():
        counter = QueryCounter(db.engine)
    figures: dict = {"as_of": PAGES_AS_OF, "list_url": list_url, "partners": {}}
    try:
        for code, participants in counts.items():
            if not participants:
                continue
            client = _signed_in(app, f"lead-{code.lower()}@bench.example")
            partner = figures["partners"][code] = {"participants": participants,
                                                   "list_matches": _list_matches(app, code)}
            for name, url in pages.items():
                _get(client, url)  # warm up before counting
                partner[name] = {"queries": count_queries(counter, client, url)}
                if code == "DP001":
                    partner[name].update(time_page(client, url, PAGE_REQUESTS, PAGE_WARMUPS))
            if code == "DP001":  # the dashboard is cached by the data version: also each view after a change
                partner["dashboard_changed"] = time_page(client, pages["dashboard"], PAGE_REQUESTS, PAGE_WARMUPS,
                                                         before=lambda: data_changed(app))

        edt = _signed_in(app, "edt@bench.example")
        for name, url in EDT_PAGES.items():
            figures[name] = time_page(edt, url, OVERVIEW_REQUESTS, OVERVIEW_WARMUPS)
            figures[name]["queries"] = count_queries(counter, edt, url)
        overview = figures["overview"]
        as_of = date.fromisoformat(PAGES_AS_OF)
        with app.app_context():
            wall, cpu = [], []
            for _ in range(OVERVIEW_REQUESTS):
                started, started_cpu = time.perf_counter(), time.process_time()
                partners = partner_overview(as_of)
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
                db.session.remove()
            overview["partners"] = len(partners)
            overview["participants"] = sum(p.participants for p in partners)
            overview["direct"] = timings(wall, cpu)
    finally:
        counter.close()
        app.config["TODAY"] = previous_today
    return figures


def dashboard_timing(app, code: str = SCALING_PARTNER) -> dict | None:
    """The partner lead's dashboard: PAGE_REQUESTS requests after PAGE_WARMUPS, each after a data change
    (computed, not from the cache); None without participants."""
    previous_today = app.config.get("TODAY")
    app.config["TODAY"] = PAGES_AS_OF
    try:
        counts = _users(app)
        if not counts.get(code):
            return None
        client = _signed_in(app, f"lead-{code.lower()}@bench.example")
        found = time_page(client, "/dashboard", PAGE_REQUESTS, PAGE_WARMUPS, before=lambda: data_changed(app))
        found["participants"] = counts[code]
        return found
    finally:
        app.config["TODAY"] = previous_today


def _form(page: str, action_end: str, page_url: str = "") -> tuple[str, str]:
    """(action, CSRF token) of the page's form whose action ends with action_end (a form
    without an action posts to page_url)."""
    for form in re.finditer(r"<form\b[^>]*>.*?</form>", page, re.S):
        found = re.search(r'<form\b[^>]*action="([^"]*)"', form.group(0))
        action = found.group(1) if found and found.group(1) else page_url
        if action.endswith(action_end):
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.group(0))
            return action, token.group(1) if token else ""
    raise RuntimeError(f"no form posting to ...{action_end}")


CLICK_SECONDS = 1.0  # from the click on Upload, or on Confirm, to the job's page


def measure_upload(app, path) -> dict:
    """EDT staff upload a credits file at /uploads, as a large file is: the click goes to the job's
    page at once (timed: click_seconds, the POST and the job page it leads to), the check runs as a
    worker would run it (here, in this process, after the click), and the job's page then shows the
    preview; confirming is timed the same way, to the job's page and then to the import done."""
    from huey.storage import MemoryStorage

    from tracker.extensions import db
    from tracker.jobs.runner import huey
    from tracker.models import CreditRecord

    saved = app.config.get("TODAY"), app.config["UPLOAD_JOB_BYTES"], huey.storage, huey.immediate
    app.config.update(TODAY=UPLOAD_TODAY, UPLOAD_JOB_BYTES=0)  # whatever the scale, it is a large file
    huey.storage, huey.immediate = MemoryStorage(huey.name), False  # queued for nobody: this process runs it
    try:
        _users(app)
        client = _signed_in(app, "edt@bench.example")
        action, token = _form(_get(client, "/uploads").get_data(as_text=True), "/uploads", "/uploads")
        started, started_cpu = time.perf_counter(), time.process_time()
        with open(path, "rb") as handle:
            response = client.post(action, data={"csrf_token": token, "kind": "credits", "file": (handle, path.name)},
                                   content_type="multipart/form-data")
        job_url = _job_page(response, f"upload of {path.name}")
        upload_seconds = time.perf_counter() - started
        _get(client, job_url)
        click_seconds = time.perf_counter() - started
        _run(app, job_url)
        preview = _get(client, job_url).get_data(as_text=True)
        preview_seconds = time.perf_counter() - started  # the click, the check with its dry-run recompute, the page
        preview_cpu = time.process_time() - started_cpu
        meets = re.search(r'id="meets-summary">([^<]*)<', preview)
        action, token = _form(preview, "/confirm")
        with app.app_context():
            before = db.session.scalar(select(func.count(CreditRecord.id)))
            db.session.remove()
        started, started_cpu = time.perf_counter(), time.process_time()
        job_url = _job_page(client.post(action, data={"csrf_token": token}), f"confirming {path.name}")
        _get(client, job_url)
        confirm_click_seconds = time.perf_counter() - started
        _run(app, job_url)
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        with app.app_context():
            created = db.session.scalar(select(func.count(CreditRecord.id))) - before
            db.session.remove()
        return {"file": path.name, "bytes": path.stat().st_size, "created": created, "seconds": seconds,
                "cpu_seconds": cpu, "upload_seconds": upload_seconds, "preview_seconds": preview_seconds,
                "preview_cpu_seconds": preview_cpu, "click_seconds": click_seconds,
                "confirm_click_seconds": confirm_click_seconds, "click_target_seconds": CLICK_SECONDS,
                "meets": " ".join(meets.group(1).split()) if meets else "(no summary on the preview)"}
    finally:
        today, app.config["UPLOAD_JOB_BYTES"], huey.storage, huey.immediate = saved
        app.config["TODAY"] = today


def _job_page(response, what: str) -> str:
    location = response.headers.get("Location", "")
    if response.status_code != 302 or not re.fullmatch(r"/jobs/\d+", location):
        raise RuntimeError(f"{what}: {response.status_code} {location} (not a job's page)")
    return location


def _run(app, job_url: str) -> None:
    """The job behind the page, run to its end as a worker would."""
    from tracker.extensions import db
    from tracker.jobs.work import execute
    from tracker.models import Job

    job_id = int(job_url.rpartition("/")[2])
    with app.app_context():
        execute(job_id)
        job = db.session.get(Job, job_id)
        state, error = job.state, job.error
        db.session.remove()
    if state != "done":
        raise RuntimeError(f"job {job_id}: {state}: {error}")


def measure_report(app, partner_code: str = "DP002", repeats: int = REPORT_REPEATS) -> dict | None:
    """bench.report_bench.measure for the partner, or None when it has no participants."""
    from tracker.extensions import db
    from tracker.models import DeliveryPartner, Participant

    from .report_bench import measure

    with app.app_context():
        participants = db.session.scalar(select(func.count(Participant.id)).join(DeliveryPartner)
                                         .where(DeliveryPartner.code == partner_code))
        if not participants:
            return None
        try:
            result = measure(partner_code, REPORT_MEETING, repeats=repeats)
        finally:
            db.session.remove()
    render = result["render_only_cpu_seconds"]
    result["cpu_ratio"] = round(result["report_cpu_seconds"] / render, 3) if render else None
    result["repeats"] = repeats
    return result
