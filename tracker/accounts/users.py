"""Creating accounts and invitations."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import User
from ..refusal import Refusal
from ..models.accounts import ROLES
from .passwords import hash_password, password_problem

INVITE_LIFETIME = timedelta(days=7)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(email: str, name: str, role: str, now: datetime, *, password: str | None = None,
                partner_id: int | None = None, invited_by: int | None = None,
                actor: str | None = None) -> tuple[User, str | None]:
    """Returns the user and, when no password is given, a one-time invitation token.

    With an actor, the new account is written to the audit trail: "invite" when it waits for an
    invitation to be accepted, "create" when it has a password.
    """
    email = email.strip().casefold()
    if role not in ROLES:
        raise Refusal("role", f"role must be one of {', '.join(ROLES)}")
    if role.startswith("partner") or role == "facilitator":
        if partner_id is None:
            raise Refusal("partner", "a delivery partner user needs a delivery partner")
    else:
        partner_id = None
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
        token = secrets.token_urlsafe(32)
        user.invite_token_hash = _token_hash(token)
        user.invite_expires_at = now + INVITE_LIFETIME
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
    problem = password_problem(password, user.email)
    if problem:
        raise Refusal("password", problem)
    user.password_hash = hash_password(password)
    user.invite_token_hash = None
    user.invite_expires_at = None
