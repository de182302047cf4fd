"""Parsing single cells, the one home for how people write a field's value. Each parser raises
ValueError with a message for the user; the importer names the row and column.

Values are read as people write them (INTERCHANGE.md "Any other file: map its columns"), in every
import of the tracker's own kinds:
- a block as `3`, `Block 3` or `B3`;
- a date as `2023-05-17`, `17/05/2023` or `17/5/23`, with or without a time after it
  (`17/05/2023, 15:52:06`, `2023-05-17 15:52:06`, `2023-05-17T15:52:06`, `17/05/2023 3:52 PM`),
  with the month named (`17 May 2023`, `17-May-23`, `May 17, 2023`), or as Excel keeps it: a date
  cell, or a serial number of five digits, as a number or as text (45063 is 2023-05-17; `2023` or
  `3` in a date column is still refused). Numeric dates are day-first unless the caller says month-first.
The time, when there is one, is checked and dropped.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from ..exports.cells import FORMULA_STARTS

TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0"}
DAY_FIRST, MONTH_FIRST = "day-first", "month-first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's 1900 date system (Windows, Mac since 2011)
SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})

_TIME = (r"(?:[T ]|,\s*|\s+)(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d(?:\.\d+)?)?"
         r"(?:\s*[ap]\.?\s?m\.?|Z|[+-]\d{2}:?\d{2})?")
ISO = re.compile(rf"(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})(?:{_TIME})?", re.IGNORECASE)
NUMERIC = re.compile(rf"(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<year>\d{{4}}|\d{{2}})(?:{_TIME})?", re.IGNORECASE)
NAMED = re.compile(
    rf"(?:(?P<day>\d{{1,2}})[ -](?P<month>[a-z]{{3,9}})\.?[ -](?P<year>\d{{4}}|\d{{2}})"
    rf"|(?P<month2>[a-z]{{3,9}})\.? (?P<day2>\d{{1,2}}),? (?P<year2>\d{{4}}))(?:{_TIME})?", re.IGNORECASE)
SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
BLOCK = re.compile(r"(?:block|blk|b)\s*[-:.#]?\s*(?P<number>\d+)", re.IGNORECASE)


def text(value: object) -> str:
    """A cell as text, trimmed; the `'` the tracker's exports put before a cell a spreadsheet would
    run as a formula (`'=...`, `'-...`) is taken off, so an export imports back unchanged."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value)
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        value = value[1:]
    return value.strip()


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def control_character_problem(cell: str) -> str | None:
    """Why a one-line text cell cannot be stored, when it holds a control character (a NUL, which
    PostgreSQL refuses, a line break, an escape...): None when it holds none."""
    if cell.isprintable():  # the usual case, fast; a no-break space is not "printable" but allowed
        return None
    found = CONTROL.search(cell)
    if found is None:
        return None
    what = "a NUL character" if found[0] == "\x00" else f"a control character (U+{ord(found[0]):04X})"
    return f"contains {what}, which cannot be stored: type the value again"


def month_number(word: str) -> int | None:
    """1-12 for a month's name or its first three (or more) letters: `May`, `Sept`, `september`."""
    word = word.casefold()
    if len(word) >= 3:
        for number, name in enumerate(MONTHS, start=1):
            if name.startswith(word):
                return number
    return None


def _year(digits: str) -> int:
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _serial(number: float) -> date:
    """Excel's serial number of a day, five digits (1927 to 2173): a smaller number in a date column
    is more likely a mistake than a date of the 1900s."""
    if not 10_000 <= number < 100_000:
        raise ValueError
    return EXCEL_EPOCH + timedelta(days=int(number))


def check_order(order: str) -> str:
    if order not in DATE_ORDERS:
        raise ValueError(f"dates must be {DAY_FIRST} or {MONTH_FIRST}, not {order!r}")
    return order


@lru_cache(maxsize=4096)
def _date_text(value: str, order: str = DAY_FIRST) -> date:
    try:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":  # the usual case, fast
            return date.fromisoformat(value)
        cleaned = " ".join(value.translate(SPACES).split())
        if found := ISO.fullmatch(cleaned):
            return date(int(found["year"]), int(found["month"]), int(found["day"]))
        if found := NUMERIC.fullmatch(cleaned):
            first, second = int(found["a"]), int(found["b"])
            day, month = (first, second) if order == DAY_FIRST else (second, first)
            return date(_year(found["year"]), month, day)
        if found := NAMED.fullmatch(cleaned):
            month = month_number(found["month"] or found["month2"])
            if month is not None:
                return date(_year(found["year"] or found["year2"]), month, int(found["day"] or found["day2"]))
        if SERIAL.fullmatch(cleaned):
            return _serial(float(cleaned))
    except ValueError:
        pass
    form = "DD/MM/YYYY" if order == DAY_FIRST else "MM/DD/YYYY"
    raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD or {form})")


def a_date(value: object, order: str = DAY_FIRST) -> date:
    """A date cell (any time of day dropped), an Excel serial number, or a date as people write it;
    numeric dates in `order` (day-first or month-first)."""
    kind = type(value)
    if kind is datetime:
        return value.date()
    if kind is date:
        return value
    if kind in (int, float) and value == value:  # an XLSX number cell: Excel's serial number
        try:
            return _serial(value)
        except ValueError:
            pass
    value = text(value)
    if not value:
        raise ValueError("a date is required")
    return _date_text(value, check_order(order))


def a_bool(value: object) -> bool:
    word = text(value).lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueError(f"'{text(value)}' is not yes or no")


# A plain ASCII local part (RFC 5322's dot-atom), which email-validator always accepts: an address
# made of one and a domain already checked needs no second check (a national file has a few
# hundred domains; checking a domain is most of email-validator's 50 us an address).
PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@lru_cache(maxsize=4096)
def _checked_domain(domain: str) -> bool:
    """The domain passes email-validator with a plain local part."""
    try:
        validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def an_email(value: object) -> str:
    """An email address as given (stripped), checked by email-validator's syntax rules (no DNS)."""
    address = text(value)
    local, _, domain = address.rpartition("@")
    if len(address) <= 254 and len(local) <= 64 and PLAIN_LOCAL.fullmatch(local) and _checked_domain(domain):
        return address
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        reason = str(error).rstrip(".")
        raise ValueError(f"'{address}' is not an email address: {reason[:1].lower()}{reason[1:]}") from None
    return address


def some_emails(value: object) -> tuple[str, ...]:
    """A `;`-separated list of addresses, each checked, as given. ValueError names every address that is not one."""
    addresses, bad = [], []
    for part in text(value).split(";"):
        if not part.strip():
            continue
        try:
            address = an_email(part)
        except ValueError as error:
            bad.append(str(error))
            continue
        addresses.append(address)
    if bad:
        raise ValueError("; ".join(bad))
    return tuple(addresses)


def a_whole_number(value: object) -> int:
    word = text(value)
    if not re.fullmatch(r"[+-]?\d+", word):
        raise ValueError(f"'{word}' is not a whole number")
    return int(word)


def a_block(value: object) -> int:
    """A block's number: `3`, `Block 3` or `B3`."""
    word = text(value)
    found = BLOCK.fullmatch(word)
    return int(found["number"]) if found else a_whole_number(word)


def a_percent(value: object) -> float:
    word = text(value).rstrip("%").strip()
    try:
        number = float(word)
    except ValueError:
        raise ValueError(f"'{text(value)}' is not a number") from None
    if number != number or not 0 <= number <= 100:
        raise ValueError(f"{word} is not between 0 and 100")
    return number


def one_of(value: object, choices: tuple[str, ...]) -> str:
    word = text(value).lower()
    if word not in choices:
        raise ValueError(f"'{text(value)}' is not one of {', '.join(choices)}")
    return word


def signed(value: object, order: str = DAY_FIRST) -> tuple[bool, date | None]:
    """An agreement column: yes/no, or the date it was signed ((True, None): signed from the start)."""
    try:
        return a_bool(value), None
    except ValueError:
        pass
    try:
        return True, a_date(value, order)
    except ValueError:
        raise ValueError(f"'{text(value)}' is not yes, no or the date it was signed") from None
