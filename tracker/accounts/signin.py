"""Sign-in throttling that an attacker cannot turn against a real user (OWASP ASVS 2.2.1: progressive
delays, not lockouts).

Two counters, each a row of sign_in_throttle:

- **This account from this address.** The first FREE_CHECKS wrong passwords cost nothing; after
  that each further check of a password for the account from that address must wait a delay that
  doubles (1, 2, 4, 8 minutes) up to MOST_DELAY. Wrong passwords from elsewhere never count here,
  so a real user signing in from their own address is never held up by someone guessing theirs.
- **This address, across accounts** (credential stuffing): far higher, ADDRESS_FREE_CHECKS wrong
  passwords, then the same doubling delays for that address. It does not apply to an account
  that has signed in from that address in the last KNOWN_FOR (a school's people behind one address
  keep signing in while someone there tries other people's accounts).

A counter forgets its wrong passwords FORGET_AFTER its last one. A right password clears the
account-and-address counter and takes its check back from the address's.

Each check is claimed before the password is checked, with one conditional UPDATE that counts it
and sets when the next may be made, so parallel guesses can never get more checks than the rules
allow: the database applies them one at a time, and those that find the next check not yet due
change nothing and are refused.
An attempt that gets no claim is refused without its password being checked or counted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import SignInAttempt, SignInThrottle

FREE_CHECKS = 5
ADDRESS_FREE_CHECKS = 100
FIRST_DELAY = timedelta(minutes=1)
MOST_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
KNOWN_FOR = timedelta(days=30)


@dataclass(frozen=True)
class Claim:
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Refused:
    """Throttled: no password is checked before `until`."""
    until: datetime


def delay_after(checks: int, free: int) -> timedelta:
    """How long the next check waits after `checks` counted ones: nothing while they are within the free
    ones, then 1, 2, 4, 8 ... minutes, never more than MOST_DELAY."""
    if checks < free:
        return timedelta(0)
    return min(FIRST_DELAY * (2 ** min(checks - free, 16)), MOST_DELAY)


def pair_key(email: str, address: str) -> str:
    return f"account:{email.casefold()}|address:{address}"[:300]


def address_key(address: str) -> str:
    return f"address:{address}"[:300]


def _ensure_row(key: str, now: datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(SignInThrottle).values(key=key, checks=0, last_at=now, next_at=now - FORGET_AFTER)
                       .on_conflict_do_nothing(index_elements=["key"]))


def _take(key: str, free: int, now: datetime) -> datetime | None:
    """Claims one check on the counter in one conditional UPDATE (the database applies concurrent ones
    one after another, each to the row as the one before left it); None when claimed, else the time
    from which one may be."""
    stale = SignInThrottle.last_at < now - FORGET_AFTER
    counted = case((stale, 1), else_=SignInThrottle.checks + 1)
    # Within the free checks next_at stays where it was (in the past): a guess that read the clock a moment
    # before another's claim landed is not refused for it (threads and workers at once, issue 22).
    waits, k = [(counted < free, case((stale, now - FORGET_AFTER), else_=SignInThrottle.next_at))], free
    while delay_after(k, free) < MOST_DELAY:
        waits.append((counted == k, now + delay_after(k, free)))
        k += 1
    claimed = db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.key == key, stale | (SignInThrottle.next_at <= now))
        .values(checks=counted, last_at=now, next_at=case(*waits, else_=now + MOST_DELAY))
        .execution_options(synchronize_session=False))
    if claimed.rowcount == 1:
        return None
    return db.session.scalar(select(SignInThrottle.next_at).where(SignInThrottle.key == key))


def _give_back(key: str) -> None:
    db.session.execute(update(SignInThrottle).where(SignInThrottle.key == key, SignInThrottle.checks > 0)
                       .values(checks=SignInThrottle.checks - 1).execution_options(synchronize_session=False))


def _known_here(email: str, address: str, now: datetime) -> bool:
    """The account has signed in from this address lately."""
    return bool(db.session.scalar(select(exists().where(
        SignInAttempt.email == email.casefold()[:254], SignInAttempt.address == address[:64],
        SignInAttempt.succeeded.is_(True), SignInAttempt.at >= now - KNOWN_FOR))))


def claim_check(email: str, address: str, now: datetime) -> Claim | Refused:
    """A claim to check one password for this account from this address, or Refused (with until when).
    Commits, so the claim counts for every other worker before the password is checked."""
    db.session.commit()
    counters = [(pair_key(email, address), FREE_CHECKS)]
    if not _known_here(email, address, now):
        counters.append((address_key(address), ADDRESS_FREE_CHECKS))
    taken = []
    for key, free in counters:
        _ensure_row(key, now)
        db.session.commit()
        until = _take(key, free, now)
        if until is not None:
            for earlier in taken:
                _give_back(earlier)
            db.session.commit()
            return Refused(until)
        db.session.commit()
        taken.append(key)
    return Claim(tuple(taken))


def settle(claim: Claim, email: str, address: str, now: datetime, succeeded: bool) -> None:
    """Records the checked attempt. A right password clears this account-and-address counter and gives
    the address its check back; a wrong one keeps both."""
    if succeeded:
        pair, *others = claim.keys
        db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == pair)
                           .execution_options(synchronize_session=False))
        for key in others:
            _give_back(key)
    db.session.add(SignInAttempt(email=email.casefold()[:254], address=address[:64], at=now, succeeded=succeeded))
