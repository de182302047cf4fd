"""DfE's lead provider API v3 (INTERCHANGE.md "DfE's API"), over httpx with timeouts.

The token comes from DFE_API_TOKEN in the environment and goes only into the Authorization
header: it is never printed, logged, stored or audited. Every request and its answer are
audited (method, path, query, body, status, answer).
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

from ..audit import record as audit
from ..clock import now

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RETRIES = 3  # after a 429
LONGEST_WAIT = 120.0  # seconds: a Retry-After beyond this is cut to it
AUDITED_ANSWER = 4000  # characters of an answer kept in the audit


class DfeProblem(Exception):
    """DfE's API cannot be used now (not configured, not answering, an unexpected answer)."""


class DfeUnauthorized(DfeProblem):
    """401: DfE refused the token. A run stops at once."""


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


def retry_after(value: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); 1 when absent or unreadable."""
    if not value:
        return 1.0
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value).replace(tzinfo=None) - now()).total_seconds()
        except (TypeError, ValueError):
            return 1.0
    return min(max(seconds, 0.0), LONGEST_WAIT)


class DfeApi:
    def __init__(self, base_url: str, token: str, *, actor: str, server_date: str | None = None,
                 sleep: Callable[[float], None] = time.sleep, timeout: httpx.Timeout = TIMEOUT):
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if server_date:
            headers["X-With-Server-Date"] = server_date
        self.client = httpx.Client(base_url=base_url.rstrip("/") + "/", headers=headers, timeout=timeout)
        self.actor, self.sleep = actor, sleep

    @classmethod
    def from_environment(cls, actor: str, **options) -> DfeApi:
        url, token = os.environ.get("DFE_API_URL", "").strip(), os.environ.get("DFE_API_TOKEN", "").strip()
        if not url:
            raise DfeProblem("DFE_API_URL is not set: it names DfE's API, e.g. the sandbox's .../api/v3")
        if not token:
            raise DfeProblem("DFE_API_TOKEN is not set: the lead provider's API token is read from the environment")
        return cls(url, token, actor=actor, server_date=os.environ.get("DFE_SERVER_DATE") or None, **options)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> DfeApi:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def request(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None,
                participant_pk: int | None = None) -> Answer:
        """One request; a 429 is retried after its Retry-After, at most RETRIES times.

        Raises DfeUnauthorized on 401 and DfeProblem when DfE does not answer.
        """
        for attempt in range(RETRIES + 1):
            try:
                response = self.client.request(method, path, params=params, json=body)
            except httpx.HTTPError as error:
                self._audit(method, path, params, body, None, {"error": type(error).__name__}, participant_pk)
                raise DfeProblem(f"DfE's API did not answer ({type(error).__name__})") from None
            answer = Answer(response.status_code, _json(response))
            self._audit(method, path, params, body, response.status_code,
                        answer.body if answer.body is not None else response.text[:AUDITED_ANSWER], participant_pk)
            if response.status_code == 429 and attempt < RETRIES:
                self.sleep(retry_after(response.headers.get("Retry-After")))
                continue
            if response.status_code == 401:
                raise DfeUnauthorized("DfE's API refused the token (401): nothing more was sent")
            return answer
        return answer

    def _audit(self, method, path, params, body, status, answer, participant_pk) -> None:
        text = answer if isinstance(answer, str) else json.dumps(answer)[:AUDITED_ANSWER]
        audit(self.actor, "dfe-api", "dfe-request", participant_id=participant_pk,
              after={"method": method, "path": path, "query": params or {}, "request": body, "status": status,
                     "answer": text})


def _json(response: httpx.Response) -> dict | None:
    try:
        found = response.json()
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
