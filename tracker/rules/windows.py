"""Block completion windows (DOMAIN.md "Block completion windows").

As of D a participant is behind on block b when b's window closed before D, the block's total is
known, and their credits in b are below 90% of it (the final output's integer rule). Behind is an
early warning beside escalation: it never changes an output. With no windows set for the
participant's cohort and course group nobody is behind.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .outputs import reaches_final_share


@dataclass(frozen=True)
class Window:
    block: int
    opens: date
    closes: date


@dataclass(frozen=True)
class Behind:
    block: int
    earned: int
    total: int
    closes: date


def behind(windows: list[Window], block_totals: dict[int, int | None], earned: dict[int, int],
           as_of: date) -> list[Behind]:
    """The blocks the participant is behind on as of `as_of`, in block order.

    block_totals: block -> total credits (None while TBC); earned: block -> the participant's score in it.
    """
    found = []
    for window in sorted(windows, key=lambda w: w.block):
        total = block_totals.get(window.block)
        if window.closes >= as_of or total is None or total == 0:
            continue
        score = earned.get(window.block, 0)
        if not reaches_final_share(score, total):
            found.append(Behind(window.block, score, total, window.closes))
    return found
