"""Ids people choose (participant ids, partner and course codes) in web addresses, whatever they hold.

A participant id such as `EX/001` imports fine, but a `/` in a path segment would split it, and an
escaped `%2F` is decoded by the web server before routing. Links therefore write `/` as `~2F` (and
`~` itself as `~7E`, and an id that is `.` or `..` with `~2E`), and the `id` converter reads them
back: every route takes such ids as `<id:name>`, and url_for builds the links. An id without `/`,
`~` or a lone dot keeps the address it always had.
"""
from __future__ import annotations

import re

from werkzeug.routing import BaseConverter

ESCAPED = {"~": "~7E", "/": "~2F", ".": "~2E"}
UNESCAPED = re.compile(r"~(7E|2F|2E)", re.IGNORECASE)


def escaped(value: str) -> str:
    value = value.replace("~", ESCAPED["~"]).replace("/", ESCAPED["/"])
    return value.replace(".", ESCAPED["."]) if value in (".", "..") else value


def unescaped(value: str) -> str:
    return UNESCAPED.sub(lambda found: bytes.fromhex(found[1]).decode(), value)


class IdConverter(BaseConverter):
    """One path segment holding an id, `/` and `~` escaped (see above)."""

    def to_python(self, value: str) -> str:
        return unescaped(value)

    def to_url(self, value: object) -> str:
        return super().to_url(escaped(str(value)))
