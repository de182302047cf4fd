"""Reading DfE's lists at DfE's pace: `dfe sync` of 50,000 participants (DfE's pages of 3,000) and a
`declarations refresh` of 200,000 declarations, from the stand-in of DfE (bench/dfe_stand_in.py), through
the commands' own code (tracker/declarations/sync.py, refresh.py) and the client's pacing.

DfE allows 1,000 requests per fixed 300 s window; here the window is scaled down to WINDOW seconds
and the limit to LIMIT, so a run takes seconds. The target of each run is the time its requests alone
take: the least the pacing allows for that many requests ((windows needed - 1) x WINDOW, a run begun
at a window's start) plus the measured time of the same requests through the same client (paged,
audited, committed) answered with no work done on what they bring. A run within TARGET times that
keeps up with DfE: the tracker's work hides in the waits for DfE's next window.

The stand-in answers every page from pages made before the run (StandIn.keep_pages), so it is not
what is measured. Each run is in a child process of its own: its memory is the child's peak RSS
(VmHWM of /proc/self/status), given beside the RSS it had before the run began.

    python -m bench.dfe_read [--only sqlite|postgresql] [--postgres-url URL] [--participants N]
"""
from __future__ import annotations

import json
import math
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path

PARTICIPANTS = 50_000
TYPES = ("started", "retained-1", "retained-2", "completed")  # 4 declarations each: 200,000
LIMIT = 10  # requests per window (DfE: 1,000)
WINDOW = 1.0  # seconds (DfE: 300)
TARGET = 1.2  # a run may take this much longer than its requests alone
COURSE = "npq-leading-teaching"


def dfe_id(n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench/read/{n}"))


def declaration_id(n: int, kind: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench/read/{n}/{kind}"))


def tracker_data(count: int) -> None:
    """`count` participants, each known at DfE by its id, with the four declarations DfE holds for them."""
    from sqlalchemy import insert, select

    from tracker.extensions import db
    from tracker.models import Cohort, Course, DeclarationRecord, DeliveryPartner, Participant

    course = db.session.scalar(select(Course).where(Course.dfe_identifier == COURSE).limit(1)) or db.session.scalar(
        select(Course).order_by(Course.id).limit(1))
    cohort = db.session.scalar(select(Cohort.number).order_by(Cohort.number).limit(1))
    partner = DeliveryPartner(code="DFE-READ", name="DfE read bench partner")
    db.session.add(partner)
    db.session.flush()
    for start in range(0, count, 10_000):
        db.session.execute(insert(Participant), [
            {"participant_id": f"R{n:06d}", "full_name": f"Bench {n}", "email": f"r{n}@bench.example",
             "partner_id": partner.id, "course_id": course.id, "cohort": cohort, "school_contract_signed": True,
             "sponsorship_agreement_signed": True, "status": "active", "dfe_participant_id": dfe_id(n)}
            for n in range(start, min(start + 10_000, count))])
    pks = db.session.execute(select(Participant.participant_id, Participant.id).where(
        Participant.partner_id == partner.id)).all()
    now = datetime(2026, 11, 1, 9, 0)
    rows = [{"participant_id": pk, "declaration_type": kind, "declaration_date": date(2024, 2, 1),
             "course_identifier": COURSE, "state": "submitted", "updated_at": now, "current": True,
             "dfe_id": declaration_id(int(ref[1:]), kind), "note": ""} for ref, pk in pks for kind in TYPES]
    for start in range(0, len(rows), 20_000):
        db.session.execute(insert(DeclarationRecord), rows[start : start + 20_000])
    db.session.commit()


def stand_in_data(stand_in, count: int) -> None:
    """DfE's side: the participants, each enrolled, and their declarations, the started ones now eligible
    (a quarter of the refresh changes a state)."""
    when = datetime(2026, 10, 1, tzinfo=timezone.utc)
    for n in range(count):
        stand_in.enrol(f"Bench {n}", f"r{n}@bench.example", COURSE, dfe_id=dfe_id(n), schedule="npq-specialist-spring",
                       cohort=2023, funded_place=True, when=when)
    for n in range(count):
        for kind in TYPES:
            stand_in.declarations[declaration_id(n, kind)] = {
                "attributes": {"participant_id": dfe_id(n), "declaration_type": kind,
                               "declaration_date": "2024-02-01T00:00:00Z", "course_identifier": COURSE,
                               "state": "eligible" if kind == "started" else "submitted", "has_passed": None,
                               "statement_id": None, "delivery_partner_id": None, "mentor_id": None,
                               "uplift_paid": False, "lead_provider_name": "Bench provider", "ineligible_for_funding_reason": None,
                               "created_at": "2026-10-01T00:00:00Z"},
                "updated_at": when, "order": len(stand_in.declarations)}


def child(kind: str, url: str, paced_url: str, free_url: str, limit: int, window: float) -> dict:
    """Runs in a child process: the timed run against `paced_url`, then the same requests with no work
    against `free_url` (the same pages, no limit)."""
    from bench.dfe_stand_in import TOKEN
    from tracker import create_app
    from tracker.declarations import refresh, sync
    from tracker.declarations.dfe import DfeApi, Pacer, Pacing

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        before = _status_mb("VmRSS")
        time.sleep(window - time.time() % window)  # the first window begins now
        begun = time.perf_counter()
        pacer = Pacer(Pacing(limit, window))
        with DfeApi(paced_url, TOKEN, actor="bench", pacer=pacer) as api:
            done = sync.sync(api, "bench") if kind == "sync" else refresh.refresh(api, "bench")
        seconds = time.perf_counter() - begun
        peak = _status_mb("VmHWM")
        counts = done.counts()
        begun = time.perf_counter()
        requests = 0
        with DfeApi(free_url, TOKEN, actor="bench", pacer=Pacer(Pacing(10**9, window))) as api:
            for path, per_page in _lists(kind):
                for _ in api.pages(path, "items", "bench", per_page=per_page, most=10_000):
                    requests += 1
        alone = time.perf_counter() - begun
    return {"seconds": seconds, "waited": pacer.waited, "counts": counts, "rss_before_mb": before, "peak_rss_mb": peak,
            "requests": requests, "no_work_seconds": alone}


def _lists(kind: str) -> list[tuple[str, int]]:
    from tracker.declarations import refresh, sync

    if kind == "sync":
        return [("participants/npq", sync.PER_PAGE), ("delivery-partners", sync.PER_PAGE),
                ("statements", sync.PER_PAGE)]
    return [("participant-declarations", refresh.PER_PAGE)]


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process, in MB: not ru_maxrss, which after fork and exec
    keeps the parent's peak (here the stand-in's data)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(url: str, count: int = PARTICIPANTS, limit: int = LIMIT, window: float = WINDOW,
            out: Callable[[str], None] = print) -> dict:
    """`dfe sync` of `count` participants, then `declarations refresh` of 4 x `count` declarations, on the
    database at `url` (emptied and migrated), each in a child process; the figures of each."""
    from bench.dfe_stand_in import Served, StandIn
    from bench.run import _fresh_app
    from tracker.declarations import refresh, sync

    app = _fresh_app(url)
    with app.app_context():
        tracker_data(count)
    paced = StandIn(rate_limit=limit, rate_window=window)
    made = time.perf_counter()
    stand_in_data(paced, count)
    paced.keep_pages("participants/npq", sync.PER_PAGE)
    paced.keep_pages("participant-declarations", refresh.PER_PAGE)
    made = time.perf_counter() - made
    free = StandIn(rate_limit=10**9, people=paced.people, declarations=paced.declarations, kept=paced.kept)
    servers = [Served(paced), Served(free)]
    figures = {"participants": count, "declarations": len(paced.declarations), "limit": limit, "window": window,
               "stand_in_seconds": made}
    try:
        for kind in ("sync", "refresh"):
            env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
            run = subprocess.run([sys.executable, "-m", "bench.dfe_read", "--child", kind, url, paced.url, free.url,
                                  str(limit), str(window)], capture_output=True, text=True, env=env)
            if run.returncode != 0:
                raise RuntimeError(f"the {kind} child failed:\n{_ends(run.stderr)}")
            found = json.loads(run.stdout.strip().splitlines()[-1])
            found["least_seconds"] = (math.ceil(found["requests"] / limit) - 1) * window
            found["requests_seconds"] = found["least_seconds"] + found["no_work_seconds"]
            found["ratio"] = found["seconds"] / found["requests_seconds"]
            found["throttled"] = sum(r["status"] == 429 for r in paced.received)
            figures[kind] = found
            what = (f"{count:,} participants (pages of {sync.PER_PAGE:,})" if kind == "sync"
                    else f"{len(paced.declarations):,} declarations (pages of {refresh.PER_PAGE:,})")
            out(f"DfE {kind} of {what}: {found['seconds']:.1f} s against {found['requests_seconds']:.1f} s for its "
                f"{found['requests']} requests alone ({found['least_seconds']:.0f} s of pacing at {limit} per "
                f"{window:g} s + {found['no_work_seconds']:.1f} s answered with no work): {found['ratio']:.2f}x "
                f"(target {TARGET}x); peak RSS {found['peak_rss_mb']:.0f} MB (from {found['rss_before_mb']:.0f} MB "
                f"before the run); {found['counts']}; {found['throttled']} answered 429")
    finally:
        for server in servers:
            server.stop()
    return figures


def _ends(text: str, each: int = 2000) -> str:
    """The start and the end of a child's stderr: where its traceback begins and where it ends."""
    if len(text) <= 2 * each:
        return text
    return f"{text[:each]}\n[... {len(text) - 2 * each:,} characters left out ...]\n{text[-each:]}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        kind, url, paced, free, limit, window = argv[1:7]
        print(json.dumps(child(kind, url, paced, free, int(limit), float(window))))
        return 0
    from bench import postgres

    def failed(url: str, count: int) -> bool:
        figures = measure(url, count)
        return any(figures[k]["ratio"] > TARGET or figures[k]["throttled"] for k in ("sync", "refresh"))

    return postgres.each_database("python -m bench.dfe_read", __doc__, "participants", PARTICIPANTS,
                                  "bench_dfe_read", argv, failed)


if __name__ == "__main__":
    sys.exit(main())
