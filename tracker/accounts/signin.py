"""Sign-in throttling: recent failures per account and per address, counted in the database."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import SignInAttempt

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT = 5
MAX_PER_ADDRESS = 20


def throttled(email: str, address: str, now: datetime) -> bool:
    since = now - WINDOW
    failures = select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False)
    )
    by_account = db.session.scalar(failures.where(SignInAttempt.email == email.casefold()))
    by_address = db.session.scalar(failures.where(SignInAttempt.address == address))
    return by_account >= MAX_PER_ACCOUNT or by_address >= MAX_PER_ADDRESS


def record_attempt(email: str, address: str, now: datetime, succeeded: bool) -> None:
    db.session.add(SignInAttempt(email=email.casefold()[:254], address=address[:64], at=now, succeeded=succeeded))
