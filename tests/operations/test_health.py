"""/health tells a load balancer the truth: 503 when the database does not answer (a real PostgreSQL, stopped)."""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tracker import create_app

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture()
def own_postgres():
    """A PostgreSQL of this test's own, listening on a unix socket only (no TCP port to share)."""
    assert (PG_BIN / "pg_ctl").exists(), "PostgreSQL 15 is needed (scripts/system-deps.sh installs it)"
    directory = Path(tempfile.mkdtemp(prefix="tracker-health-pg-"))
    data = directory / "data"
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    subprocess.run(_as_owner([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync"]),
                   check=True, capture_output=True, cwd="/")
    options = f"-c listen_addresses='' -c unix_socket_directories={directory} -c fsync=off"
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "60"]
    subprocess.run(_as_owner([*pg_ctl, "-o", options, "-l", str(directory / "log"), "start"]), check=True,
                   capture_output=True, cwd="/")
    stop = lambda: subprocess.run(_as_owner([*pg_ctl, "-m", "fast", "stop"]), capture_output=True, cwd="/")  # noqa: E731
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={directory}", stop
    finally:
        stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_health_answers_503_while_postgresql_is_down_and_200_when_it_answers(own_postgres):
    url, stop = own_postgres
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    client = app.test_client()
    up = client.get("/health")
    assert up.status_code == 200 and up.json == {"status": "ok", "database": "ok"}
    stop()
    down = client.get("/health")
    assert down.status_code == 503 and down.json == {"status": "unavailable", "database": "down"}
    assert down.headers["Cache-Control"] == "no-store"
    page = client.get("/sign-in")
    assert page.status_code == 200  # the sign-in form itself needs no database


def test_a_page_that_needs_the_database_is_the_error_page_while_it_is_down(own_postgres):
    url, stop = own_postgres
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    client = app.test_client()
    stop()
    login = client.get("/sign-in").get_data(as_text=True)
    token = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/sign-in", data={"csrf_token": token, "email": "a@edt.example", "password": "x" * 12})
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
