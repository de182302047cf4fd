"""The landing page after sign-in. The partner dashboard lives in dashboard.py when present."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from .access import ANYONE, PUBLIC, access

bp = Blueprint("home", __name__)


@bp.get("/")
@access(ANYONE)
def dashboard():
    view = current_app.view_functions.get("dashboard.index")
    if view is not None:
        return redirect(url_for("dashboard.index"))
    return render_template("home/index.html", title="Dashboard")


@bp.get("/health")
@access(PUBLIC)
def health():
    return {"status": "ok"}
