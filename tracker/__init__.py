"""NPQ engagement tracker: the app factory."""
from __future__ import annotations

import os
import secrets

import click
from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import (Config, ConfigurationError, database_url, fixed_today, mail_settings, secret_key_problem,
                     trusted_proxies)
from .engagement.collection import paused_during_requests
from .extensions import csrf, db, login_manager, migrate

SQLITE_MAPPED_BYTES = 1 << 30


def _serving() -> bool:
    """Whether a web server is starting: a WSGI server importing wsgi.py, or `flask run`."""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def _map_sqlite_file(connection, _record) -> None:
    """SQLite reads the database file through a memory map: a page it reads again comes from the
    OS's cache without a read() call. A partner's pages read a few thousand participants' rows
    scattered over the whole file, and SQLite's own page cache (2 MB) holds few of them."""
    connection.execute(f"PRAGMA mmap_size = {SQLITE_MAPPED_BYTES}")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(os.path.dirname(__file__), "..", "templates"),
        static_folder=os.path.join(os.path.dirname(__file__), "..", "static"),
    )
    paused_during_requests(app)  # first, so that the other hooks run paused too
    app.config.from_object(Config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.instance_path)
    app.config["TODAY"] = fixed_today()
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY")
    app.config["TRUSTED_PROXIES"] = trusted_proxies()
    # where emailed links point (https://npq.example.org); unset, the address the request came to
    app.config["PUBLIC_URL"] = os.environ.get("PUBLIC_URL", "").strip()
    app.config.update(mail_settings())
    if config:
        app.config.update(config)
    problem = None if app.config.get("TESTING") else secret_key_problem(app.config.get("SECRET_KEY"))
    if problem and _serving():
        raise ConfigurationError(problem)
    if problem:
        # A command such as `flask init` or `flask import` signs no cookie, so it needs no secret.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers take turns on SQLite: wait for one another (an import holds the database for
        # seconds) rather than fail at once with "database is locked".
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                                   "connect_args": {"timeout": 30}}
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _map_sqlite_file)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)

    from . import models  # noqa: F401  (registers the tables on db.metadata)
    from .cli import register_commands
    from .web import profile, register_web

    register_commands(app)
    profile.init_app(app, "first")  # TRACKER_PROFILE: a line per request (tracker/web/profile.py)
    register_web(app)
    profile.init_app(app, "last")
    return app
