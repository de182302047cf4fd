"""Security headers with a per-request CSP nonce, and session expiry (30 min idle, 12 h in all)."""
from __future__ import annotations

import secrets

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from ..clock import seconds
from ..extensions import db, login_manager
from ..models import User


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None  # a disabled account's session ends

    @app.before_request
    def nonce_and_expiry():
        g.csp_nonce = secrets.token_urlsafe(16)
        if not current_user.is_authenticated:
            return None
        now = seconds()
        idle = app.config["IDLE_TIMEOUT"].total_seconds()
        lifetime = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
        started, seen = session.get("signed_in_at", now), session.get("last_seen", now)
        if now - seen > idle or now - started > lifetime:
            logout_user()
            session.clear()
            flash("You were signed out to keep your data safe. Sign in again to continue.", "expired")
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if request.endpoint != "static":
            session["last_seen"] = now
        return None

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
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def template_security():
        return {
            "cspNonce": getattr(g, "csp_nonce", ""),
            "idle_minutes": int(app.config["IDLE_TIMEOUT"].total_seconds() // 60),
        }
