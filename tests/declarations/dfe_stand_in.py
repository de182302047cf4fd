"""A stand-in of DfE's lead provider API v3, served over real HTTP on loopback.

It keeps the declarations it was sent, answers POST, GET (updated_since, paging) and PUT
.../void like DfE, and can be told to answer 422 with DfE's error body, 429 with Retry-After,
or 401.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TOKEN = "stand-in-secret-token-5d1f"


@dataclass
class StandIn:
    url: str = ""
    received: list[dict] = field(default_factory=list)  # every request: method, path, query, body, authorization
    declarations: dict[str, dict] = field(default_factory=dict)  # DfE id -> {"attributes": ..., "updated_at": ...}
    refuse: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (participant, type) -> 422 details
    busy: int = 0  # the next N requests answer 429
    retry_after: str = "0"
    unauthorized: bool = False
    delay: float = 0.0  # seconds before answering a POST
    lock: threading.Lock = field(default_factory=threading.Lock)

    def posted(self) -> list[tuple[str, str]]:
        return [(r["body"]["data"]["attributes"]["participant_id"], r["body"]["data"]["attributes"]["declaration_type"])
                for r in self.received if r["method"] == "POST" and r["status"] == 200]

    def set_state(self, dfe_id: str, state: str) -> None:
        with self.lock:
            self.declarations[dfe_id]["attributes"]["state"] = state
            self.declarations[dfe_id]["updated_at"] = datetime.now(timezone.utc)

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_json(silent=True)
        status, payload, headers = self.answer(request, body)
        with self.lock:
            self.received.append({"method": request.method, "path": request.path, "query": dict(request.args),
                                  "body": body, "authorization": request.headers.get("Authorization"),
                                  "server_date": request.headers.get("X-With-Server-Date"), "status": status})
        return Response(json.dumps(payload), status=status, headers=headers, mimetype="application/json")(
            environ, start_response)

    def answer(self, request: Request, body):
        if request.headers.get("Authorization") != f"Bearer {TOKEN}" or self.unauthorized:
            return 401, {"error": "HTTP Token: Access denied"}, {}
        with self.lock:
            if self.busy:
                self.busy -= 1
                return 429, {"error": "Too many requests"}, {"Retry-After": self.retry_after}
        path = request.path.removeprefix("/api/v3/")
        if request.method == "POST" and path == "participant-declarations":
            if self.delay:
                time.sleep(self.delay)
            attributes = body["data"]["attributes"]
            key = (attributes["participant_id"], attributes["declaration_type"])
            if key in self.refuse:
                return 422, {"errors": [{"title": "Invalid declaration", "detail": d} for d in self.refuse[key]]}, {}
            dfe_id = str(uuid.uuid4())
            with self.lock:
                self.declarations[dfe_id] = {"attributes": {**attributes, "state": "submitted"},
                                             "updated_at": datetime.now(timezone.utc)}
            return 200, self.one(dfe_id), {}
        if request.method == "GET" and path == "participant-declarations":
            since = request.args.get("filter[updated_since]")
            page, per_page = int(request.args.get("page[page]", 1)), int(request.args.get("page[per_page]", 100))
            with self.lock:
                found = [i for i, d in sorted(self.declarations.items(), key=lambda item: item[1]["updated_at"])
                         if since is None or d["updated_at"] >= datetime.fromisoformat(since.replace("Z", "+00:00"))]
            return 200, {"data": [self.one(i)["data"] for i in found[(page - 1) * per_page : page * per_page]]}, {}
        if request.method == "PUT" and path.startswith("participant-declarations/") and path.endswith("/void"):
            dfe_id = path.split("/")[1]
            if dfe_id not in self.declarations:
                return 404, {"errors": [{"title": "Not found", "detail": "Declaration not found"}]}, {}
            state = self.declarations[dfe_id]["attributes"]["state"]
            if state == "voided":
                return 422, {"errors": [{"title": "state", "detail": "The declaration has already been voided"}]}, {}
            self.set_state(dfe_id, "awaiting-clawback" if state == "paid" else "voided")
            return 200, self.one(dfe_id), {}
        return 404, {"errors": [{"title": "Not found", "detail": request.path}]}, {}

    def one(self, dfe_id: str) -> dict:
        d = self.declarations[dfe_id]
        return {"data": {"id": dfe_id, "type": "participant-declaration",
                         "attributes": {**d["attributes"], "updated_at": d["updated_at"].isoformat()}}}


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
