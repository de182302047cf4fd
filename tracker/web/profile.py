"""Where a served request's time goes: one line per request when TRACKER_PROFILE names a file.

Off unless TRACKER_PROFILE is set (bench/load.py sets it when asked to profile). Each line is a
JSON object: the worker's pid, the endpoint and status, the wall and CPU time of the request,
the time and number of SQL statements (and of writes among them), the time spent getting a
connection from the pool (pre-ping and new connections included), the time before the view
(the session check and sign-in bookkeeping, its commit included), template rendering, and the
cached results computed or read (tracker/engagement/version.py) with their time.
"""
from __future__ import annotations

import json
import os
import time

from flask import Flask, g, has_request_context, request, template_rendered, before_render_template
from sqlalchemy import event

from ..extensions import db

_WRITES = ("INSERT", "UPDATE", "DELETE")


def enabled() -> str:
    return os.environ.get("TRACKER_PROFILE", "").strip()


def _figures():
    return g.get("profile") if has_request_context() else None


def note_cache(name: str, outcome: str, seconds: float) -> None:
    """A cached() call: outcome is "hit" (this process), "shared" (read from the shared cache) or "miss"."""
    figures = _figures()
    if figures is not None:
        figures["cache"].append([name, outcome, round(seconds * 1000, 1)])


def init_app(app: Flask, stage: str) -> None:
    """Called twice by the app factory: "first" before the other hooks, "last" after them."""
    path = enabled()
    if not path:
        return
    if stage == "last":
        @app.before_request
        def view_starts() -> None:
            figures = _figures()
            if figures is not None:
                figures["before_view"] = time.perf_counter() - figures["t0"]
        return

    @app.before_request
    def start() -> None:
        g.profile = {"t0": time.perf_counter(), "cpu0": time.thread_time(), "sql": 0.0, "statements": 0,
                     "writes": 0, "checkout": 0.0, "checkouts": 0, "template": 0.0, "cache": [],
                     "before_view": 0.0}

    @app.after_request
    def finish(response):
        figures = g.pop("profile", None)
        if figures is None:
            return response
        line = {"pid": os.getpid(), "endpoint": request.endpoint, "path": request.full_path.rstrip("?"),
                "status": response.status_code,
                "wall_ms": round((time.perf_counter() - figures.pop("t0")) * 1000, 1),
                "cpu_ms": round((time.thread_time() - figures.pop("cpu0")) * 1000, 1),
                "sql_ms": round(figures.pop("sql") * 1000, 1), "checkout_ms": round(figures.pop("checkout") * 1000, 1),
                "template_ms": round(figures.pop("template") * 1000, 1),
                "before_view_ms": round(figures.pop("before_view") * 1000, 1), **figures}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        return response

    def rendering(sender, template, context, **extra) -> None:
        figures = _figures()
        if figures is not None:
            figures["_template_t0"] = time.perf_counter()

    def rendered(sender, template, context, **extra) -> None:
        figures = _figures()
        if figures is not None and "_template_t0" in figures:
            figures["template"] += time.perf_counter() - figures.pop("_template_t0")

    before_render_template.connect(rendering, app, weak=False)
    template_rendered.connect(rendered, app, weak=False)

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info["profile_t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany) -> None:
        figures = _figures()
        started = conn.info.pop("profile_t0", None)
        if figures is None or started is None:
            return
        figures["sql"] += time.perf_counter() - started
        figures["statements"] += 1
        if statement.lstrip()[:6].upper() in _WRITES:
            figures["writes"] += 1

    pool = engine.pool
    connect = pool.connect

    def timed_connect():
        started = time.perf_counter()
        try:
            return connect()
        finally:
            figures = _figures()
            if figures is not None:
                figures["checkout"] += time.perf_counter() - started
                figures["checkouts"] += 1

    pool.connect = timed_connect
