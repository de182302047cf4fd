"""The one way a service refuses: which input is at fault, and what to tell the person."""
from __future__ import annotations


class Refusal(ValueError):
    """field: the input at fault (a form field or file column name; None: the request as a whole).
    message: a sentence for the person who gave the input. str() of a refusal is the message."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
