"""DfE's monthly output-fee statements (dfe/README.md, section 2): a declaration DfE accepts goes on
the open statement with the earliest cut-off date on or after the day it is sent, and is paid on
that statement's payment date."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Statement:
    month: str  # DfE's English name of the statement's month, "February"
    year: int
    cohort: int
    cut_off_date: date
    payment_date: date
    paid: bool


def next_cut_off(statements: Iterable[Statement], today: date) -> Statement | None:
    """The statement a declaration sent today would go on (of any cohort): the earliest unpaid one
    whose cut-off date is today or later; None when DfE lists none."""
    open_ = [s for s in statements if not s.paid and s.cut_off_date >= today]
    return min(open_, key=lambda s: (s.cut_off_date, s.payment_date), default=None)
