"""Every HTTP error as a page in the service's layout, with a way back: the one error handler."""
from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager

PAGES = {
    400: ("Sorry, there is a problem with that request",
          "The form may have been open too long or sent twice. Go back, reload the page and try again."),
    403: ("You do not have permission to see this page",
          "Your account's role does not include this page. Ask an EDT admin if you need it."),
    404: ("Page not found",
          "If you typed the web address, check it is correct. If you pasted it, check you copied all of it. "
          "You see only your own delivery partner's participants."),
    405: ("Page not found", "This page cannot be used that way. Go back and try again."),
    413: ("The file is too large", "Files can be up to {limit}. Split the file, or remove columns you do not need."),
    429: ("Too many requests", "Wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. If it happens again, tell EDT what you were doing."),
}


def _megabytes(size: int | None) -> str:
    return f"{size // (1024 * 1024)} MB" if size else "the size the upload page states"


def error_page(error: HTTPException):
    code = error.code or 500
    heading, advice = PAGES.get(code, (error.name, "Go back and try again."))
    advice = getattr(error, "advice", None) or advice  # a refusal that can say what was wrong (inputs.py)
    if code == 413:
        advice = advice.format(limit=_megabytes(getattr(error, "limit", None) or request.max_content_length))
    if code >= 500:
        _rollback()
    context = {"title": heading, "heading": heading, "advice": advice, "code": code}
    try:
        signed_in = current_user.is_authenticated
    except Exception:  # the database may be what failed: show the page to a signed-out visitor
        _rollback()
        g._login_user = login_manager.anonymous_user()
        signed_in = False
    response = render_template("errors/page.html", signed_in=signed_in, **context)
    return response, code, getattr(error, "get_headers", lambda: [])() if code in (405, 429) else []


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:
        db.session.close()


def init_app(app: Flask) -> None:
    """Unhandled exceptions reach the 500 page through Flask's own handle_exception (which logs them)."""
    app.register_error_handler(HTTPException, error_page)
