"""A stand-in of DfE's lead provider API v3, served over real HTTP on loopback, for the tests and
the bench (dfe/README.md holds DfE's contract; sections 6 and 7 are what this imitates closely).

It keeps the declarations it was sent and answers POST, GET (filter[participant_id],
filter[updated_since], countless paging: `{"data":[]}` past the end) and PUT .../void like DfE:
a repeat of a declaration DfE holds gets the "already been submitted" 422, and it throttles like
Rack::Attack, `rate_limit` requests per fixed window of `rate_window` seconds of Unix time
(DfE: 1,000 per 300 s; scaled down to keep a run short), answering 429 `Retry later` with no
Retry-After. A test can also make it refuse (422), throttle the next requests, answer 401, answer a
POST late (`delay`), lose the answer of a POST it stored (502), or page without end. Participants'
actions and outcomes are answered as DfE does (bench/dfe_stand_in_participants.py).

Every POST body is checked against the tracker's own JSON Schema of DfE's request
(tracker/declarations/schemas/): what breaks it is kept with the request (`received[...]["problems"]`,
`invalid()`), as DfE would never say so itself. It then answers as DfE's code does (dfe/README.md,
sections 2 and 3): 400 with DfE's body when `data` or its attributes are missing, and 422 with
DfE's own texts, one error per message, `title` the attribute, for the checks it can make. For an
enrolment it holds with a schedule, it refuses a date before the schedule starts (7), a type the
schedule lacks (11), and, from the 2024 cohort, a missing delivery partner (18); `strict`, it also
refuses an id it does not know (3) and a course the participant is not enrolled on (5); not strict,
anyone is recognised on any course.

It also lists, in DfE's shapes and paged like DfE, its participants (one store, `people`: made by
`enrol`, with their `npq_enrolments` and the `participant_id_changes` of `change_id`, changed by the
participants' actions; `GET /participants/npq` with filter[updated_since]), delivery partners
(`GET /delivery-partners`) and statements (`GET /statements`).
"""
from __future__ import annotations

import json
import math
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bench.dfe_stand_in_participants import Participants, _stamp
from tracker.declarations.schema import DECLARATION_REQUEST, problems, schema
from tracker.rules.dfe_schedules import COURSE_GROUP, allowed_types, starts

TOKEN = "stand-in-secret-token-5d1f"
ALREADY_SUBMITTED = "A declaration has already been submitted that will be, or has been, paid for this event"
BILLABLE = ("submitted", "eligible", "payable", "paid")
BAD_REQUEST = {"errors": [{"title": "Bad request",
                           "detail": "correct json data structure required. See API docs for reference"}]}
VOIDED_ALREADY = "This declaration has already been voided."
REFUNDED = "The declaration will or has been be refunded."  # sic: DfE's words
TYPES = ("started", "retained-1", "retained-2", "completed")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?")
TEXTS = {  # DfE's own words (dfe/README.md, section 3), by rule
    1: ("participant_id", "The property '#/participant_id' must be present"),
    3: ("participant_id", "Your update cannot be made as the '#/participant_id' is not recognised. Check participant "
                          "details and try again."),
    5: ("course_identifier", "The entered '#/course_identifier' is not recognised for the given participant. Check "
                             "details and try again."),
    6: ("declaration_date", "Enter a valid RFC3339 '#/declaration_date'."),
    7: ("declaration_date", "Enter a '#/declaration_date' that's on or after the schedule start."),
    8: ("declaration_date", "Enter a '#/declaration_date'."),
    9: ("declaration_type", "Enter a '#/declaration_type'."),
    11: ("declaration_type", "The property '#/declaration_type' does not exist for this schedule."),
    14: ("has_passed", "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant has "
                       "passed or failed their course."),
    15: ("base", ALREADY_SUBMITTED),
    17: ("declaration_date", "The '#/declaration_date' value cannot be a future date. Check the date and try again."),
    18: ("delivery_partner_id", "The property '#/delivery_partner_id' must be present"),
}


@dataclass
class StandIn(Participants):
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
    strict: bool = False  # DfE knows only the participants enrolled: others' ids and courses are refused
    people: dict[str, dict] = field(default_factory=dict)  # DfE participant id -> the participant and enrolments
    delivery_partners: list[dict] = field(default_factory=list)  # DfE's shapes: {"id", "type", "attributes"}
    statements: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)  # the outcomes POSTed and accepted
    kept: dict[tuple, bytes] = field(default_factory=dict)  # (path, query) -> a list page answered before (kept())
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_delivery_partner(self, name: str, cohorts: list[int], dfe_id: str | None = None) -> str:
        dfe_id = dfe_id or str(uuid.uuid4())
        stamp = _stamp(datetime.now(timezone.utc))
        self.delivery_partners.append({"id": dfe_id, "type": "delivery-partner", "attributes": {
            "name": name, "cohort": cohorts, "created_at": stamp, "updated_at": stamp}})
        self.delivery_partners.sort(key=lambda p: p["attributes"]["name"])
        return dfe_id

    def add_statement(self, month: str, year: int, cohort: int, cut_off: str, payment: str, paid: bool = False) -> str:
        dfe_id = str(uuid.uuid4())
        stamp = _stamp(datetime.now(timezone.utc))
        self.statements.append({"id": dfe_id, "type": "statement", "attributes": {
            "month": month, "year": str(year), "cohort": str(cohort), "cut_off_date": cut_off, "payment_date": payment,
            "paid": paid, "created_at": stamp, "updated_at": stamp}})
        self.statements.sort(key=lambda s: s["attributes"]["payment_date"])
        return dfe_id

    def posted(self) -> list[tuple[str, str]]:
        """(participant, type) of each POST DfE stored (answered 200)."""
        return [_key(r["body"]) for r in self.received if _declaration(r) and r["status"] == 200]

    def posts(self) -> Counter:
        """POSTs of each (participant, type), whatever the answer (a repeat's 422 included)."""
        return Counter(_key(r["body"]) for r in self.received if _declaration(r))

    def held(self) -> Counter:
        """Declarations DfE holds of each (participant, type)."""
        return Counter((d["attributes"]["participant_id"], d["attributes"]["declaration_type"])
                       for d in self.declarations.values())

    def invalid(self) -> list[tuple[dict, list[str]]]:
        """Each request whose body broke the schema, with how."""
        return [(r["body"], r["problems"]) for r in self.received if r.get("problems")]

    def throttled(self) -> int:
        return sum(r["status"] == 429 for r in self.received)

    def set_state(self, dfe_id: str, state: str) -> None:
        with self.lock:
            attributes = self.declarations[dfe_id]["attributes"]
            attributes["state"] = state
            self.declarations[dfe_id]["updated_at"] = datetime.now(timezone.utc)
            self.on_statements(attributes)

    def on_statements(self, attributes: dict) -> None:
        """As DfE does (dfe/README.md, section 2): a declaration made billable goes on the next open
        output-fee statement of its cohort and leaves it when voided; a paid one voided has its refund
        put on the next (`clawback_statement_id`)."""
        state = attributes["state"]
        if state in ("eligible", "payable", "paid") and not attributes.get("statement_id"):
            attributes["statement_id"] = self.next_statement(attributes)
        elif state == "voided":
            attributes["statement_id"] = None
        elif state == "awaiting-clawback" and not attributes.get("clawback_statement_id"):
            attributes["clawback_statement_id"] = self.next_statement(attributes)

    def next_statement(self, attributes: dict) -> str | None:
        """The open statement of the enrolment's cohort with the earliest cut-off (not strict, an enrolment
        DfE was never told the cohort of takes any cohort's)."""
        enrolled = self.schedule_of(attributes.get("participant_id"), attributes.get("course_identifier"))
        today = datetime.now(timezone.utc).date().isoformat()
        return next((s["id"] for s in sorted(self.statements, key=lambda s: s["attributes"]["cut_off_date"])
                     if (not enrolled or s["attributes"]["cohort"] == str(enrolled[1])) and not s["attributes"]["paid"]
                     and s["attributes"]["cut_off_date"] >= today), None)

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_json(silent=True)
        with self.lock:
            self.in_flight += 1
        if self.delay:
            time.sleep(self.delay)
        status, payload, headers = self.answer(request, body)
        broken = problems(body, schema(DECLARATION_REQUEST)) if (
            request.method == "POST" and request.path.endswith("/participant-declarations")) else []
        with self.lock:
            self.in_flight -= 1
            self.received.append({"method": request.method, "path": request.path, "query": dict(request.args),
                                  "body": body, "authorization": request.headers.get("Authorization"),
                                  "server_date": request.headers.get("X-With-Server-Date"), "status": status,
                                  "problems": broken})
        if isinstance(payload, bytes):  # kept, already JSON
            return Response(payload, status=status, headers=headers, mimetype="application/json")(
                environ, start_response)
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
        if request.method == "GET" and (path, _query(request.args)) in self.kept:
            return 200, self.kept[(path, _query(request.args))], {}
        if request.method == "POST" and path == "participant-declarations":
            return self.create(body, request.headers.get("X-With-Server-Date"))
        if request.method == "GET" and path == "participant-declarations":
            return self.listed(request.args)
        if request.method == "PUT" and path.startswith("participant-declarations/") and path.endswith("/void"):
            return self.void(path.split("/")[1])
        if request.method == "GET" and path in ("delivery-partners", "statements", "participants/npq"):
            return self.lists(path, request.args)
        if path == "participants/npq" or path.startswith("participants/npq/"):
            return self.participant_request(request.method, path, body, request.args)
        return 404, {"error": "Resource not found"}, {}

    def create(self, body, server_date: str | None = None):
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("attributes"), dict) or not data["attributes"]:
            return 400, BAD_REQUEST, {}
        attributes = data["attributes"]
        key = _key(body)
        if key in self.refuse:
            return 422, {"errors": [{"title": "base", "detail": d} for d in self.refuse[key]]}, {}
        with self.lock:
            refused = self.checks(attributes, _server_now(server_date))
            if refused:
                return 422, {"errors": [{"title": TEXTS[n][0], "detail": TEXTS[n][1]} for n in refused]}, {}
            dfe_id = str(uuid.uuid4())
            self.declarations[dfe_id] = {"attributes": {**attributes, "state": "submitted", "statement_id": None,
                                                        "clawback_statement_id": None},
                                         "updated_at": datetime.now(timezone.utc), "order": len(self.declarations)}
            if self.lose:
                self.lose -= 1
                return 502, "<html>Bad gateway</html>", {}
        return 200, self.one(dfe_id), {}

    def checks(self, attributes: dict, now: datetime) -> list[int]:
        """DfE's rules (section 3) this declaration breaks, in DfE's order: most stop at the first,
        those DfE checks always are added."""
        found: list[int] = []
        person, course = attributes.get("participant_id"), attributes.get("course_identifier")
        kind, passed = attributes.get("declaration_type"), attributes.get("has_passed")
        on = _when(attributes.get("declaration_date"))
        enrolled = None
        if not person:
            found.append(1)
        elif self.strict and not self.known(person):
            found.append(3)
        elif self.strict and course not in self.people[person]["enrolments"]:
            found.append(5)
        else:
            enrolled = self.schedule_of(person, course)
            if attributes.get("declaration_date") and on is None:
                found.append(6)
            elif on is not None and enrolled and on.date() < starts(*enrolled):
                found.append(7)
        if on is None and not found:
            found.append(8)
        if kind not in TYPES:
            found.append(9)
        elif not found and enrolled and kind not in allowed_types(enrolled[0]):
            found.append(11)
        if kind == "completed" and COURSE_GROUP.get(course) in ("leadership", "specialist") and passed not in (
                True, False, "true", "false"):
            found.append(14)
        if not found and any(_key({"data": d}) == (person, kind) and d["attributes"]["course_identifier"] == course
                             and d["attributes"]["state"] in BILLABLE for d in self.declarations.values()):
            found.append(15)
        if found:
            return found
        if on is not None and on > now:
            return [17]
        if enrolled and enrolled[1] >= 2024 and not attributes.get("delivery_partner_id"):
            return [18]
        return []

    def listed(self, args):
        since = args.get("filter[updated_since]")
        wanted = set(filter(None, args.get("filter[participant_id]", "").split(",")))
        page, per_page = int(args.get("page[page]", 1)), min(int(args.get("page[per_page]", 100)), 3000)
        with self.lock:
            if self.endless:
                return 200, {"data": [_made_up(page, n) for n in range(per_page)]}, {}
            found = self.found(since, wanted)
            return 200, {"data": [self.one(i)["data"] for i in found[(page - 1) * per_page : page * per_page]]}, {}

    def found(self, since: str | None, wanted: set[str]) -> list[str]:
        """The ids of the declarations listed, in the order DfE lists them."""
        after = None if since is None else datetime.fromisoformat(since.replace("Z", "+00:00"))
        return [i for i, d in sorted(self.declarations.items(), key=lambda item: item[1]["order"])
                if (after is None or d["updated_at"] >= after) and (not wanted or d["attributes"]["participant_id"] in wanted)]

    def keep_pages(self, path: str, per_page: int, params: dict | None = None) -> int:
        """Answers every page of a list (`participants/npq` or `participant-declarations`, as asked with these
        `params`) now, and keeps the answers: asked again, they cost nothing, so that a bench measures the
        tracker rather than the stand-in. Nothing may change after. How many pages (the last one empty or short)."""
        params = {k: str(v) for k, v in (params or {}).items()}
        with self.lock:
            if path == "participant-declarations":
                ids = self.found(params.get("filter[updated_since]"), set())
                items = [self.one(i)["data"] for i in ids]
            else:
                items = [self.participant(i) for i, _ in sorted(self.people.items(), key=lambda item: item[1]["order"])]
            pages = len(items) // per_page + 1
            for page in range(1, pages + 1):
                query = _query({**params, "page[page]": str(page), "page[per_page]": str(per_page)})
                self.kept[(path, query)] = json.dumps({"data": items[(page - 1) * per_page : page * per_page]}).encode()
        return pages

    def lists(self, path: str, args):
        """DfE's participants, delivery partners or statements: one page, countless, `{"data":[]}` past the end."""
        page, per_page = args.get("page[page]", "1"), args.get("page[per_page]", "100")
        if not (page.isdigit() and per_page.isdigit() and int(page) > 0 and int(per_page) > 0):
            return 400, {"errors": [{"title": "Bad parameter", "detail": "The '#/page[page]' and '#/page[per_page]' "
                                     "parameter values must be a valid positive number"}]}, {}
        since = args.get("filter[updated_since]")
        after = None
        if since is not None:
            after = _when(since)
            if after is None:
                return 400, {"errors": [{"title": "Bad parameter", "detail":
                                         "The filter '#/updated_since' must be a valid ISO 8601 date"}]}, {}
        with self.lock:
            if path == "participants/npq":
                found = [i for i, p in sorted(self.people.items(), key=lambda item: item[1]["order"])
                         if after is None or p["updated_at"] >= after]
            elif path == "delivery-partners":
                wanted = args.get("filter[cohort]")
                found = [p for p in self.delivery_partners if not wanted or int(wanted) in p["attributes"]["cohort"]]
            else:
                found = list(self.statements)
            first = (int(page) - 1) * min(int(per_page), 3000)
            found = found[first : first + min(int(per_page), 3000)]
            if path == "participants/npq":
                found = [self.participant(i) for i in found]
        return 200, {"data": found}, {}

    def void(self, dfe_id: str):
        if dfe_id not in self.declarations:
            return 404, {"error": "Resource not found"}, {}
        state = self.declarations[dfe_id]["attributes"]["state"]
        if state == "voided":
            return 422, {"errors": [{"title": "declaration", "detail": VOIDED_ALREADY}]}, {}
        if state in ("awaiting-clawback", "clawed-back"):
            return 422, {"errors": [{"title": "declaration", "detail": REFUNDED}]}, {}
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


def _query(args) -> tuple:
    return tuple(sorted((str(k), str(v)) for k, v in args.items()))


def _declaration(request: dict) -> bool:
    """A POST of a declaration (not of an outcome)."""
    return request["method"] == "POST" and request["path"].endswith("/participant-declarations")


def _key(body: dict) -> tuple[str, str]:
    attributes = body["data"]["attributes"]
    return attributes.get("participant_id"), attributes.get("declaration_type")


def _server_now(server_date: str | None) -> datetime:
    """DfE's clock: the sandbox runs a request at X-With-Server-Date when it is sent (read as UTC)."""
    if server_date:
        found = datetime.fromisoformat(server_date.replace("Z", "+00:00"))
        return found if found.tzinfo else found.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def _when(value) -> datetime | None:
    """An RFC 3339 date-time as DfE reads it (no offset: UTC), or None."""
    if not isinstance(value, str) or not RFC3339.fullmatch(value):
        return None
    found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return found if found.tzinfo else found.replace(tzinfo=timezone.utc)


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
