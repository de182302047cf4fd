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


@dataclass(frozen=True)
class OnStatement:
    """One of DfE's statements and the declarations the tracker knows DfE put on it:
    declaration type -> DfE's state -> how many."""

    dfe_id: str
    statement: Statement
    declarations: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return sum(n for states in self.declarations.values() for n in states.values())


@dataclass(frozen=True)
class Month:
    """The statements DfE pays in one month (one per cohort), in cohort order."""

    month: str
    year: int
    statements: tuple[OnStatement, ...]


def by_month(statements: Iterable[tuple[str, Statement]], counted: Iterable[tuple[str, str, str, int]],
             types: tuple[str, ...] = ()) -> tuple[list[Month], int]:
    """DfE's statements grouped by the month they are paid in, earliest first, each with the
    declarations on it from `counted` (statement id, declaration type, state, how many); and how many
    declarations name a statement the tracker has not read (a sync reads them). Types are ordered
    as `types` (others after them)."""
    on: dict[str, dict[str, dict[str, int]]] = {}
    unknown = 0
    known = dict(statements)
    for statement_id, kind, state, n in counted:
        if statement_id not in known:
            unknown += n
            continue
        states = on.setdefault(statement_id, {}).setdefault(kind, {})
        states[state] = states.get(state, 0) + n
    order = {kind: i for i, kind in enumerate(types)}
    months: dict[tuple[int, str], list[OnStatement]] = {}
    for dfe_id, s in sorted(known.items(), key=lambda item: (item[1].payment_date, item[1].cohort, item[0])):
        found = on.get(dfe_id, {})
        kinds = sorted(found, key=lambda kind: (order.get(kind, len(order)), kind))
        months.setdefault((s.year, s.month), []).append(OnStatement(dfe_id, s, {k: found[k] for k in kinds}))
    return [Month(month, year, tuple(listed)) for (year, month), listed in months.items()], unknown
