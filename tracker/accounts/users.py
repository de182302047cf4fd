"""Creating accounts, invitations and password resets.

An invitation or reset is a random token (32 bytes) of which only the SHA-256 hash is kept; it works
once, until it expires (INVITE_LIFETIME, RESET_LIFETIME), and a new one replaces the old. The links
carry it in the URL's fragment, never in its path or query (tracker/web/auth.py says why).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..imports.fields import an_email
from ..models import User
from ..models.accounts import FACILITATOR, PARTNER_LEAD, ROLES
from ..refusal import Refusal
from .passwords import hash_password, password_problem
from .sessions import end_all_sessions

INVITE_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
# A new reset email is not sent while the last one is this fresh, so no one can flood an inbox.
RESET_RESEND_AFTER = timedelta(minutes=2)
PARTNER_ROLES = (PARTNER_LEAD, FACILITATOR)


def partner_for_role(role: str, partner_id: int | None) -> int | None:
    """The partner a user of this role belongs to: partner roles need one, EDT roles have none."""
    if role not in ROLES:
        raise Refusal("role", f"role must be one of {', '.join(ROLES)}")
    if role in PARTNER_ROLES and partner_id is None:
        raise Refusal("partner", "Choose the delivery partner of a partner lead or facilitator")
    if role not in PARTNER_ROLES and partner_id is not None:
        raise Refusal("partner", "EDT staff and admins have no delivery partner: choose None (EDT staff)")
    return partner_id


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(email: str, name: str, role: str, now: datetime, *, password: str | None = None,
                partner_id: int | None = None, invited_by: int | None = None,
                actor: str | None = None) -> tuple[User, str | None]:
    """Returns the user and, when no password is given, a one-time invitation token.

    With an actor, the new account is written to the audit trail: "invite" when it waits for an
    invitation to be accepted, "create" when it has a password.
    """
    try:  # the one check of an address (imports/fields.py): the form's own check may be bypassed
        email = an_email(email).casefold()
    except ValueError as error:
        raise Refusal("email", f"Enter an email address like name@example.org ({error})") from None
    partner_id = partner_for_role(role, partner_id)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Refusal("email", f"an account for {email} already exists")
    user = User(email=email, name=name.strip(), role=role, partner_id=partner_id, created_at=now,
                invited_by=invited_by, active=True)
    token = None
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise Refusal("password", problem)
        user.password_hash = hash_password(password)
    else:
        token = _new_invitation(user, now)
    db.session.add(user)
    if actor is not None:
        db.session.flush()
        record(actor, "create" if token is None else "invite", "user", user.id,
               after={"email": user.email, "role": user.role})
    return user, token


def user_for_invite(token: str, now: datetime) -> User | None:
    user = db.session.scalar(select(User).where(User.invite_token_hash == _token_hash(token)))
    if user is None or user.invite_expires_at is None or user.invite_expires_at < now:
        return None
    return user


def accept_invite(user: User, password: str) -> None:
    change_password(user, password)
    user.invite_token_hash = None
    user.invite_expires_at = None
    record(user.email, "accept-invitation", "user", user.id)


def request_reset(email: str, now: datetime) -> tuple[User, str] | None:
    """A reset link for the active account with this email, or None: no such account, or one was sent
    moments ago. The caller answers the same either way."""
    user = db.session.scalar(select(User).where(User.email == email.strip().casefold()))
    if user is None or not user.active:
        return None
    if user.reset_expires_at is not None and user.reset_expires_at - RESET_LIFETIME > now - RESET_RESEND_AFTER:
        return None
    token = secrets.token_urlsafe(32)
    user.reset_token_hash = _token_hash(token)
    user.reset_expires_at = now + RESET_LIFETIME
    record(user.email, "request-password-reset", "user", user.id, after={"expires_at": user.reset_expires_at})
    return user, token


def user_for_reset(token: str, now: datetime) -> User | None:
    user = db.session.scalar(select(User).where(User.reset_token_hash == _token_hash(token)))
    if user is None or not user.active or user.reset_expires_at is None or user.reset_expires_at < now:
        return None
    return user


def reset_password(user: User, password: str) -> None:
    """The link's one use: a new password (the same rules as everywhere), every session ended."""
    change_password(user, password)
    user.reset_token_hash = None
    user.reset_expires_at = None
    user.invite_token_hash = None
    user.invite_expires_at = None
    record(user.email, "reset-password", "user", user.id)


def change_password(user: User, password: str) -> None:
    """A new password ends every session the user has; the caller starts this client's afresh."""
    problem = password_problem(password, user.email)
    if problem:
        raise Refusal("password", problem)
    user.password_hash = hash_password(password)
    end_all_sessions(user.id)


def _new_invitation(user: User, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    user.invite_token_hash = _token_hash(token)
    user.invite_expires_at = now + INVITE_LIFETIME
    return token


def resend_invitation(user: User, now: datetime, actor: str) -> str:
    """A new invitation link valid for 7 days; the old link stops working."""
    if user.password_hash:
        raise Refusal(None, f"{user.email} has already set a password: there is no invitation to resend")
    if not user.active:
        raise Refusal(None, f"{user.email} is deactivated: reactivate the account first")
    token = _new_invitation(user, now)
    record(actor, "resend-invitation", "user", user.id, after={"email": user.email})
    return token


def change_role(user: User, role: str, partner_id: int | None, actor: str) -> None:
    """What the user may see changes, so their sessions end and they sign in to the new role."""
    partner_id = partner_for_role(role, partner_id)
    if (user.role, user.partner_id) == (role, partner_id):
        return
    before = {"role": user.role, "partner_id": user.partner_id}
    user.role, user.partner_id = role, partner_id
    end_all_sessions(user.id)
    record(actor, "change-role", "user", user.id, before=before, after={"role": role, "partner_id": partner_id})


def deactivate(user: User, actor: str) -> int:
    """The account can no longer sign in, and every session it has ends now. Returns how many."""
    user.active = False
    user.invite_token_hash = None
    user.invite_expires_at = None
    user.reset_token_hash = None
    user.reset_expires_at = None
    ended = end_all_sessions(user.id)
    record(actor, "deactivate", "user", user.id, after={"active": False, "sessions_ended": ended})
    return ended


def reactivate(user: User, actor: str) -> None:
    user.active = True
    record(actor, "reactivate", "user", user.id, after={"active": True})


def sign_out_everywhere(user: User, actor: str) -> int:
    ended = end_all_sessions(user.id)
    record(actor, "sign-out-everywhere", "user", user.id, after={"sessions_ended": ended})
    return ended
