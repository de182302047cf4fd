"""Password hashing (argon2id) and the password policy: length, a common-password list, and
zxcvbn's strength estimate (score 3 or more of 4: "safely unguessable" against an online attack)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_STRENGTH = 3
SERVICE_WORDS = ("npq", "tracker", "edt", "education", "development", "trust")
# argon2id with OWASP's recommended minimums: 19 MiB memory, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    path = Path(__file__).with_name("common-passwords.txt")
    return frozenset(line.strip().casefold() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    folded = password.casefold()
    if folded in _common() or len(set(folded)) <= 2:
        return "Password is too common: choose one that is harder to guess"
    local = email.split("@")[0].casefold()
    if len(local) >= 4 and local in folded:
        return "Password must not contain your email address"
    # zxcvbn's time grows with length; the first 64 characters decide the estimate well enough.
    words = [word for word in re.split(r"[@._+-]", email.casefold()) if len(word) >= 3]
    estimate = zxcvbn(password[:64], user_inputs=[email, *words, *SERVICE_WORDS])
    if estimate["score"] < MIN_STRENGTH:
        advice = estimate["feedback"].get("warning") or "it follows a pattern that is easy to guess"
        return f"Password is too easy to guess ({advice.rstrip('.').lower()}): add more unusual words or characters"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        _hasher.hash(password)  # spend the same time, so unknown accounts are not revealed
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False

