"""Password hashing (argon2id) and the password policy (length and a common-password list)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128
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

