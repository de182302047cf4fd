"""What a request may carry: no NUL or other control character in its address, query or form.

PostgreSQL cannot store a NUL, and no one types one (or a backspace, or an escape): such a value
is a bad request, refused here for every page at once with a page that says which value and how
to put it right. A form's text may still hold line breaks and tabs (a note, an email template);
an address or query may not hold line breaks either. Uploaded files are checked by the importer,
row by row (tracker/imports/base.py).
"""
from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.exceptions import BadRequest

IN_ADDRESS = re.compile(r"[\x00-\x1f\x7f]")
IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
IN_QUERY = IN_TEXT  # a query value may be sent on to a form: next= is checked where it is used (auth.py)


class ControlCharacter(BadRequest):
    """A 400 whose page names the value at fault (errors.py shows `advice`)."""

    def __init__(self, where: str):
        super().__init__(f"control character in {where}")
        self.advice = (f"The {where} holds a character that cannot be typed or stored (such as a NUL byte "
                       "or a control character). Remove it, or type the text again rather than pasting it, "
                       "and try again.")


def _named(name: str) -> str:
    return f"'{name}'" if name.isprintable() and len(name) <= 40 else "a field"


def refuse_control_characters() -> None:
    if IN_ADDRESS.search(request.path):
        raise ControlCharacter("web address")
    for name, value in request.args.items(multi=True):
        if IN_QUERY.search(name) or IN_QUERY.search(value):
            raise ControlCharacter(f"search or filter value {_named(name)}")
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            if IN_TEXT.search(name) or IN_TEXT.search(value):
                raise ControlCharacter(f"form field {_named(name)}")
        for name, upload in request.files.items(multi=True):
            if IN_TEXT.search(upload.filename or ""):
                raise ControlCharacter("name of the uploaded file")


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)
