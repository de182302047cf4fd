"""Signed-in sessions held on the server (table user_session).

The cookie carries a random token; the row says whose session it is, which client started it
and when it was last used. Signing out, a password change, deactivation and an admin's "sign out
everywhere" delete rows, so a copied cookie stops working at once. Expiry (idle and absolute)
and the client check (same address and browser) are decided here, on the server, on every
request, for permanent sessions too.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import User, UserSession

# last_seen_at is written at most this often, so a busy user does not cost a write per page.
SEEN_GRANULARITY = timedelta(seconds=60)

VALID, EXPIRED, ENDED, OTHER_CLIENT = "valid", "expired", "ended", "other-client"


@dataclass(frozen=True)
class Verdict:
    state: str
    user_id: int | None = None
    user: User | None = None  # loaded with the session row (and their partner), for the page's user loader


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def client_fingerprint(address: str | None, user_agent: str | None) -> str:
    return _hash(f"{address or ''}\n{user_agent or ''}")


def start_session(user_id: int, client: str, now: datetime, *, lifetime: timedelta) -> str:
    """A new session for the user; returns the token for the cookie. Sessions past their lifetime go."""
    db.session.execute(delete(UserSession).where(UserSession.started_at < now - lifetime))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash(token), user_id=user_id, client=client, started_at=now,
                               last_seen_at=now))
    return token


def check_session(token: str | None, user_id: int, client: str, now: datetime, *, idle: timedelta,
                  lifetime: timedelta) -> Verdict:
    """Whether the cookie's session is still one the server knows, for this user and this client."""
    if not token:
        return Verdict(ENDED)
    # The user and their partner come with the session row, in one statement: the page's user loader and
    # its partner then cost none (each was a statement of its own on every request).
    found = db.session.execute(
        select(UserSession, User).join(User, User.id == UserSession.user_id).options(joinedload(User.partner))
        .where(UserSession.token_hash == _hash(token))
    ).first()
    row = found[0] if found else None
    if row is None or row.user_id != user_id:
        return Verdict(ENDED)
    if now - row.last_seen_at > idle or now - row.started_at > lifetime:
        db.session.delete(row)
        return Verdict(EXPIRED)
    if row.client != client:
        db.session.delete(row)  # a cookie used from elsewhere: end it for both
        return Verdict(OTHER_CLIENT)
    if now - row.last_seen_at >= SEEN_GRANULARITY:
        row.last_seen_at = now
    return Verdict(VALID, row.user_id, found[1])


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_all_sessions(user_id: int) -> int:
    """Signs the user out everywhere; returns how many sessions ended."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return result.rowcount or 0


def open_sessions(user_id: int, now: datetime, *, idle: timedelta, lifetime: timedelta) -> int:
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)).all()
    return sum(1 for row in rows if now - row.last_seen_at <= idle and now - row.started_at <= lifetime)
