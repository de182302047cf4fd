"""A stand-in of DfE's lead provider API v3, served over real HTTP on loopback, for the tests and
the bench (dfe/README.md holds DfE's contract; sections 6 and 7 are what this imitates closely).

It keeps the declarations it was sent and answers POST, GET (filter[participant_id],
filter[updated_since], countless paging: `{"data":[]}` past the end) and PUT .../void like DfE:
a repeat of a declaration DfE holds gets the "already been submitted" 422, and it throttles like
Rack::Attack, `rate_limit` requests per fixed window of `rate_window` seconds of Unix time
(DfE: 1,000 per 300 s; scaled down to keep a run short), answering 429 `Retry later` with no
Retry-After. A test can also make it refuse (422), throttle the next requests, answer 401, answer a
POST late (`delay`), lose the answer of a POST it stored (502), or page without end.
"""
from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TOKEN = "stand-in-secret-token-5d1f"
ALREADY_SUBMITTED = "A declaration has already been submitted that will be, or has been, paid for this event"
BILLABLE = ("submitted", "eligible", "payable", "paid")


@dataclass
class StandIn:
    url: str = ""
    received: list[dict] = field(default_factory=list)  # every request: method, path, query, body, authorization, status
    declarations: dict[str, dict] = field(default_factory=dict)  # DfE id -> {"attributes", "updated_at", "order"}
    refuse: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (participant, type) -> 422 details
    rate_limit: int = 1000
    rate_window: float = 300.0
    windows: Counter = field(default_factory=Counter)  # requests counted in each window of Unix time
    busy: int = 0  # the next N requests answer 429 whatever the count
    unauthorized: bool = False
    delay: float = 0.0  # seconds before answering each request (DfE under load)
    in_flight: int = 0  # requests being answered now
    lose: int = 0  # the next N POSTs are stored, then answered 502 as a proxy would
    endless: bool = False  # the list never ends: every page is full of declarations never seen before
    lock: threading.Lock = field(default_factory=threading.Lock)

    def posted(self) -> list[tuple[str, str]]:
        """(participant, type) of each POST DfE stored (answered 200)."""
        return [_key(r["body"]) for r in self.received if r["method"] == "POST" and r["status"] == 200]

    def posts(self) -> Counter:
        """POSTs of each (participant, type), whatever the answer (a repeat's 422 included)."""
        return Counter(_key(r["body"]) for r in self.received if r["method"] == "POST")

    def held(self) -> Counter:
        """Declarations DfE holds of each (participant, type)."""
        return Counter((d["attributes"]["participant_id"], d["attributes"]["declaration_type"])
                       for d in self.declarations.values())

    def throttled(self) -> int:
        return sum(r["status"] == 429 for r in self.received)

    def set_state(self, dfe_id: str, state: str) -> None:
        with self.lock:
            self.declarations[dfe_id]["attributes"]["state"] = state
            self.declarations[dfe_id]["updated_at"] = datetime.now(timezone.utc)

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_json(silent=True)
        with self.lock:
            self.in_flight += 1
        if self.delay:
            time.sleep(self.delay)
        status, payload, headers = self.answer(request, body)
        with self.lock:
            self.in_flight -= 1
            self.received.append({"method": request.method, "path": request.path, "query": dict(request.args),
                                  "body": body, "authorization": request.headers.get("Authorization"),
                                  "server_date": request.headers.get("X-With-Server-Date"), "status": status})
        if isinstance(payload, str):
            return Response(payload, status=status, headers=headers, mimetype="text/plain")(environ, start_response)
        return Response(json.dumps(payload), status=status, headers=headers, mimetype="application/json")(
            environ, start_response)

    def answer(self, request: Request, body):
        with self.lock:
            window = math.floor(time.time() / self.rate_window)
            self.windows[window] += 1
            if self.windows[window] > self.rate_limit or self.busy:
                self.busy = max(self.busy - 1, 0)
                return 429, "Retry later\n", {}
        if request.headers.get("Authorization") != f"Bearer {TOKEN}" or self.unauthorized:
            return 401, {"error": "HTTP Token: Access denied"}, {}
        path = request.path.removeprefix("/api/v3/")
        if request.method == "POST" and path == "participant-declarations":
            return self.create(body)
        if request.method == "GET" and path == "participant-declarations":
            return self.listed(request.args)
        if request.method == "PUT" and path.startswith("participant-declarations/") and path.endswith("/void"):
            return self.void(path.split("/")[1])
        return 404, {"error": "Resource not found"}, {}

    def create(self, body):
        attributes = body["data"]["attributes"]
        key = _key(body)
        if key in self.refuse:
            return 422, {"errors": [{"title": "base", "detail": d} for d in self.refuse[key]]}, {}
        with self.lock:
            if any(_key({"data": d}) == key and d["attributes"]["course_identifier"] == attributes["course_identifier"]
                   and d["attributes"]["state"] in BILLABLE for d in self.declarations.values()):
                return 422, {"errors": [{"title": "base", "detail": ALREADY_SUBMITTED}]}, {}
            dfe_id = str(uuid.uuid4())
            self.declarations[dfe_id] = {"attributes": {**attributes, "state": "submitted"},
                                         "updated_at": datetime.now(timezone.utc), "order": len(self.declarations)}
            if self.lose:
                self.lose -= 1
                return 502, "<html>Bad gateway</html>", {}
        return 200, self.one(dfe_id), {}

    def listed(self, args):
        since = args.get("filter[updated_since]")
        wanted = set(filter(None, args.get("filter[participant_id]", "").split(",")))
        page, per_page = int(args.get("page[page]", 1)), min(int(args.get("page[per_page]", 100)), 3000)
        with self.lock:
            found = [i for i, d in sorted(self.declarations.items(), key=lambda item: item[1]["order"])
                     if (since is None or d["updated_at"] >= datetime.fromisoformat(since.replace("Z", "+00:00")))
                     and (not wanted or d["attributes"]["participant_id"] in wanted)]
            if self.endless:
                return 200, {"data": [_made_up(page, n) for n in range(per_page)]}, {}
            return 200, {"data": [self.one(i)["data"] for i in found[(page - 1) * per_page : page * per_page]]}, {}

    def void(self, dfe_id: str):
        if dfe_id not in self.declarations:
            return 404, {"error": "Resource not found"}, {}
        state = self.declarations[dfe_id]["attributes"]["state"]
        if state == "voided":
            return 422, {"errors": [{"title": "state", "detail": "The declaration has already been voided"}]}, {}
        self.set_state(dfe_id, "awaiting-clawback" if state == "paid" else "voided")
        return 200, self.one(dfe_id), {}

    def one(self, dfe_id: str) -> dict:
        d = self.declarations[dfe_id]
        return {"data": {"id": dfe_id, "type": "participant-declaration",
                         "attributes": {**d["attributes"], "updated_at": d["updated_at"].strftime("%Y-%m-%dT%H:%M:%SZ")}}}


def _made_up(page: int, n: int) -> dict:
    return {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"endless/{page}/{n}")), "type": "participant-declaration",
            "attributes": {"participant_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"p/{page}/{n}")),
                           "declaration_type": "started", "state": "submitted"}}


def _key(body: dict) -> tuple[str, str]:
    attributes = body["data"]["attributes"]
    return attributes["participant_id"], attributes["declaration_type"]


class Served:
    """Serves a StandIn on 127.0.0.1 on a free port, in a thread, until stopped."""

    def __init__(self, stand_in: StandIn):
        self.server = make_server("127.0.0.1", 0, stand_in, threaded=True)
        stand_in.url = f"http://127.0.0.1:{self.server.server_port}/api/v3"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()
