"""Security headers with a per-request CSP nonce, and the server-side session check on every request.

A session is valid while its row in user_session exists (tracker/accounts/sessions.py): 30 minutes
idle or 12 hours in all end it, and so does a cookie presented by another client (address and
browser): Flask-Login's own "strong" protection is off because it only marks permanent sessions
non-fresh.
"""
from __future__ import annotations

import secrets

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import login_user, logout_user

from ..accounts.sessions import EXPIRED, VALID, check_session, client_fingerprint, end_session, start_session
from ..clock import now
from ..extensions import db, login_manager
from ..models import User
from .access import PUBLIC

SESSION_TOKEN = "sid"
EXPIRED_MESSAGE = "You were signed out to keep your data safe. Sign in again to continue."
ENDED_MESSAGE = "You have been signed out. Sign in again to continue."
UNCHECKED = {"static", "home.favicon", "home.health"}


def this_client() -> str:
    return client_fingerprint(request.remote_addr, request.user_agent.string)


def begin_session(user: User) -> None:
    """Signs the user in on this client with a fresh cookie and a fresh server-side session."""
    session.clear()
    login_user(user)
    g.session_user_id = user.id
    session.permanent = True
    session[SESSION_TOKEN] = start_session(user.id, this_client(), now(),
                                           lifetime=current_app.config["PERMANENT_SESSION_LIFETIME"])


def finish_session() -> None:
    """Signs this client out: its server-side session ends, so copies of the cookie stop working too."""
    end_session(session.get(SESSION_TOKEN))
    db.session.commit()
    logout_user()
    session.clear()


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(user_id: str):
        if g.get("session_user_id") != int(user_id):
            return None
        user = g.pop("session_user", None) or db.session.get(User, int(user_id))
        return user if user is not None and user.active else None  # a disabled account's session ends

    @app.before_request
    def nonce_and_session():
        g.csp_nonce = secrets.token_urlsafe(16)
        if request.endpoint in UNCHECKED or "_user_id" not in session:
            return None
        verdict = check_session(session.get(SESSION_TOKEN), int(session["_user_id"]), this_client(), now(),
                                idle=app.config["IDLE_TIMEOUT"], lifetime=app.config["PERMANENT_SESSION_LIFETIME"])
        if db.session.dirty or db.session.deleted:  # last seen (once a minute) or the session ended
            db.session.commit()
        if verdict.state == VALID:
            g.session_user_id = verdict.user_id
            g.session_user = verdict.user
            return None
        logout_user()
        session.clear()
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "access_rule", None) == PUBLIC:
            return None
        flash(EXPIRED_MESSAGE if verdict.state == EXPIRED else ENDED_MESSAGE, "expired")
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))

    @app.after_request
    def headers(response):
        nonce = getattr(g, "csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if g.get("session_user_id") is not None:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def template_security():
        return {
            "cspNonce": getattr(g, "csp_nonce", ""),
            "idle_minutes": int(app.config["IDLE_TIMEOUT"].total_seconds() // 60),
        }
