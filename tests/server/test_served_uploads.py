"""Uploads on a real gunicorn, over real HTTP on loopback, on the suite's own database.

The upload bombs are refused well inside gunicorn's worker timeout with the worker's memory
bounded; two clicks on Confirm at once import once; two overlapping files confirmed at once are
imported one after the other. Never a 500.
"""
from __future__ import annotations

import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import AuditEvent, CreditRecord, ImportBatch, PendingUpload

from ..imports.workbooks import expanding_strings, many_strings, million_rows
from ..web.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT = 30
HEADER = "participant_id,block,activity,completed_on"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workers(master: int) -> list[int]:
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == master:
            children.append(int(status.parent.name))
    return children


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


@pytest.fixture(scope="module")
def server(app):
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": secrets.token_urlsafe(48), "TRACKER_TODAY": "2023-03-01", "PYTHONPATH": str(ROOT),
           "UPLOAD_JOB_BYTES": str(20 * 1024 * 1024)}  # every file checked in the request, bombs too: no workers here
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", str(WORKER_TIMEOUT), "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/sign-in", timeout=30).read()
            break
        except OSError:  # not listening yet, or a worker still starting
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    while len(workers(process.pid)) < 2:
        time.sleep(0.1)
    yield base, process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser without JavaScript: cookies, CSRF tokens from the forms, no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirects)

    def tab(self) -> Client:
        """The same signed-in session with its own cookie jar, so that what one response sets
        (its flash message) is read back by the same client."""
        other = Client(self.base)
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        return other

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def csrf(self, path: str) -> str:
        status, _, page = self.request(path)
        assert status == 200, (path, status)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page)
        return match.group(1)

    def post(self, path: str, fields: dict, form_path: str | None = None) -> tuple[int, dict, str]:
        fields = {"csrf_token": self.csrf(form_path or path), **fields}
        return self.request(path, urllib.parse.urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, email: str) -> Client:
        status, headers, _ = self.post("/sign-in", {"email": email, "password": PASSWORD})
        assert status == 302, status
        return self

    def upload(self, content: bytes, filename: str, kind: str = "credits") -> tuple[int, dict, str]:
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in (("csrf_token", self.csrf("/uploads")), ("kind", kind)):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("/uploads", b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def preview(self, content: bytes, filename: str) -> str:
        status, headers, page = self.upload(content, filename)
        assert status == 302, page[:2000]
        return urllib.parse.urlparse(headers["Location"]).path

    def follow(self, response) -> str:
        status, headers, page = response
        assert status == 302, (status, page[:2000])
        status, _, page = self.request(urllib.parse.urlparse(headers["Location"]).path)
        assert status == 200
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def credit_rows(ref: str, count: int, first: date = date(2022, 10, 2)) -> list[str]:
    """count distinct credit records of one NPQLT cohort 3 participant (one activity, many days)."""
    return [f"{ref},1,Diagnostic Assessment for Block 1,{first + timedelta(days=n)}" for n in range(count)]


def csv_file(rows: list[str]) -> bytes:
    return ("\n".join([HEADER] + rows) + "\n").encode()


def count(model, *where) -> int:
    db.session.expire_all()
    value = db.session.scalar(select(func.count()).select_from(model).where(*where))
    db.session.commit()
    return value


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    results, start = [None] * len(calls), threading.Barrier(len(calls))

    def run(index, call):
        start.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


BOMBS = {
    "a million rows in 0.14 MB": (million_rows, "The file has more than 200,000 rows"),
    "shared strings expanding to 200 MB": (expanding_strings, "more than the 50 MB an XLSX file may hold"),
    "two million shared strings": (many_strings, "more than 1,000,000 different texts"),
}


@pytest.mark.parametrize("bomb", BOMBS)
def test_an_upload_bomb_is_refused_inside_the_worker_timeout_with_memory_bounded(server, two_partners, bomb):
    base, process = server
    build, message = BOMBS[bomb]
    data = build()
    client = Client(base).sign_in("lead@north.example")
    before = {pid: memory_kb(pid, "VmRSS") for pid in workers(process.pid)}
    started = time.monotonic()
    response = client.upload(data, "credits.xlsx")
    elapsed = time.monotonic() - started
    words = client.follow(response)
    assert message in words
    assert elapsed < WORKER_TIMEOUT / 3, f"refused after {elapsed:.1f} s"
    assert set(workers(process.pid)) == set(before), "a worker was killed"
    grown = max(memory_kb(pid, "VmHWM") - rss for pid, rss in before.items())
    assert grown < 100 * 1024, f"a worker grew by {grown // 1024} MB"
    assert count(PendingUpload) == 1 and count(CreditRecord) == 0


def test_two_clicks_on_confirm_at_once_import_once_and_both_show_the_result(server, two_partners):
    base, _ = server
    client = Client(base).sign_in("lead@north.example")
    preview = client.preview(csv_file(credit_rows("N001", 150)), "credits.csv")
    token = client.csrf(preview)
    confirm = f"{preview}/confirm"
    body = urllib.parse.urlencode({"csrf_token": token}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    tabs = (client.tab(), client.tab())
    responses = at_once(*(lambda tab=tab: tab.request(confirm, body, headers) for tab in tabs))
    for tab, response in zip(tabs, responses):
        assert response[0] == 302, response[2][:2000]
        assert "Imported credits.csv: 150 rows read, 150 created, 0 updated, 0 unchanged" in tab.follow(response)
    assert count(CreditRecord) == 150 and count(ImportBatch, ImportBatch.kind == "credits") == 1
    assert count(AuditEvent, AuditEvent.entity == "credits") == 1  # one "import" event for the one participant, not two


def test_overlapping_files_confirmed_at_once_are_imported_one_after_the_other(server, two_partners):
    base, _ = server
    lead = Client(base).sign_in("lead@north.example")
    facilitator = Client(base).sign_in("facilitator@north.example")
    shared = credit_rows("N001", 100)
    first = lead.preview(csv_file(shared + credit_rows("N001", 20, date(2023, 1, 20))), "lead.csv")
    second = facilitator.preview(csv_file(shared + credit_rows("N001", 20, date(2023, 2, 9))), "facilitator.csv")
    requests = []
    for client, preview in ((lead, first), (facilitator, second)):
        body = urllib.parse.urlencode({"csrf_token": client.csrf(preview)}).encode()
        requests.append(lambda c=client, p=preview, b=body: c.request(
            f"{p}/confirm", b, {"Content-Type": "application/x-www-form-urlencoded"}))
    results = at_once(*requests)
    pages = [client.follow(result) for client, result in zip((lead, facilitator), results)]
    assert all("Imported" in page for page in pages), pages
    assert count(CreditRecord) == 140 and count(ImportBatch, ImportBatch.kind == "credits") == 2
    created = sorted(int(re.search(r"(\d+) created", page).group(1)) for page in pages)
    assert created == [20, 120]
