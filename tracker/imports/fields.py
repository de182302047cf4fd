"""Parsing single cells. Each parser raises ValueError with a message for the user."""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0"}


def text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@lru_cache(maxsize=4096)
def _date_text(value: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
            day, month, year = value.split("/")
            return date(int(year), int(month), int(day))
    except ValueError:
        pass
    raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def a_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    value = text(value)
    if not value:
        raise ValueError("a date is required")
    return _date_text(value)


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


def signed(value: object) -> tuple[bool, date | None]:
    """An agreement column: yes/no, or the date it was signed ((True, None): signed from the start)."""
    try:
        return a_bool(value), None
    except ValueError:
        pass
    try:
        return True, a_date(value)
    except ValueError:
        raise ValueError(f"'{text(value)}' is not yes, no or the date it was signed") from None
