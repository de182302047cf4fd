"""DfE's lead provider API v3 (INTERCHANGE.md "DfE's API"), over httpx with timeouts.

The token comes from DFE_API_TOKEN in the environment and goes only into the Authorization
header: it is never printed, logged, stored or audited. Every request and its answer are
audited as they happen, each on its own transaction (method, path, query, body, status, answer),
so a run that fails or whose worker is killed keeps what it asked and what DfE answered.

DfE throttles each token to DFE_RATE_LIMIT requests (1,000) in fixed windows of
DFE_RATE_WINDOW_SECONDS (300) aligned to Unix time, and answers 429 `Retry later` with no
Retry-After (dfe/README.md, section 6): the client paces itself under the limit (Pacer), and
after a 429 sends nothing more until the next window begins.
"""
from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx
from sqlalchemy import event, func, select

from ..audit import record as audit, record_at_once
from ..clock import seconds
from ..extensions import db
from ..models import AuditEvent
from ..refusal import Refusal

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
THROTTLED_WINDOWS = 3  # 429s in a row a request waits out before the run gives up
AUDITED_ANSWER = 4000  # characters of an answer kept in the audit
AUDIT_ACTION = "dfe-api"


class DfeProblem(Refusal):
    """DfE's API cannot be used now (not configured, not answering, an unexpected answer)."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class DfeUnauthorized(DfeProblem):
    """401: DfE refused the token. A run stops at once."""


class DfeThrottled(DfeProblem):
    """DfE kept answering 429 for THROTTLED_WINDOWS windows in a row. A run stops."""


class DfeNoAnswer(DfeProblem):
    """The request went out but no answer came (a timeout, a dropped connection): DfE may have acted on it."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict | None

    def errors(self) -> list[str]:
        """DfE's error details (a 422's `errors[].detail`)."""
        found = (self.body or {}).get("errors") or []
        return [str(e.get("detail") or e.get("title") or e) if isinstance(e, dict) else str(e) for e in found] or [
            f"DfE answered {self.status}"]

    @property
    def data(self) -> dict:
        data = (self.body or {}).get("data")
        return data if isinstance(data, dict) else {}

    @property
    def items(self) -> list[dict]:
        data = (self.body or {}).get("data")
        return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []

    @property
    def lost(self) -> bool:
        """A server fault or a proxy's 502/504: whether DfE acted on the request is not known."""
        return self.status >= 500


@dataclass(frozen=True)
class Attempt:
    """One sending of a request: DfE's status and answer (its JSON, else its text), or the error
    that left it unanswered."""
    status: int | None
    body: dict | None
    text: str
    error: str | None = None


@dataclass(frozen=True)
class Pacing:
    limit: int  # requests per window
    window: float  # seconds

    @classmethod
    def configured(cls) -> Pacing:
        return cls(int(os.environ.get("DFE_RATE_LIMIT", "1000")), float(os.environ.get("DFE_RATE_WINDOW_SECONDS", "300")))

    def index(self, seconds: float) -> int:
        return math.floor(seconds / self.window)


class Pacer:
    """At most `limit` requests in each window of Unix time; after a 429, none until the next window.

    `clock` (seconds since the epoch) and `sleep` are arguments so that tests need not wait minutes.
    `used`: requests already made in the current window (by an earlier run, from the audit).
    """

    def __init__(self, pacing: Pacing, *, clock: Callable[[], float] = seconds,
                 sleep: Callable[[float], None] = time.sleep, used: int = 0):
        self.pacing, self.clock, self.sleep = pacing, clock, sleep
        self.window, self.used = pacing.index(clock()), used
        self.waited = 0.0  # seconds spent waiting for a window, all told

    def turn(self) -> None:
        """Waits, if need be, until a request may go; counts it."""
        window = self.pacing.index(self.clock())
        if window != self.window:
            self.window, self.used = window, 0
        if self.used >= self.pacing.limit:
            self.next_window()
        self.used += 1

    def answered(self, counted: int) -> None:
        """The request counted in window `counted` was answered: if a later window has begun since, DfE may
        have counted it there (it was sent late, e.g. from a thread waiting for its turn to run), so it
        counts there too."""
        window = self.pacing.index(self.clock())
        if window != counted:
            if window != self.window:
                self.window, self.used = window, 0
            self.used += 1

    def throttled(self) -> None:
        """DfE answered 429: this window is spent, whatever the count says."""
        self.used = self.pacing.limit

    def next_window(self) -> None:
        boundary = (self.window + 1) * self.pacing.window
        while (left := boundary - self.clock()) > 0:
            self.sleep(left)
            self.waited += left
        self.window, self.used = self.pacing.index(self.clock()), 0


def used_this_window(pacing: Pacing, seconds: float) -> int:
    """Requests to DfE the audit holds since the current window began (an earlier run's, a killed worker's)."""
    began = datetime.fromtimestamp(pacing.index(seconds) * pacing.window, timezone.utc).replace(tzinfo=None)
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == AUDIT_ACTION, AuditEvent.at >= began)) or 0


class DfeApi:
    def __init__(self, base_url: str, token: str, *, actor: str, server_date: str | None = None,
                 pacer: Pacer | None = None, timeout: httpx.Timeout = TIMEOUT):
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if server_date:
            headers["X-With-Server-Date"] = server_date
        self.client = httpx.Client(base_url=base_url.rstrip("/") + "/", headers=headers, timeout=timeout)
        self.actor = actor
        if pacer is None:
            pacing = Pacing.configured()
            pacer = Pacer(pacing, used=used_this_window(pacing, seconds()))
        self.pacer = pacer

    @classmethod
    def from_environment(cls, actor: str, **options) -> DfeApi:
        problem = configuration_problem()
        if problem:
            raise DfeProblem(problem)
        return cls(os.environ["DFE_API_URL"].strip(), os.environ["DFE_API_TOKEN"].strip(), actor=actor,
                   server_date=os.environ.get("DFE_SERVER_DATE") or None, **options)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> DfeApi:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def request(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None,
                participant_pk: int | None = None, with_outcome: bool = False) -> Answer:
        """One request, paced; a 429 waits for the next window, THROTTLED_WINDOWS times at most.

        Raises DfeUnauthorized on 401, DfeThrottled when DfE kept throttling, and DfeNoAnswer when
        the request went but no answer came. A 5xx is returned (Answer.lost): the caller decides.
        The audit of the request is committed at once on its own transaction; with_outcome: it joins
        the caller's, which commits it at once with what it makes of the answer (one commit, not two,
        per declaration sent; a 429's is committed at once all the same, before the wait).
        """
        return self._answered(method, path, params, body, self._attempts(method, path, params, body), participant_pk,
                              with_outcome)

    def _attempts(self, method: str, path: str, params: dict | None, body: dict | None) -> Iterator[Attempt]:
        """The request sent, paced, and sent again after each 429 in the next window (THROTTLED_WINDOWS
        times at most): each attempt as it is answered. No database work, so it may run in a thread."""
        for _ in range(THROTTLED_WINDOWS + 1):
            self.pacer.turn()
            counted = self.pacer.window
            try:
                response = self.client.request(method, path, params=params, json=body)
            except httpx.HTTPError as error:
                yield Attempt(None, None, "", type(error).__name__)
                return
            finally:
                self.pacer.answered(counted)
            body_read = _json(response)
            yield Attempt(response.status_code, body_read, response.text[:AUDITED_ANSWER] if body_read is None else "")
            if response.status_code != 429:
                return
            self.pacer.throttled()

    def _answered(self, method: str, path: str, params: dict | None, body: dict | None, attempts: Iterable[Attempt],
                  participant_pk: int | None, with_outcome: bool) -> Answer:
        """Each attempt audited (before the next is made, when they come from _attempts itself), and what
        DfE answered, or why there is no answer to go on with (request())."""
        for attempt in attempts:
            self._audit_attempt(method, path, params, body, attempt, participant_pk,
                                with_outcome and attempt.status != 429)
            if attempt.error:
                raise DfeNoAnswer(f"DfE's API did not answer ({attempt.error})") from None
            answer = Answer(attempt.status, attempt.body)
            if attempt.status == 401:
                raise DfeUnauthorized("DfE's API refused the token (401): nothing more was sent")
            if attempt.status != 429:
                return answer
        raise DfeThrottled(f"DfE answered 429 (too many requests) {THROTTLED_WINDOWS + 1} times in a row, each after "
                           "waiting for its next rate window: nothing more was sent")

    def pages(self, path: str, what: str, verb: str, *, per_page: int, most: int, params: dict | None = None,
              so_far: Callable[[], str] = lambda: "") -> Iterator[list[dict]]:
        """Every page of one of DfE's lists (`what`: "declarations"), each committed before the next is looked
        at. DfE's paging is countless (dfe/README.md, section 6): a page holding fewer than `per_page` is
        the last. A runaway is stopped with a DfeProblem in words: a page that repeats the one before, or
        more than `most` pages; `verb` names the run ("refresh") and `so_far` what it had done.

        The next page is asked for (in a thread: pacing and HTTP only) while the caller works on this
        one, so the caller's database work overlaps the wait for DfE's rate window and its answer. Its
        audit is written here on the caller's thread, after the caller's page is committed; a page asked
        for when the caller stops early is audited all the same (_audit_late)."""
        previous: list[str] = []
        ahead: Future | None = None
        query: dict = {}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dfe-pages") as pool:
            try:
                for page in range(1, most + 2):
                    if page > most:
                        raise DfeProblem(f"DfE's list of {what} ran past {most:,} pages of {per_page:,}, more than "
                                         f"it could hold: the {verb} stopped there{_said(so_far())}")
                    db.session.commit()  # the page before is kept; nothing of ours uncommitted during the audit
                    query = {**(params or {}), "page[page]": page, "page[per_page]": per_page}
                    attempts = ahead.result() if ahead is not None else self._attempts("GET", path, query, None)
                    ahead = None
                    answer = self._answered("GET", path, query, None, attempts, None, False)
                    if answer.status != 200:
                        raise DfeProblem(f"DfE answered {answer.status} to page {page} of its {what}: "
                                         + "; ".join(answer.errors()))
                    items = answer.items
                    ids = [str(item.get("id") or "") for item in items]
                    if ids and ids == previous:
                        raise DfeProblem(f"DfE answered page {page} with the same {what} as page {page - 1}: its "
                                         f"paging does not move on, so the {verb} stopped{_said(so_far())}")
                    previous = ids
                    if len(items) < per_page:
                        yield items
                        return
                    if page < most:
                        query = {**query, "page[page]": page + 1}
                        ahead = pool.submit(self._sent, "GET", path, query)
                    yield items
            finally:
                if ahead is not None:
                    self._audit_late("GET", path, query, ahead)

    def _sent(self, method: str, path: str, params: dict | None) -> list[Attempt]:
        return list(self._attempts(method, path, params, None))

    def _audit_late(self, method: str, path: str, params: dict | None, sent: Future) -> None:
        """The audit of a request made ahead that the caller never took (it stopped, or failed). Written
        at once, unless the caller's transaction holds writes on SQLite (the audit would wait for them):
        then as soon as that transaction ends, committed or rolled back."""
        try:
            attempts = sent.result()
        except Exception:  # noqa: BLE001 - the thread failed before DfE answered: nothing to audit
            return

        def write(*_args) -> None:
            if not written:
                written.append(True)
                for attempt in attempts:
                    self._audit_attempt(method, path, params, None, attempt, None, False)

        written: list[bool] = []
        if not _holds_writes():
            write()
            return
        session = db.session()
        event.listen(session, "after_commit", write, once=True)
        event.listen(session, "after_rollback", write, once=True)

    def declarations_of(self, participant_id: str, participant_pk: int | None = None) -> list[dict]:
        """DfE's declarations for a participant (filter[participant_id]); one page holds them all."""
        answer = self.request("GET", "participant-declarations", params={"filter[participant_id]": participant_id},
                              participant_pk=participant_pk)
        if answer.status != 200:
            raise DfeProblem(f"DfE answered {answer.status} to the list of {participant_id}'s declarations: "
                             + "; ".join(answer.errors()))
        return answer.items

    def _audit_attempt(self, method, path, params, body, attempt: Attempt, participant_pk, with_outcome: bool) -> None:
        answer = {"error": attempt.error} if attempt.error else attempt.body if attempt.body is not None else attempt.text
        self._audit(method, path, params, body, attempt.status, answer, participant_pk, with_outcome)

    def _audit(self, method, path, params, body, status, answer, participant_pk, with_outcome: bool) -> None:
        text = answer if isinstance(answer, str) else json.dumps(answer)[:AUDITED_ANSWER]
        after = {"method": method, "path": path, "query": params or {}, "request": body, "status": status,
                 "answer": text}
        if with_outcome:  # committed with what the answer changed
            audit(self.actor, "dfe-api", "dfe-request", participant_id=participant_pk, after=after)
        else:  # committed now, on its own: a run killed later keeps it
            record_at_once(self.actor, "dfe-api", "dfe-request", participant_id=participant_pk, after=after)


def _holds_writes() -> bool:
    """Whether the session's transaction holds uncommitted writes on SQLite, which a write on another
    connection would wait for (PostgreSQL's would not)."""
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return False
    if not session.in_transaction():
        return False
    try:
        return bool(session.connection().connection.dbapi_connection.in_transaction)
    except Exception:  # noqa: BLE001 - a transaction that failed: the caller is to roll it back
        return True


def _said(so_far: str) -> str:
    return f" ({so_far})" if so_far else ""


def configuration_problem() -> str | None:
    """Why DfE's API cannot be used from this server, or None when it is configured."""
    if not os.environ.get("DFE_API_URL", "").strip():
        return "DFE_API_URL is not set: it names DfE's API, e.g. the sandbox's .../api/v3"
    if not os.environ.get("DFE_API_TOKEN", "").strip():
        return "DFE_API_TOKEN is not set: the lead provider's API token is read from the environment"
    return None


def _json(response: httpx.Response) -> dict | None:
    try:
        found = response.json()
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
