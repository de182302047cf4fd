"""The app under a real gunicorn, started the way an operator does (`make serve`), on a free loopback port."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from .clock import suite_env

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of `make serve` on the suite's date (tests/clock.py) and database."""
    env = suite_env({k: v for k, v in os.environ.items()
                     if k not in ("TRACKER_TODAY", "TRUSTED_PROXIES", "MAKEFLAGS", "MFLAGS")})
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32), "WEB_CONCURRENCY": "2"})
    env.update(extra)
    return env


@contextmanager
def served(env: dict[str, str], timeout: float = 90):
    """Runs `make serve` with env until the block ends; yields (base URL, the server's output so far)."""
    port = env.get("PORT") or str(free_port())
    env = {**env, "PORT": port}
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise AssertionError(f"make serve exited with {process.returncode}:\n{log.read()[-3000:]}")
            try:
                httpx.get(base + "/favicon.ico", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise AssertionError("make serve did not answer in time") from None
                time.sleep(0.2)
        yield base, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
