"""Local dates and times as reports write them, with no time zone (FORMATS.md sections 1, 4, 5, 9.7).

Numeric dates are read in one order for the whole file. Teams writes the organiser's locale:
`15/11/22, 09:30:17` (en-BE), `17/05/2023, 15:58:41` (en-GB), `4/17/23, 7:29:57 PM` (en-US),
`15.11.2022, 09:30:17` (pl-PL); Zoom writes month first, `03/15/2023 03:58:12 PM`, even outside
the US. A date whose first number is over 12 proves day-first, one whose second is over 12 proves
month-first; a file proving both is refused. When nothing proves it, the reader's default stands
(INTERCHANGE.md: day-first, Zoom month-first) and `DateOrder.settled_by` says "default", so a
person can be asked; the caller's `dates` always wins. Excel's re-save forms (`4/17/2023 19:29`,
no comma, no seconds) and ISO `2023-04-17 19:29:57` read too, as do `Mar 28, 2020 08:07:27` and
`Sep 27, 2023 3:57 PM` (Zoom webinars) and U+202F or U+00A0 before AM/PM.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from ..fields import check_order, month_number
from ..reading import FileProblem
from .results import DAY_FIRST, MONTH_FIRST, DateOrder

NUMERIC = re.compile(
    r"(?P<a>\d{1,4})[./-](?P<b>\d{1,2})[./-](?P<c>\d{2,4})\.?,?\s+"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?\s*(?P<half>[ap]\.?\s?m\.?)?",
    re.IGNORECASE)
NAMED = re.compile(
    r"(?P<month>[A-Za-z]{3})[a-z]*\.? (?P<day>\d{1,2}),? (?P<year>\d{4}),? "
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<half>[ap]\.?\s?m\.?)?",
    re.IGNORECASE)
SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def _clean(text: str) -> str:
    return " ".join(text.translate(SPACES).split())


def _clock(found: re.Match) -> tuple[int, int, int]:
    hour, minute, second = int(found["hour"]), int(found["minute"]), int(found["second"] or 0)
    half = (found["half"] or "").replace(".", "").replace(" ", "").casefold()
    if half:
        if not 1 <= hour <= 12:
            raise ValueError
        hour = hour % 12 + (12 if half == "pm" else 0)
    return hour, minute, second


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def proves(text: str) -> str | None:
    """The order a numeric date can only be read in, if there is one."""
    found = NUMERIC.fullmatch(_clean(text))
    if not found or len(found["a"]) == 4:
        return None
    a, b = int(found["a"]), int(found["b"])
    if a > 12 >= b:
        return DAY_FIRST
    if b > 12 >= a:
        return MONTH_FIRST
    return None


class LocalTimes:
    """Reads a file's dates in the one order the file settles (or the caller asks for)."""

    def __init__(self, texts: Iterable[str], default: str, forced: str | None = None):
        if forced is not None:
            self.order = DateOrder(check_order(forced), "caller")
            return
        seen: dict[str, str] = {}
        for text in texts:
            order = proves(text)
            if order is not None:
                seen.setdefault(order, text)
        if len(seen) == 2:
            raise FileProblem(f"The file writes dates both day first ({seen[DAY_FIRST]}) and month first "
                              f"({seen[MONTH_FIRST]}): it cannot be read safely")
        self.order = DateOrder(next(iter(seen)), "file") if seen else DateOrder(default, "default")

    def parse(self, text: str) -> datetime:
        """A date and time; ValueError (with the text in its message) when it is not one."""
        cleaned = _clean(text)
        try:
            found = NUMERIC.fullmatch(cleaned)
            if found:
                a, b, c = found["a"], found["b"], found["c"]
                if len(a) == 4:
                    year, month, day = int(a), int(b), int(c)
                elif self.order.order == DAY_FIRST:
                    year, month, day = _year(c), int(b), int(a)
                else:
                    year, month, day = _year(c), int(a), int(b)
                return datetime(year, month, day, *_clock(found))
            found = NAMED.fullmatch(cleaned)
            if found and (month := month_number(found["month"])):
                return datetime(int(found["year"]), month, int(found["day"]), *_clock(found))
        except ValueError:
            pass
        raise ValueError(f"'{text}' is not a date and time ({self.order.order})")
