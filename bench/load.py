"""`make bench-load`: the production server under many signed-in users, on PostgreSQL and SQLite.

For each database: a fresh database with the benchmark's dataset (bench.dataset, BENCH_SCALE
of national size) imported through the real importers, then `make serve` (gunicorn, the
production settings) on a loopback port, and for each number of users (10, then 50) that
many users signed in through the sign-in form, each in a thread of its own with its own
cookies, requesting pages for LOAD_SECONDS (bounded loops: a deadline and a request cap):

- partner leads (four in five users, each of another partner): their dashboard, their
  participant list (a filter or a page at random), one of their own participants' pages, and
  now and then another partner's participant page, which must be a 404;
- EDT staff: the overview, the dashboard, the participant list and any participant's page.

A cross-partner read is a partner lead's response that names a participant of another
partner (any participant ID on the page is looked up), or another partner's participant page
answered with anything but 404. An error is a 5xx, a connection failure or an unexpected
status. Reported per database and number of users: requests per second, p50/p95/p99 per page,
errors and cross-partner reads; targets: 0 errors and 0 cross-partner reads at 50 users, p95
under 300 ms at 10 users.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import dataset, postgres
from .pages import PAGES_AS_OF, PASSWORD, percentile
from .run import _fresh_app, _load

ROOT = Path(__file__).resolve().parents[1]
USERS = (10, 50)
LOAD_SECONDS = 60.0
MAX_REQUESTS_PER_USER = 5_000
EDT_SHARE = 5  # one user in five is EDT staff
P95_MS = 300.0
REF = re.compile(r"\bP\d{6}\b")
FILTERS = ({}, {"escalation": "escalated"}, {"escalation": "window"}, {"status": "not-met"}, {"course": "NPQSL"},
           {"cohort": "3"}, {"page": "2"}, {"q": "Smith"})


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    cross_partner: list[str] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float) -> None:
        with self.lock:
            self.times[page].append(seconds)
            self.requests += 1

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def leak(self, text: str) -> None:
        with self.lock:
            self.cross_partner.append(text)


def _ticks(pid: int) -> float:
    """CPU seconds of a process and of its children it has waited for (/proc/PID/stat)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(n) for n in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _group_cpu(pgid: int) -> float:
    """CPU seconds of every live process of a process group (a `make serve`: gunicorn's master, whose
    reaped workers count in its children's time, and its workers)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError):
                if os.getpgid(int(entry)) == pgid:
                    total += _ticks(int(entry))
    return total


def _postgres_cpu(url: str) -> float | None:
    """CPU seconds of the PostgreSQL cluster bench started (its postmaster and backends), None elsewhere."""
    folder = os.environ.get("BENCH_PG_DIR", postgres.DEFAULT_DIR)
    if not url.startswith("postgresql"):
        return None
    try:
        with open(Path(folder) / "postmaster.pid", encoding="ascii") as handle:
            master = int(handle.readline())
    except (OSError, ValueError):
        return None
    total = _ticks(master)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError):
                with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == master:
                        total += _ticks(int(entry))
    return total


def _cpu_now(servers: list[int], url: str) -> dict[str, float | None]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"client": usage.ru_utime + usage.ru_stime, "server": sum(_group_cpu(pgid) for pgid in servers),
            "database": _postgres_cpu(url)}


def profile_summary(path: Path, since: int = 0) -> tuple[dict, int]:
    """The per-request lines TRACKER_PROFILE wrote (tracker/web/profile.py) from byte SINCE on, per page:
    medians of wall, CPU, SQL, statements, writes, pool checkout, before the view (session check), template;
    and per cached name, how many times each worker computed it."""
    import json

    if not path.exists():
        return {}, since
    with open(path, encoding="utf-8") as handle:
        handle.seek(since)
        lines = [json.loads(line) for line in handle if line.strip()]
        end = handle.tell()
    pages: dict[str, list[dict]] = defaultdict(list)
    computed: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        pages[line["endpoint"] or "?"].append(line)
        for name, outcome, _ms in line["cache"]:
            if outcome == "miss":
                computed[name][line["pid"]] += 1
    fields = ("wall_ms", "cpu_ms", "sql_ms", "statements", "writes", "checkout_ms", "before_view_ms", "template_ms")
    summary = {page: {"requests": len(rows), **{f: percentile([r[f] for r in rows], 0.5) for f in fields},
                      "wall_p95_ms": percentile([r["wall_ms"] for r in rows], 0.95),
                      "cache_ms": percentile([sum(c[2] for c in r["cache"]) for r in rows], 0.5),
                      "cache_ms_max": max(sum(c[2] for c in r["cache"]) for r in rows)}
               for page, rows in sorted(pages.items())}
    return {"pages": summary, "computed": {name: dict(per) for name, per in computed.items()}}, end


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fill(url: str, files: dataset.DatasetFiles, out) -> dict[str, str]:
    """Import the dataset; returns participant ID -> partner code."""
    from .imports import import_in_child

    _fresh_app(url)
    for kind, path in files.imports():
        stats = import_in_child(url, kind, path)
        if stats.errors:
            raise RuntimeError(f"import of {path.name} refused: {stats.errors[:3]}")
        out(f"  imported {path.name}: {stats.rows:,} rows in {stats.seconds:.1f} s")
    owners = {}
    for stage in files.stages:
        with open(stage.participants, encoding="utf-8") as handle:
            next(handle)
            for line in handle:
                ref, _, _, partner, *_ = line.split(",")
                owners[ref] = partner
    return owners


def make_users(url: str, leads: list[str], edt: int) -> list[tuple[str, str | None]]:
    """(email, partner code or None for EDT staff), created with the benchmark password."""
    from datetime import datetime

    from sqlalchemy import select

    from tracker import create_app
    from tracker.accounts.users import create_user
    from tracker.extensions import db
    from tracker.models import DeliveryPartner, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    users = [(f"load-lead-{code.lower()}@bench.example", code) for code in leads]
    users += [(f"load-edt-{n}@bench.example", None) for n in range(edt)]
    with app.app_context():
        partners = dict(db.session.execute(select(DeliveryPartner.code, DeliveryPartner.id)).all())
        for email, code in users:
            if db.session.scalar(select(User.id).where(User.email == email)) is None:
                create_user(email, email.split("@")[0], "partner-lead" if code else "edt-staff", datetime.now(),
                            password=PASSWORD, partner_id=partners[code] if code else None)
        db.session.commit()
        db.engine.dispose()
    return users


def serve_env(url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of `make serve` (and of `make worker` beside it) on the benchmark database, on the real
    clock: a job worker's waits must run out, which they never do under libfaketime."""
    env = {k: v for k, v in os.environ.items() if not (k.startswith("FAKETIME") or
                                                       (k == "LD_PRELOAD" and "faketime" in v))}
    env.update(DATABASE_URL=url, PORT=str(port), SECRET_KEY=secrets.token_hex(32), TRACKER_TODAY=PAGES_AS_OF,
               **extra)  # WEB_CONCURRENCY and WEB_THREADS: gunicorn.conf.py's defaults unless set
    return env


@contextlib.contextmanager
def made(target: str, env: dict[str, str], log: Path):
    """`make TARGET` with env, its output in log, in a process group of its own; stopped at the end."""
    with open(log, "wb") as handle:
        process = subprocess.Popen(["make", "-s", "--no-print-directory", target], cwd=ROOT, env=env, stdout=handle,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def serving(url: str, port: int, log: Path, env: dict[str, str] | None = None):
    """`make serve` (gunicorn with the production settings) on 127.0.0.1:port; stopped at the end."""
    with made("serve", env or serve_env(url, port), log) as server:
        _wait_for(port, server)
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def servers(url: str, count: int, workdir: Path, name: str, **extra: str):
    """COUNT `make serve` instances over the same database, each on a port of its own; yields
    [(base URL, process group)]."""
    with contextlib.ExitStack() as stack:
        found = []
        for n in range(count):
            port = _free_port()
            server = stack.enter_context(made("serve", serve_env(url, port, **extra), workdir / f"serve-{name}-{n}.log"))
            _wait_for(port, server)
            found.append((f"http://127.0.0.1:{port}", server.pid))
        yield found


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}) before answering")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer on port {port} within {seconds:.0f} s")


def sign_in(client, email: str) -> None:
    page = client.get("/sign-in").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    response = client.post("/sign-in", data={"csrf_token": token.group(1) if token else "", "email": email,
                                             "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email}: {response.status_code}")


def _query(args: dict[str, str]) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in args.items()) if args else ""


class User:
    def __init__(self, base: str, email: str, partner: str | None, owners: dict[str, str],
                 by_partner: dict[str, list[str]], tally: Tally, seed: int):
        import httpx

        self.client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
        self.email, self.partner, self.owners, self.by_partner = email, partner, owners, by_partner
        self.tally, self.rng = tally, random.Random(seed)
        self.everyone = list(owners)
        self.steps = 0

    def request(self, page: str, url: str, expected: int = 200):
        started = time.perf_counter()
        try:
            response = self.client.get(url)
        except Exception as error:  # noqa: BLE001 (a failure to count, whatever it is)
            self.tally.error(f"{page} {url}: {type(error).__name__}: {error}")
            return None
        self.tally.add(page, time.perf_counter() - started)
        if response.status_code != expected:
            self.tally.error(f"{page} {url}: {response.status_code} (expected {expected})")
            return None
        return response

    def check_own(self, page: str, url: str, text: str) -> None:
        for ref in set(REF.findall(text)):
            owner = self.owners.get(ref)
            if owner is not None and owner != self.partner:
                self.tally.leak(f"{self.email} saw {ref} of {owner} on {url}")

    def step(self) -> None:
        """One request; a user's first requests visit each of their pages once, then at random."""
        rng = self.rng
        self.steps += 1
        if self.partner is None:
            pages = ("overview", "dashboard", "participants", "participant")
            choice = pages[self.steps - 1] if self.steps <= len(pages) else rng.choice(pages)
            if choice == "overview":
                self.request("overview", "/overview")
            elif choice == "dashboard":
                self.request("dashboard", "/dashboard")
            elif choice == "participants":
                query = rng.choice(FILTERS)
                self.request("participants", "/participants/" + _query(query))
            else:
                self.request("participant", f"/participants/{rng.choice(self.everyone)}")
            return
        pages = ("dashboard", "participants", "participant", "other")
        choice = pages[self.steps - 1] if self.steps <= len(pages) else \
            rng.choice(("dashboard", "participants", "participant", "participant", "other"))
        own = self.by_partner[self.partner]
        if choice == "dashboard":
            url = "/dashboard"
        elif choice == "participants":
            query = rng.choice(FILTERS)
            url = "/participants/" + _query(query)
        elif choice == "participant":
            url = f"/participants/{rng.choice(own)}"
        else:
            other = rng.choice(self.everyone)
            while self.owners[other] == self.partner:
                other = rng.choice(self.everyone)
            started = time.perf_counter()
            try:
                response = self.client.get(f"/participants/{other}")
            except Exception as error:  # noqa: BLE001
                self.tally.error(f"other {other}: {type(error).__name__}: {error}")
                return
            self.tally.add("participant", time.perf_counter() - started)
            if response.status_code == 200:
                self.tally.leak(f"{self.email} opened {other} of {self.owners[other]}: 200")
            elif response.status_code != 404:
                self.tally.error(f"other participant {other}: {response.status_code} (expected 404)")
            return
        response = self.request(choice, url)
        if response is not None:
            self.check_own(choice, url, response.text)

    def run(self, deadline: float) -> None:
        for _ in range(MAX_REQUESTS_PER_USER):
            if time.perf_counter() >= deadline:
                break
            self.step()
        self.client.close()


def load(base: str | list[str], users: list[tuple[str, str | None]], owners: dict[str, str], seconds: float,
         cpu=None) -> dict:
    """USERS signed in and requesting pages for SECONDS, spread over the servers BASE (one or a list);
    CPU() -> {"client", "server", "database": CPU seconds so far} measures who spent what."""
    bases = [base] if isinstance(base, str) else base
    by_partner: dict[str, list[str]] = defaultdict(list)
    for ref, partner in owners.items():
        by_partner[partner].append(ref)
    tally = Tally()
    people = [User(bases[seed % len(bases)], email, partner, owners, by_partner, tally, seed)
              for seed, (email, partner) in enumerate(users)]
    for person in people:
        sign_in(person.client, person.email)
    cpu_before = cpu() if cpu else {}
    load_before = _load()
    started = time.perf_counter()
    deadline = started + seconds
    threads = [threading.Thread(target=person.run, args=(deadline,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu_after = cpu() if cpu else {}
    spent = {who: (cpu_after[who] - cpu_before[who]) / elapsed for who in cpu_after
             if cpu_after[who] is not None and cpu_before.get(who) is not None}
    pages = {}
    for page, times in sorted(tally.times.items()):
        pages[page] = {"requests": len(times), "p50_ms": percentile(times, 0.5) * 1000,
                       "p95_ms": percentile(times, 0.95) * 1000, "p99_ms": percentile(times, 0.99) * 1000}
    every = [t for times in tally.times.values() for t in times]
    return {"users": len(users), "seconds": elapsed, "requests": tally.requests,
            "per_second": tally.requests / elapsed if elapsed else 0.0, "pages": pages,
            "all": {"p50_ms": percentile(every, 0.5) * 1000, "p95_ms": percentile(every, 0.95) * 1000,
                    "p99_ms": percentile(every, 0.99) * 1000} if every else {},
            "errors": len(tally.errors), "error_samples": tally.errors[:5],
            "cross_partner": len(tally.cross_partner), "cross_partner_samples": tally.cross_partner[:5],
            "load": _load(), "load_before": load_before, "cpu": spent, "servers": len(bases)}


def users_for(count: int, owners: dict[str, str]) -> list[tuple[str, str | None]]:
    partners = sorted(set(owners.values()))
    edt = max(1, count // EDT_SHARE)
    return [(f"load-lead-{code.lower()}@bench.example", code) for code in partners[: count - edt]] + \
        [(f"load-edt-{n}@bench.example", None) for n in range(edt)]


def build_pages(url: str) -> float:
    """What production does after an import (the job kind "build-pages"): EDT's pages and every partner's
    dashboard and list computed and kept for every worker; run here as that job, in a child process.
    Returns the seconds it took."""
    code = ("import sys\nfrom tracker import create_app\nfrom tracker.clock import today\n"
            "from tracker.jobs.kinds import BUILD_PAGES\nfrom tracker.jobs.work import run_here\n"
            "app = create_app({'SQLALCHEMY_DATABASE_URI': sys.argv[1]})\n"
            "with app.app_context():\n"
            "    job, _ = run_here(BUILD_PAGES, {'today': today().isoformat(), 'why': 'the benchmark import'},"
            " actor='bench')\n"
            "    assert job.state == 'done', job.error\n")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, url], check=True, cwd=ROOT, env=serve_env(url, 0))
    return time.perf_counter() - started


def workers() -> str:
    """gunicorn's workers and threads per worker, as gunicorn.conf.py reads them."""
    count = os.environ.get("WEB_CONCURRENCY") or str(os.cpu_count())
    threads = os.environ.get("WEB_THREADS") or "4"
    return f"{count} workers x {threads} threads" if threads != "1" else f"{count} sync workers"


def owners_in(url: str) -> dict[str, str]:
    """Participant ID -> partner code, read from a filled database (BENCH_LOAD_URL)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(text(
                "SELECT p.participant_id, d.code FROM participant p JOIN delivery_partner d ON d.id = p.partner_id")).all())
    finally:
        engine.dispose()


def run(participants: int, databases: list[str], seconds: float, workdir: Path, out=print,
        users: tuple[int, ...] = USERS, servers_per_database: tuple[int, ...] = (1,), profile: bool = False,
        database_url: str | None = None) -> dict:
    """The benchmark; DATABASE_URL: an already filled database (owners read from it) rather than a fresh one."""
    from tracker.engagement.book import Book

    out(f"load benchmark: {participants:,} participants, {', '.join(databases)}, users {users}, {seconds:g} s each, "
        f"{workers()} per server, servers {servers_per_database}; "
        f"{os.cpu_count()} CPUs, {_load()}")
    files = None
    if database_url is None:
        app = _fresh_app("sqlite:///" + str(workdir / "reference.db"))
        scale = participants / dataset.FULL_PARTICIPANTS
        with app.app_context():
            files = dataset.generate(workdir / "data", Book(), participants, 2025,
                                     max(1, round(dataset.CREDITS_PER_FILE * scale)))
    figures: dict = {"participants": participants, "users": users, "databases": {}}
    for name in databases:
        with contextlib.ExitStack() as stack:
            if database_url is not None:
                url = database_url
                owners = owners_in(url)
            else:
                url = stack.enter_context(postgres.started()) if name == "postgresql" else \
                    "sqlite:///" + str(workdir / "load.db")
                out(f"\n=== {name}: filling the database ===")
                owners = fill(url, files, out)
            biggest = users_for(max(users), owners)
            make_users(url, [code for _, code in biggest if code], sum(1 for _, code in biggest if code is None))
            if os.environ.get("LOAD_BUILD", "1") != "0":
                out(f"  pages built by the job run after an import in {build_pages(url):.1f} s ({_load()})")
            for count_servers in servers_per_database:
                trace = workdir / f"profile-{name}-{count_servers}.jsonl"
                extra = {"TRACKER_PROFILE": str(trace)} if profile else {}
                with servers(url, count_servers, workdir, name, **extra) as running:
                    bases = [base for base, _ in running]
                    out(f"serving on {', '.join(bases)} ({_load()})")
                    since = 0
                    for count in users:
                        result = load(bases, users_for(count, owners), owners, seconds,
                                      cpu=lambda: _cpu_now([pgid for _, pgid in running], url))
                        if profile:
                            result["profile"], since = profile_summary(trace, since)
                        label = name if count_servers == 1 else f"{name} x{count_servers}"
                        figures["databases"].setdefault(label, {})[count] = result
                        _print(label, result, out)
    _summary(figures, out)
    return figures


def _print(name: str, r: dict, out) -> None:
    out(f"  {name}, {r['users']} users: {r['requests']:,} requests in {r['seconds']:.0f} s, "
        f"{r['per_second']:.1f} req/s; errors {r['errors']}, cross-partner reads {r['cross_partner']}; {r['load']}")
    for page, p in r["pages"].items():
        out(f"    {page:<13}{p['requests']:>7,} requests  p50 {p['p50_ms']:>6.0f} ms  p95 {p['p95_ms']:>6.0f} ms  "
            f"p99 {p['p99_ms']:>6.0f} ms")
    if r.get("cpu"):
        out("    CPU (cores busy over the run): " + ", ".join(f"{who} {value:.2f}" for who, value in r["cpu"].items())
            + f"; {r['load_before']} before")
    for page, p in r.get("profile", {}).get("pages", {}).items():
        out(f"    profile {page:<22} n {p['requests']:>5}  wall {p['wall_ms']:>6.0f}  cpu {p['cpu_ms']:>5.0f}  "
            f"sql {p['sql_ms']:>5.0f} ms in {p['statements']:>3} statements ({p['writes']} writes)  "
            f"checkout {p['checkout_ms']:>4.1f}  before view {p['before_view_ms']:>5.1f}  "
            f"template {p['template_ms']:>5.0f}  cache {p['cache_ms']:>5.0f} (max {p['cache_ms_max']:.0f}) ms (medians)")
    for cached_name, per in r.get("profile", {}).get("computed", {}).items():
        out(f"    computed {cached_name}: " + ", ".join(f"worker {pid} {n}x" for pid, n in sorted(per.items())))
    for sample in r["error_samples"] + r["cross_partner_samples"]:
        out(f"    ! {sample}")


def _summary(figures: dict, out) -> None:
    out("\n| database | users | req/s | page | requests | p50 ms | p95 ms | p99 ms | errors | cross-partner reads |")
    out("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    verdicts = []
    for name, levels in figures["databases"].items():
        for count, r in levels.items():
            for page, p in r["pages"].items():
                out(f"| {name} | {count} | {r['per_second']:.1f} | {page} | {p['requests']:,} | {p['p50_ms']:.0f} | "
                    f"{p['p95_ms']:.0f} | {p['p99_ms']:.0f} | {r['errors']} | {r['cross_partner']} |")
            if count == max(figures["users"]):
                ok = r["errors"] == 0 and r["cross_partner"] == 0
                verdicts.append(f"{name} {count} users: {r['errors']} errors, {r['cross_partner']} cross-partner "
                                f"reads: {'MET' if ok else 'NOT MET'}")
            if count == min(figures["users"]):
                worst = max((p["p95_ms"] for p in r["pages"].values()), default=0)
                verdicts.append(f"{name} {count} users: worst page p95 {worst:.0f} ms (target < {P95_MS:g}): "
                                f"{'MET' if worst < P95_MS else 'NOT MET'}")
    for line in verdicts:
        out(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", LOAD_SECONDS)))
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    parser.add_argument("--users", default=os.environ.get("LOAD_USERS", ",".join(map(str, USERS))),
                        help="numbers of users, comma-separated (LOAD_USERS)")
    parser.add_argument("--servers", default=os.environ.get("LOAD_SERVERS", "1"),
                        help="servers over the same database, comma-separated runs, e.g. 1,2 (LOAD_SERVERS)")
    parser.add_argument("--profile", action="store_true", default=bool(os.environ.get("LOAD_PROFILE")),
                        help="the server writes where each request's time goes (LOAD_PROFILE=1)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LOAD_URL"),
                        help="an already filled database (BENCH_LOAD_URL) with --only its kind")
    args = parser.parse_args(argv)
    participants = max(1, round(dataset.FULL_PARTICIPANTS * args.scale))
    databases = [args.only] if args.only else ["postgresql", "sqlite"]
    folder = Path(tempfile.mkdtemp(prefix="npq-bench-load-"))
    try:
        figures = run(participants, databases, args.seconds, folder, out=lambda line: print(line, flush=True),
                      users=tuple(int(n) for n in args.users.split(",")),
                      servers_per_database=tuple(int(n) for n in args.servers.split(",")), profile=args.profile,
                      database_url=args.database_url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    levels = [r for levels in figures["databases"].values() for r in levels.values()]
    return 0 if all(r["errors"] == 0 and r["cross_partner"] == 0 for r in levels) else 1


if __name__ == "__main__":
    sys.exit(main())
