"""The one error the escalation services raise: which field is wrong, and why."""
from __future__ import annotations

from datetime import date


class ActionProblem(ValueError):
    """field: the input at fault (a form field name), message: what to tell the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def require_text(field: str, value: str | None, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ActionProblem(field, message)
    return text


def require_choice(field: str, value: str | None, choices: tuple[str, ...], message: str) -> str:
    if value not in choices:
        raise ActionProblem(field, message)
    return value


def require_past(field: str, value: date | None, today: date, label: str) -> date:
    """A date on or before today: what happened cannot be dated in the future."""
    if value is None:
        raise ActionProblem(field, f"Enter the {label}")
    if value > today:
        raise ActionProblem(field, f"The {label} must be today or in the past")
    return value

