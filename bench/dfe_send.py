"""Sending 3,000 declarations to a stand-in of DfE that enforces its rate limit (bench/dfe_stand_in.py),
through the send job's own code (tracker/declarations/submit.py) and the client's pacing.

DfE allows 1,000 requests per fixed 300 s window; here the window is scaled down (LIMIT per
WINDOW seconds) so a run takes under a minute, and the stand-in answers 429 to any request past the
limit, as Rack::Attack does. Measured: the wall time against the least the limit allows, the 429s
(target 0: the runner never went over), the most requests in any window, and that every declaration
was sent.

    python -m bench.dfe_send [--only sqlite|postgresql] [--postgres-url URL]
"""
from __future__ import annotations


import math
import sys
import uuid
import time
from collections.abc import Callable
from datetime import date

DECLARATIONS = 3000
LIMIT = 100  # requests per window (DfE: 1,000)
WINDOW = 2.0  # seconds (DfE: 300)
SLACK = 1.25  # the run may take this much longer than the windows the limit needs


def _participants(count: int) -> list:
    """`count` participants of one partner, each with one declaration to send (made, not produced)."""
    from sqlalchemy import insert, select

    from tracker.declarations.listing import TO_SEND, Row
    from tracker.declarations.produce import Declaration
    from tracker.extensions import db
    from tracker.models import Cohort, Course, DeliveryPartner, Participant

    course = db.session.scalar(select(Course).order_by(Course.id).limit(1))
    cohort = db.session.scalar(select(Cohort.number).order_by(Cohort.number).limit(1))
    partner = DeliveryPartner(code="DFE-BENCH", name="DfE bench partner")
    db.session.add(partner)
    db.session.flush()
    db.session.execute(insert(Participant), [
        {"participant_id": f"B{n:05d}", "full_name": f"Bench {n}", "email": f"b{n}@bench.example",
         "partner_id": partner.id, "course_id": course.id, "cohort": cohort, "school_contract_signed": True,
         "sponsorship_agreement_signed": True, "status": "active",
         "dfe_participant_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench/B{n:05d}"))} for n in range(count)])
    db.session.commit()
    people = db.session.execute(select(Participant.id, Participant.participant_id, Participant.dfe_participant_id)
                                .where(Participant.partner_id == partner.id).order_by(Participant.id)).all()
    return [Row(Declaration(pk, ref, partner.code, course.code, "specialist", cohort, 1, "started",
                            date(2024, 2, 1), "npq-leading-teaching", None, False, dfe_id), TO_SEND)
            for pk, ref, dfe_id in people]


def measure(url: str, count: int = DECLARATIONS, limit: int = LIMIT, window: float = WINDOW,
            out: Callable[[str], None] = print) -> dict:
    """Sends `count` declarations on the database at `url` (emptied and migrated) to a stand-in
    allowing `limit` requests per `window` seconds; the figures."""
    from bench.dfe_stand_in import TOKEN, Served, StandIn
    from bench.run import _fresh_app
    from tracker.declarations.dfe import DfeApi, Pacer, Pacing
    from tracker.declarations.submit import SENT, submit

    app = _fresh_app(url)
    stand_in = StandIn(rate_limit=limit, rate_window=window)
    served = Served(stand_in)
    try:
        with app.app_context():
            found = _participants(count)
            # the first window begins now, as it would for a run started at a window's start
            time.sleep(window - time.time() % window)
            begun = time.perf_counter()
            with DfeApi(stand_in.url, TOKEN, actor="bench", pacer=Pacer(Pacing(limit, window))) as api:
                outcomes, stopped = submit(api, found, "bench")
            seconds = time.perf_counter() - begun
    finally:
        served.stop()
    least = (math.ceil(count / limit) - 1) * window
    figures = {"declarations": count, "sent": sum(o.result == SENT for o in outcomes), "stopped": stopped,
               "seconds": seconds, "least_seconds": least, "target_seconds": max(least * SLACK, window),
               "throttled": stand_in.throttled(), "most_in_a_window": max(stand_in.windows.values()),
               "windows": len(stand_in.windows), "limit": limit, "window": window,
               "rate": len(stand_in.received) / seconds}
    out(f"DfE send: {figures['sent']:,} of {count:,} declarations sent in {seconds:.1f} s "
        f"(the limit of {limit} per {window:g} s allows it in {least:.0f} s at best); "
        f"{figures['throttled']} answered 429; at most {figures['most_in_a_window']} requests in a window "
        f"of {figures['windows']}")
    return figures


def main(argv: list[str] | None = None) -> int:
    from bench import postgres

    def failed(url: str, count: int) -> bool:
        figures = measure(url, count)
        return figures["throttled"] > 0 or figures["sent"] < figures["declarations"]

    return postgres.each_database("python -m bench.dfe_send", __doc__, "declarations", DECLARATIONS,
                                  "bench_dfe_send", sys.argv[1:] if argv is None else argv, failed)


if __name__ == "__main__":
    sys.exit(main())
