"""Running it for real: `make serve` is gunicorn with the environment's settings, and never a default secret."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import httpx
import pytest

from tracker import create_app
from tracker.config import ConfigurationError

from ..clock import suite_env
from ..served import ROOT, serve_env, served


def make_serve(env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("key", ["", "dev-only-change-me", "short-but-random-4f1c"])
def test_make_serve_refuses_to_start_without_a_real_secret_key(app, key):
    result = make_serve(serve_env(app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=key))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
    assert "Booting worker" not in result.stdout + result.stderr


def test_make_serve_refuses_when_secret_key_is_not_in_the_environment_at_all(app):
    env = serve_env(app.config["SQLALCHEMY_DATABASE_URI"])
    del env["SECRET_KEY"]
    result = make_serve(env)
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stdout + result.stderr


@pytest.mark.parametrize("key, problem", [
    (None, "SECRET_KEY is not set"), ("dev-only-change-me", "SECRET_KEY is a well-known default"),
    ("Change-Me", "SECRET_KEY is a well-known default"), ("x" * 20, "SECRET_KEY is too short"),
    ("ab" * 20, "SECRET_KEY is too easy to guess")])
def test_the_app_itself_refuses_a_missing_short_or_default_key_outside_tests(key, problem, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match=problem):
        create_app({"SECRET_KEY": key} if key is not None else None)


def test_make_serve_runs_gunicorn_on_the_port_with_the_workers_and_database_asked_for(app, session):
    env = serve_env(app.config["SQLALCHEMY_DATABASE_URI"], WEB_CONCURRENCY="3")
    with served(env) as (base, log):
        health = httpx.get(base + "/health")
        assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
        assert health.headers["Server"].startswith("gunicorn")
        page = httpx.get(base + "/sign-in")
        assert page.status_code == 200 and "Sign in" in page.text
        log.seek(0)
        output = log.read()
    assert f"Listening at: {base}" in output
    assert output.count("Booting worker") == 3


def test_the_worker_timeout_leaves_room_for_the_largest_allowed_upload():
    config = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)
    assert config["timeout"] >= 300
    assert config["bind"] == "127.0.0.1:8000"


def test_the_demo_key_is_made_once_at_random_and_reused(tmp_path):
    def key_in(directory):
        return subprocess.run([sys.executable, "-m", "tracker.demo.secret", str(directory)], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()

    first = key_in(tmp_path / "instance")
    assert len(first) == 64 and int(first, 16)
    assert key_in(tmp_path / "instance") == first
    assert stat.S_IMODE(os.stat(tmp_path / "instance" / "secret_key").st_mode) == 0o600
    assert key_in(tmp_path / "other") != first


def test_make_run_and_its_demo_use_the_instance_key():
    dry_run = subprocess.run(["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    commands = [line for line in dry_run.splitlines() if "flask --app tracker" in line]
    assert len(commands) == 3  # init, demo-data, run
    assert all("SECRET_KEY=$(.venv/bin/python -m tracker.demo.secret instance)" in line for line in commands)


def test_commands_need_no_secret_but_flask_run_refuses_without_one(tmp_path):
    env = suite_env({k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "TEST_DATABASE_URL")})
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    flask = [sys.executable, "-m", "flask", "--app", "tracker"]
    init = subprocess.run(flask + ["init"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    run = subprocess.run(flask + ["run", "--port", "1"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode != 0 and "SECRET_KEY is not set" in run.stdout + run.stderr
