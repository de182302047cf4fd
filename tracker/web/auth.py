"""Signing in and out, accepting an invitation, and resetting a forgotten password.

Invitation and reset links carry their code in the URL's fragment (/invitations#CODE), which the
browser never sends to the server, so the code never reaches an access log or a Referer. The page
the link opens posts the code (static/js/link-code.js fills the form in and sends it; without
JavaScript the person pastes the code the email also gives). The POST exchanges the code for a
reference in the signed session cookie (the code's hash, not the code) and redirects to a page
whose address has no code, where the password is set. Codes are kept hashed, work once and expire
(tracker/accounts/users.py).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..accounts.passwords import MIN_LENGTH, verify_password
from ..accounts.signin import Refused, claim_check, settle
from ..accounts.users import (
    RESET_LIFETIME, _token_hash, accept_invite, change_password, reset_password, user_for_invite, user_for_reset,
)
from ..clock import now
from ..escalation.mailer import MailServer
from ..extensions import db
from ..models import User
from ..words import sign_in_wait
from .access import ANYONE, PUBLIC, access
from .refusals import attempt
from .security import begin_session, finish_session

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[DataRequired("Enter your email address"),
                                                    Email("Enter an email address like name@example.org")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[DataRequired("Enter your password")])


def _new_password():
    return PasswordField("New password", widget=GovPasswordInput(), validators=[
        DataRequired("Enter a password"), Length(min=MIN_LENGTH, message=f"Password must be at least {MIN_LENGTH} characters")])


def _confirm():
    return PasswordField("Confirm password", widget=GovPasswordInput(), validators=[
        DataRequired("Confirm your password"), EqualTo("password", "Passwords must match")])


class SetPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _confirm()


class CodeForm(FlaskForm):
    code = StringField("Code from your email", widget=GovTextInput(), validators=[
        DataRequired("Enter the code from your email")])


class ForgottenForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[
        DataRequired("Enter your email address"), Email("Enter an email address like name@example.org")])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", widget=GovPasswordInput(), validators=[
        DataRequired("Enter your current password")])
    password = _new_password()
    confirm = _confirm()


def _safe_next(target: str | None) -> str:
    """A page of this site to go on to: a path starting with one `/`, without a scheme, a host, a
    backslash (which browsers read as `/`) or any control character (a CR/LF would split the
    redirect's header); anything else goes to the dashboard."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable()):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
@access(PUBLIC)
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().casefold()
        address = request.remote_addr or "unknown"
        at = now()
        claim = claim_check(email, address, at)
        if isinstance(claim, Refused):
            form.password.errors.append(sign_in_wait((claim.until - at).total_seconds()))
            return render_template("auth/sign_in.html", form=form), 429
        user = db.session.scalar(select(User).where(User.email == email))
        right = user is not None and user.active and verify_password(user.password_hash, form.password.data)
        if user is None:
            verify_password(None, form.password.data)
        settle(claim, email, address, at, right)
        if right:
            begin_session(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
        form.password.errors.append("Email address or password is not right")
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@access(ANYONE)
def sign_out():
    finish_session()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


# The two kinds of emailed link: where the code is entered, the page that sets the password, the user
# a code belongs to, and what to say when a code does not work.
LINKS = {
    "invitation": ("auth.invitation", "auth.invitation_password", user_for_invite, "invite_token_hash",
                   "This invitation has expired or has been used. Ask whoever invited you to send a new one."),
    "reset": ("auth.reset", "auth.reset_password_page", user_for_reset, "reset_token_hash",
              "This link has expired or has been used. Ask for a new one from the sign-in page."),
}
HELD = "account_link"  # the session's reference: which kind of link, and its code's hash


def _enter_code(kind: str, title: str, lead: str):
    """The page a link opens: posts the code from the fragment (or as typed) and, when it works, holds
    a reference to it in the session and goes on to a page whose address has no code."""
    code_page, password_page, find, _, expired = LINKS[kind]
    form = CodeForm()
    if form.validate_on_submit():
        code = form.code.data.strip().lstrip("#")
        if find(code, now()) is None:
            form.code.errors.append(expired)
        else:
            session[HELD] = {"kind": kind, "hash": _token_hash(code)}
            return redirect(url_for(password_page))
    return render_template("auth/link_code.html", title=title, lead=lead, form=form)


def _held_user(kind: str) -> User | None:
    held = session.get(HELD) or {}
    if held.get("kind") != kind:
        return None
    _, _, _, column, _ = LINKS[kind]
    user = db.session.scalar(select(User).where(getattr(User, column) == held.get("hash")))
    if user is None or not user.active:
        return None
    expires = user.invite_expires_at if kind == "invitation" else user.reset_expires_at
    return user if expires is not None and expires >= now() else None


def _set_password(kind: str, action, template_title: str, done: str):
    code_page, _, _, _, expired = LINKS[kind]
    user = _held_user(kind)
    if user is None:
        session.pop(HELD, None)
        flash(expired, "problem")
        return redirect(url_for(code_page))
    form = SetPasswordForm()
    if attempt(form, lambda: action(user, form.password.data)):
        session.pop(HELD, None)
        flash(done, "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", title=template_title, form=form, user=user, kind=kind)


@bp.route("/invitations", methods=["GET", "POST"])
@access(PUBLIC)
def invitation():
    return _enter_code("invitation", "Accept your invitation",
                       "Enter the code from your invitation email to set your password.")


@bp.route("/invitations/password", methods=["GET", "POST"])
@access(PUBLIC)
def invitation_password():
    return _set_password("invitation", accept_invite, "Set your password", "Your password is set. Sign in to continue.")


@bp.route("/password/forgotten", methods=["GET", "POST"])
@access(PUBLIC)
def forgotten():
    """The same answer whether or not the account exists: a worker makes and sends the link."""
    form = ForgottenForm()
    email_set_up = MailServer.from_config(current_app.config) is not None
    if email_set_up and form.validate_on_submit():
        from ..jobs.runner import email_password_reset

        email = form.email.data.strip().casefold()
        email_password_reset(email, current_app.config.get("PUBLIC_URL") or request.url_root)
        return render_template("auth/reset_sent.html", title="Check your email", email=email,
                               hours=int(RESET_LIFETIME.total_seconds() // 3600))
    return render_template("auth/forgotten.html", title="Reset your password", form=form, email_set_up=email_set_up)


@bp.route("/password/reset", methods=["GET", "POST"])
@access(PUBLIC)
def reset():
    return _enter_code("reset", "Reset your password", "Enter the code from your email to choose a new password.")


@bp.route("/password/reset/new", methods=["GET", "POST"])
@access(PUBLIC)
def reset_password_page():
    return _set_password("reset", reset_password, "Choose a new password",
                         "Your password is changed and you are signed out everywhere. Sign in with your new password.")


@bp.route("/account/password", methods=["GET", "POST"])
@access(ANYONE)
def password():
    """A new password ends every session the user has, and this client starts a fresh one."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit() and not verify_password(user.password_hash, form.current.data):
        form.current.errors = [*form.current.errors, "Your current password is not right"]
    elif attempt(form, lambda: change_password(user, form.password.data)):
        begin_session(user)
        db.session.commit()
        flash("Your password is changed. You are signed out everywhere else.", "success")
        return redirect(url_for("home.dashboard"))
    return render_template("auth/password.html", title="Change your password", form=form)


@bp.post("/session")
@access(ANYONE)
def session_status():
    """Keeps the session alive when the user chooses to stay signed in (the warning's button)."""
    return redirect(_safe_next(request.args.get("next")))


