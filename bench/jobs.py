"""The job runner under load (issue 18, "Speed"), on the benchmark database once it is filled.

`make serve` (gunicorn with the production settings) on a loopback port, and `make worker` beside
it (Huey's consumer, JOB_WORKERS worker processes) with the same environment and a queue file of
its own. DP002's partner lead, signed in through the form:

0. warm-up, as a server that has been up a while: a report job for each worker process (they load
   fonts and templates once), and each page timed below served by each of gunicorn's workers;
1. quiet: /health polled every HEALTH_EVERY seconds, and the lead's dashboard timed, each request
   after a data change (computed, not from the cache), with the workers idle;
2. JOB_REPORTS partnership reports (DP002, a meeting date each) asked for at once, from as many
   threads, as the issue's facilitator did: each click is the report's GET returning its redirect,
   then the job's page answering it (a click's time is both);
3. while the jobs run, /health still polled (a poll with no answer within MISS_SECONDS is a miss)
   and the dashboard timed again, until every job is done or failed; the first EMAIL_CLICKS times
   round, the lead also sends next-step emails to one participant (a job each, through an SMTP
   server on loopback that accepts everything): Send's POST to its redirect, then the batch's page;
   and as the reports start, EDT staff upload two large credits files (the bench's upload file, its
   heading written two other ways so that each is a file of its own), checked by jobs beside the
   reports, as the issue asks ("16 reports and two large uploads under way").

Reported: /health p50/p99 and misses during the jobs (and quiet), the dashboard's median during
the jobs against quiet, both kinds of click's p50/p95, and how long the reports took to all
finish, against JOB_REPORTS / JOB_WORKERS reports one after another (the report's time alone,
bench.report_bench).
"""
from __future__ import annotations

import contextlib
import html
import re
import statistics
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from .load import _free_port, made, serve_env, serving, sign_in
from .pages import REPORT_MEETING, _users, data_changed, percentile
from .run import JOB_REPORTS, BenchmarkFailed, _load

JOB_WORKERS = 2
HEALTH_EVERY = 0.25
MISS_SECONDS = 1.0  # a poll of /health with no answer within this is a miss
QUIET_REQUESTS, WARMUPS = 10, 8  # warm-ups: each of gunicorn's 4 workers serves a page before the timing
FINISH_SECONDS = 600.0  # the jobs not all finished by then: the benchmark fails
PARTNER = "DP002"
HEALTH_P99_MS = 1000.0
DASHBOARD_RATIO = 2.0  # the dashboard during the jobs against quiet (medians)
CLICK_P95_MS = 1000.0  # a click to the job's page, JOB_REPORTS at once
SEND_P95_MS = 500.0  # Send of next-step emails to its page, one at a time while the reports run
EMAIL_CLICKS = 8
EMAIL_CANDIDATES = 100  # DP002's first participants, some of whom have no next step to be emailed
FINISH_RATIO = 1.5  # all the jobs done, against JOB_REPORTS / JOB_WORKERS reports made one after another


class JobsFailed(BenchmarkFailed):
    pass


class Health(threading.Thread):
    """Polls /health every HEALTH_EVERY seconds until stopped: (when, seconds or None for a miss)."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base, self.polls, self.stopping = base, [], threading.Event()

    def run(self) -> None:
        import httpx

        with httpx.Client(base_url=self.base, timeout=MISS_SECONDS) as client:
            due = time.perf_counter()
            while not self.stopping.is_set():
                started = time.perf_counter()
                try:
                    answered = client.get("/health").status_code == 200
                except httpx.HTTPError:
                    answered = False
                seconds = time.perf_counter() - started
                self.polls.append((started, seconds if answered and seconds <= MISS_SECONDS else None))
                due += HEALTH_EVERY
                time.sleep(max(0.0, due - time.perf_counter()))

    def between(self, start: float, end: float) -> dict:
        polls = [seconds for at, seconds in self.polls if start <= at < end]
        misses = sum(1 for seconds in polls if seconds is None)
        every = [MISS_SECONDS if seconds is None else seconds for seconds in polls]
        return {"polls": len(polls), "misses": misses, "p50_ms": percentile(every, 0.5) * 1000,
                "p99_ms": percentile(every, 0.99) * 1000, "max_ms": max(every) * 1000}


def _ms(values: list[float]) -> dict:
    return {"requests": len(values), "median_ms": statistics.median(values) * 1000,
            "p95_ms": percentile(values, 0.95) * 1000, "max_ms": max(values) * 1000}


def _dashboard(app, client) -> float:
    """The lead's dashboard after a data change, in seconds."""
    data_changed(app)
    started = time.perf_counter()
    response = client.get("/dashboard")
    if response.status_code != 200:
        raise JobsFailed(f"GET /dashboard: {response.status_code}")
    return time.perf_counter() - started


def _click(base: str, cookies, meeting: str, ready: threading.Barrier, clicks: list) -> None:
    """The report's GET to its redirect, then the job's page: (redirect seconds, page seconds, job id)."""
    import httpx

    with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
        ready.wait()
        started = time.perf_counter()
        response = client.get(f"/reports/partnership.pdf?partner={PARTNER}&date={meeting}")
        redirected = time.perf_counter()
        location = response.headers.get("Location", "")
        if response.status_code != 302 or "/jobs/" not in location:
            clicks.append(JobsFailed(f"the report for {meeting}: {response.status_code} {location}"))
            return
        page = client.get(location)
        answered = time.perf_counter()
        if page.status_code != 200:
            clicks.append(JobsFailed(f"{location}: {page.status_code}"))
            return
        clicks.append((redirected - started, answered - redirected, int(location.rstrip("/").rsplit("/", 1)[1])))


def _states(app, ids: list[int]) -> dict[str, int]:
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import Job

    with app.app_context():
        states = dict(db.session.execute(select(Job.state, func.count(Job.id)).where(Job.id.in_(ids))
                                         .group_by(Job.state)).all())
        db.session.remove()
    return states


def _failures(app, ids: list[int]) -> list[str]:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Job

    with app.app_context():
        errors = db.session.scalars(select(Job.error).where(Job.id.in_(ids), Job.state == "failed")).all()
        db.session.remove()
    return [str(e) for e in errors[:3]]


@contextlib.contextmanager
def _mail_sink():
    """An SMTP server on loopback that accepts every message and keeps none (aiosmtpd); yields its port."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def _participants(app, count: int) -> list[str]:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import DeliveryPartner, Participant

    with app.app_context():
        refs = db.session.scalars(select(Participant.participant_id).join(DeliveryPartner)
                                  .where(DeliveryPartner.code == PARTNER).order_by(Participant.participant_id)
                                  .limit(count)).all()
        db.session.remove()
    return list(refs)


def _send(app, client, ref: str) -> tuple[float, float, int] | None:
    """Next-step emails to one participant: the compose page (untimed), then Send's POST to its redirect and
    the batch's page: (redirect seconds, page seconds, job id); None when they cannot be emailed."""
    from tracker.extensions import db
    from tracker.models import EmailBatch

    page = client.get(f"/emails/new?participant={ref}").text
    form = re.search(r'<form\b[^>]*id="send-form".*?</form>', page, re.S)
    if form is None:
        return None  # nothing to send them (no next step as of today, or no address): the next one
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input\b[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(0)):
        fields.setdefault(name, []).append(html.unescape(value))
    started = time.perf_counter()
    response = client.post("/emails/send", data=fields)
    redirected = time.perf_counter()
    location = response.headers.get("Location", "")
    if response.status_code != 302 or "/emails/sent/" not in location:
        raise JobsFailed(f"sending to {ref}: {response.status_code} {location}")
    sent = client.get(location)
    answered = time.perf_counter()
    if sent.status_code != 200:
        raise JobsFailed(f"{location}: {sent.status_code}")
    with app.app_context():
        job_id = db.session.get(EmailBatch, int(location.rstrip("/").rsplit("/", 1)[1])).job_id
        db.session.remove()
    return redirected - started, answered - redirected, job_id


def _clicked(base: str, cookies, meetings: list, clicks: list) -> list[int]:
    """Each meeting's report asked for at once, from a thread each; the jobs' ids."""
    ready = threading.Barrier(len(meetings))
    threads = [threading.Thread(target=_click, args=(base, cookies, meeting.isoformat(), ready, clicks))
               for meeting in meetings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [c for c in clicks if isinstance(c, Exception)]
    if refused:
        raise refused[0]
    ids = [job_id for _, _, job_id in clicks]
    if len(set(ids)) != len(meetings):
        raise JobsFailed(f"{len(meetings)} reports asked for made {len(set(ids))} jobs")
    return ids


def _finished(app, ids: list[int], meanwhile: Callable[[], None]) -> dict[str, int]:
    """Waits for every job of `ids` to be done or failed, calling `meanwhile` between looks; their states."""
    began = time.perf_counter()
    while True:
        states = _states(app, ids)
        if states.get("done", 0) + states.get("failed", 0) == len(ids):
            return states
        if time.perf_counter() - began > FINISH_SECONDS:
            raise JobsFailed(f"the {len(ids)} report jobs were not all finished after {FINISH_SECONDS:g} s: {states}")
        meanwhile()
        time.sleep(HEALTH_EVERY)


def _warm_up(app, base: str, lead) -> None:
    """As a server that has been up a while: each worker process has made a report (fonts, templates), and
    each of gunicorn's workers has served the pages timed (a job's page: one of those reports')."""
    ids = _clicked(base, lead.cookies, [REPORT_MEETING + timedelta(weeks=n + 1) for n in range(JOB_WORKERS)], [])
    for page in ("/reports/", f"/jobs/{ids[0]}", "/dashboard"):
        for _ in range(WARMUPS):
            lead.get(page)
    _finished(app, ids, lambda: None)


def _uploads(base: str, upload: Path, workdir: Path) -> list[int]:
    """EDT staff upload two copies of the credits file, each its own file (the heading written in capitals,
    then with spaces): the ids of the jobs that check them."""
    import httpx

    heading, _, rows = upload.read_bytes().partition(b"\n")
    ids = []
    with httpx.Client(base_url=base, timeout=60) as edt:
        sign_in(edt, "edt@bench.example")
        for n, written in enumerate((heading.upper(), heading.replace(b"_", b" "))):
            copy = workdir / f"large-upload-{n + 1}.csv"
            copy.write_bytes(written + b"\n" + rows)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', edt.get("/uploads").text)
            with copy.open("rb") as handle:
                response = edt.post("/uploads", data={"csrf_token": token.group(1) if token else "", "kind": "credits"},
                                    files={"file": (copy.name, handle, "text/csv")})
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not re.fullmatch(r"/jobs/\d+", location):
                raise JobsFailed(f"the large upload {copy.name}: {response.status_code} {location}")
            ids.append(int(location.rsplit("/", 1)[1]))
    return ids


def measure_jobs(app, url: str, workdir: Path, name: str, reports: int = JOB_REPORTS,
                 upload: Path | None = None) -> dict:
    """The measures above on the database of `url` (filled, with DP002's participants); `app` is bound to it."""
    import httpx

    _users(app)
    port = _free_port()
    figures: dict = {"reports": reports, "workers": JOB_WORKERS, "partner": PARTNER, "load_start": _load()}
    with contextlib.ExitStack() as stack:
        mail_port = stack.enter_context(_mail_sink())
        env = serve_env(url, port, JOBS_URL=f"sqlite:///{workdir / f'jobs-{name}.db'}", JOB_WORKERS=str(JOB_WORKERS),
                        MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail_port), MAIL_DEFAULT_SENDER="npq@bench.example",
                        UPLOAD_JOB_BYTES="0")  # the uploads below are large whatever the scale
        base = stack.enter_context(serving(url, port, workdir / f"serve-jobs-{name}.log", env))
        stack.enter_context(made("worker", env, workdir / f"worker-{name}.log"))
        lead = stack.enter_context(httpx.Client(base_url=base, timeout=60))
        sign_in(lead, f"lead-{PARTNER.lower()}@bench.example")
        _warm_up(app, base, lead)
        health = Health(base)
        health.start()
        stack.callback(health.join)
        stack.callback(health.stopping.set)

        quiet_start = time.perf_counter()
        quiet = [_dashboard(app, lead) for _ in range(QUIET_REQUESTS)]
        time.sleep(max(0.0, quiet_start + 10 * HEALTH_EVERY - time.perf_counter()))  # ten polls at least
        clicked = time.perf_counter()
        figures["health_quiet"] = health.between(quiet_start, clicked)

        clicks: list = []
        ids = _clicked(base, lead.cookies, [REPORT_MEETING - timedelta(weeks=n) for n in range(reports)], clicks)
        uploads = _uploads(base, upload, workdir) if upload is not None else []
        during: list[float] = []
        emails = iter(_participants(app, EMAIL_CANDIDATES))
        sends: list[tuple[float, float, int]] = []

        def meanwhile() -> None:
            during.append(_dashboard(app, lead))
            while len(sends) < EMAIL_CLICKS and (ref := next(emails, None)) is not None:
                if sent := _send(app, lead, ref):
                    sends.append(sent)
                    return

        meanwhile()  # one Send at least, however quick the reports
        states = _finished(app, ids, meanwhile)
        finished = time.perf_counter()
        if not sends:
            raise JobsFailed(f"none of {PARTNER}'s first {EMAIL_CANDIDATES} participants could be emailed")
        sent = _finished(app, [job_id for _, _, job_id in sends], lambda: None)
        checked = _finished(app, uploads, lambda: None)

    figures["finish_seconds"] = finished - clicked
    figures["failed"] = states.get("failed", 0)
    figures["errors"] = _failures(app, ids) if figures["failed"] else []
    figures["health"] = health.between(clicked, finished)
    figures["dashboard_quiet"] = _ms(quiet)
    figures["dashboard_during"] = _ms(during)
    figures["dashboard_ratio"] = figures["dashboard_during"]["median_ms"] / figures["dashboard_quiet"]["median_ms"]
    figures["click_redirect"] = _ms([c[0] for c in clicks])
    figures["click_page"] = _ms([c[1] for c in clicks])
    figures["click"] = _ms([c[0] + c[1] for c in clicks])
    figures["send_redirect"] = _ms([c[0] for c in sends])
    figures["send_page"] = _ms([c[1] for c in sends])
    figures["send"] = _ms([c[0] + c[1] for c in sends])
    figures["send_failed"] = sent.get("failed", 0)
    figures["uploads"], figures["uploads_failed"] = len(uploads), checked.get("failed", 0)
    figures["load_end"] = _load()
    return figures


def print_jobs(f: dict | None, out: Callable[[str], None], report_seconds: float | None = None) -> None:
    if f is None:
        out("  report jobs: not measured (DP002 has no participants at this scale)")
        return
    h, q = f["health"], f["health_quiet"]
    alone = f" (one report alone {report_seconds:.2f} s)" if report_seconds else ""
    out(f"  {f['reports']} partnership-report jobs for {f['partner']} asked for at once, {f['workers']} worker processes "
        f"(make worker) beside make serve: all finished in {f['finish_seconds']:.1f} s{alone}, {f['failed']} failed")
    for error in f["errors"]:
        out(f"    ! {error}")
    out(f"  /health every {HEALTH_EVERY * 1000:.0f} ms during the jobs: {h['polls']} polls, p50 {h['p50_ms']:.0f} ms, "
        f"p99 {h['p99_ms']:.0f} ms, max {h['max_ms']:.0f} ms, {h['misses']} misses (no answer within "
        f"{MISS_SECONDS:g} s); quiet: {q['polls']} polls, p50 {q['p50_ms']:.0f} ms, p99 {q['p99_ms']:.0f} ms, "
        f"{q['misses']} misses")
    d, dq = f["dashboard_during"], f["dashboard_quiet"]
    out(f"  {f['partner']} lead's dashboard, each after a data change: during the jobs {d['requests']} requests, median "
        f"{d['median_ms']:.0f} ms, p95 {d['p95_ms']:.0f} ms; quiet {dq['requests']} requests, median "
        f"{dq['median_ms']:.0f} ms, p95 {dq['p95_ms']:.0f} ms: {f['dashboard_ratio']:.2f}x")
    for key, label, page in (("click", f"report GETs, {f['reports']} at once", "the job's page"),
                             ("send", "next-step emails' Send, one at a time while the reports run",
                              "the batch's page")):
        c, r, p = f[key], f[f"{key}_redirect"], f[f"{key}_page"]
        out(f"  a click to the job's page, {label}: {c['requests']} clicks, p50 {c['median_ms']:.0f} ms, p95 "
            f"{c['p95_ms']:.0f} ms (to its redirect p50 {r['median_ms']:.0f} / p95 {r['p95_ms']:.0f} ms, {page} "
            f"p50 {p['median_ms']:.0f} / p95 {p['p95_ms']:.0f} ms)")
    out(f"  the {f['send']['requests']} next-step email jobs: {f['send_failed']} failed")
    if f.get("uploads"):
        out(f"  {f['uploads']} large credits uploads by EDT, checked by jobs beside the reports: "
            f"{f['uploads_failed']} failed")
    out(f"  {f['load_start']} at the start, {f['load_end']} at the end")
