"""Checks the escalation services share; each refuses with tracker.refusal.Refusal."""
from __future__ import annotations

from datetime import date


from ..refusal import Refusal


def require_text(field: str, value: str | None, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Refusal(field, message)
    return text


def require_choice(field: str, value: str | None, choices: tuple[str, ...], message: str) -> str:
    if value not in choices:
        raise Refusal(field, message)
    return value


def require_past(field: str, value: date | None, today: date, label: str) -> date:
    """A date on or before today: what happened cannot be dated in the future."""
    if value is None:
        raise Refusal(field, f"Enter the {label}")
    if value > today:
        raise Refusal(field, f"The {label} must be today or in the past")
    return value

