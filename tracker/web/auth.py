"""Signing in and out, and accepting an invitation."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..accounts.passwords import MIN_LENGTH, verify_password
from ..accounts.signin import claim_check, settle
from ..accounts.users import accept_invite, change_password, user_for_invite
from ..clock import now
from ..extensions import db
from ..models import User
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
        if claim is None:
            form.password.errors.append("Too many attempts to sign in. Wait 15 minutes and try again.")
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


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access(PUBLIC)
def accept_invitation(token: str):
    user = user_for_invite(token, now())
    if user is None:
        abort(404)
    form = SetPasswordForm()
    if attempt(form, lambda: accept_invite(user, form.password.data)):
        flash("Your password is set. Sign in to continue.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, user=user)


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


