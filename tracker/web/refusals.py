"""Putting a service's Refusal on the WTForms form it came from, and the submit-try-commit step."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect
from flask_wtf import FlaskForm

from ..extensions import db
from ..refusal import Refusal


def show_refusal(form: FlaskForm, refusal: Refusal) -> None:
    """The message goes on the field the refusal names, or on the form's first field when the form
    has no such field (the refusal is about the request as a whole)."""
    field = form._fields.get(refusal.field) if refusal.field else None
    if field is None:
        field = next(f for f in form if f.name != "csrf_token")
    field.errors = [*field.errors, refusal.message]


@dataclass(frozen=True)
class Done:
    result: Any


def attempt(form: FlaskForm, action: Callable) -> Done | None:
    """Run the service when the form is submitted and valid, and commit what it did: Done with the
    service's result. A refusal rolls back and is shown on the form: None, as for a form not sent."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except Refusal as refusal:
        db.session.rollback()
        show_refusal(form, refusal)
        return None
    db.session.commit()
    return Done(result)


def done(form: FlaskForm, action: Callable, message: Callable[[Any], str] | str, to: str):
    """attempt(), then flash the message (made from the service's result when it is callable) and
    redirect to `to`. None when the form is to be shown again."""
    outcome = attempt(form, action)
    if outcome is None:
        return None
    flash(message(outcome.result) if callable(message) else message, "success")
    return redirect(to)
