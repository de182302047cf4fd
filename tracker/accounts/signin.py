"""Sign-in throttling: at most 5 password checks per account and 20 per client address in a
15-minute window, counted atomically so parallel guesses can never get more checked.

Before a password is checked the attempt claims a slot on both counters with one conditional
UPDATE each (the database serialises concurrent updates of a row, so no more than the limit
succeed). A failed check keeps its slots; a successful one gives them back; an attempt that gets
no slot is refused without being checked or counted, so an attacker cannot keep an account
locked: the window ends on its own 15 minutes after it began.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import SignInAttempt, SignInThrottle

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT = 5
MAX_PER_ADDRESS = 20


@dataclass(frozen=True)
class Claim:
    keys: tuple[str, ...]


def _keys(email: str, address: str) -> list[tuple[str, int]]:
    return [(f"account:{email.casefold()}"[:300], MAX_PER_ACCOUNT), (f"address:{address}"[:300], MAX_PER_ADDRESS)]


def _ensure_row(key: str, now: datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(SignInThrottle).values(key=key, window_start=now, checks=0)
                       .on_conflict_do_nothing(index_elements=["key"]))


def _take(key: str, limit: int, now: datetime) -> bool:
    since = now - WINDOW
    stale = SignInThrottle.window_start < since
    result = db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.key == key, stale | (SignInThrottle.checks < limit))
        .values(checks=case((stale, 1), else_=SignInThrottle.checks + 1),
                window_start=case((stale, now), else_=SignInThrottle.window_start))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _give_back(key: str) -> None:
    db.session.execute(update(SignInThrottle).where(SignInThrottle.key == key, SignInThrottle.checks > 0)
                       .values(checks=SignInThrottle.checks - 1).execution_options(synchronize_session=False))


def claim_check(email: str, address: str, now: datetime) -> Claim | None:
    """A slot to check one password for this account from this address, or None when throttled.
    Commits, so the slot counts for every other worker before the password is checked."""
    db.session.commit()
    taken = []
    for key, limit in _keys(email, address):
        _ensure_row(key, now)
        if not _take(key, limit, now):
            for earlier in taken:
                _give_back(earlier)
            db.session.commit()
            return None
        taken.append(key)
    db.session.commit()
    return Claim(tuple(taken))


def settle(claim: Claim, email: str, address: str, now: datetime, succeeded: bool) -> None:
    """Records the checked attempt. A success frees the account and gives the address its slot back."""
    if succeeded:
        account, address_key = claim.keys
        db.session.execute(update(SignInThrottle).where(SignInThrottle.key == account).values(checks=0)
                           .execution_options(synchronize_session=False))
        _give_back(address_key)
    db.session.add(SignInAttempt(email=email.casefold()[:254], address=address[:64], at=now, succeeded=succeeded))
