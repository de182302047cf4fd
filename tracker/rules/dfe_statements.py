"""DfE's monthly output-fee statements (dfe/README.md, section 2): a declaration DfE accepts goes on
the open statement with the earliest cut-off date on or after the day it is sent, and is paid on
that statement's payment date."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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
    refunds: dict[str, dict[str, int]] = field(default_factory=dict)  # paid declarations voided: refunded here

    @property
    def total(self) -> int:
        return sum(n for states in self.declarations.values() for n in states.values())

    @property
    def refunded(self) -> int:
        return sum(n for states in self.refunds.values() for n in states.values())


@dataclass(frozen=True)
class Month:
    """The statements DfE pays in one month (one per cohort), in cohort order."""

    month: str
    year: int
    statements: tuple[OnStatement, ...]


def by_month(statements: Iterable[tuple[str, Statement]], counted: Iterable[tuple[str, str, str, int]],
             types: tuple[str, ...] = (), refunds: Iterable[tuple[str, str, str, int]] = ()) -> tuple[list[Month], int]:
    """DfE's statements grouped by the month they are paid in, earliest first, each with the
    declarations on it from `counted` (statement id, declaration type, state, how many) and the
    refunds on it from `refunds` (clawback statement id, type, state, how many); and how many
    declarations name a statement the tracker has not read (a sync reads them). Types are ordered
    as `types` (others after them)."""
    known = dict(statements)
    on, unknown = _on(known, counted)
    back, unknown_refunds = _on(known, refunds)
    order = {kind: i for i, kind in enumerate(types)}

    def ordered(found: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        return {k: found[k] for k in sorted(found, key=lambda kind: (order.get(kind, len(order)), kind))}

    months: dict[tuple[int, str], list[OnStatement]] = {}
    for dfe_id, s in sorted(known.items(), key=lambda item: (item[1].payment_date, item[1].cohort, item[0])):
        months.setdefault((s.year, s.month), []).append(
            OnStatement(dfe_id, s, ordered(on.get(dfe_id, {})), ordered(back.get(dfe_id, {}))))
    return [Month(month, year, tuple(listed)) for (year, month), listed in months.items()], unknown + unknown_refunds


def _on(known: dict[str, Statement], counted: Iterable[tuple[str, str, str, int]]
        ) -> tuple[dict[str, dict[str, dict[str, int]]], int]:
    """statement id -> type -> state -> how many, of the known statements; how many name another."""
    on: dict[str, dict[str, dict[str, int]]] = {}
    unknown = 0
    for statement_id, kind, state, n in counted:
        if statement_id not in known:
            unknown += n
            continue
        states = on.setdefault(statement_id, {}).setdefault(kind, {})
        states[state] = states.get(state, 0) + n
    return on, unknown
