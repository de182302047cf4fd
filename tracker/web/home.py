"""The landing page after sign-in is the dashboard (dashboard.py); /health answers without sign-in."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, send_from_directory, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

from .access import ANYONE, PUBLIC, access

bp = Blueprint("home", __name__)


@bp.get("/")
@access(ANYONE)
def dashboard():
    return redirect(url_for("dashboard.index"))


@bp.get("/health")
@access(PUBLIC)
def health():
    """For the load balancer: 200 only when the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: the database does not answer")
        return {"status": "unavailable", "database": "down"}, 503, {"Cache-Control": "no-store"}
    return {"status": "ok", "database": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.get("/favicon.ico")
@access(PUBLIC)
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)
