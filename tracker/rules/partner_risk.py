"""How much a delivery partner's participants are at risk, for EDT's overview: a rank and a reason in words.

Risk is read from what the overview already counts, as of a date:

1. the share of the partner's participants who are **escalated** (past the 3-week window after a
   review date, no output met, no extension covering the date): the guidance's own alarm;
2. then the share **behind** in any way: escalated, extended (past the window on an agreed
   deadline) or in the window (up to 3 weeks after a review date without the output);
3. then the share of outputs due by the date (review date passed) that are **not met**.

Shares, not counts, so that a partner of 400 is not ranked above a partner of 20 for having more
people; the number escalated breaks a tie of shares (more people to chase first). Deferred and
withdrawn participants are counted in the partner's participants, as everywhere in the overview.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PartnerFigures:
    participants: int
    escalated: int = 0
    extended: int = 0
    window: int = 0
    due_soon: int = 0
    outputs_due: int = 0  # outputs whose review date has passed (met, met late, blocked or not met)
    outputs_not_met: int = 0


@dataclass(frozen=True)
class Risk:
    key: tuple  # larger is riskier
    reason: str

    @property
    def escalated_share(self) -> float:
        return self.key[0]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _people(n: int) -> str:
    return f"{n} participant{'' if n == 1 else 's'}"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * _share(part, whole))}%"


def risk(f: PartnerFigures) -> Risk:
    behind = f.escalated + f.extended + f.window
    key = (_share(f.escalated, f.participants), _share(behind, f.participants),
           _share(f.outputs_not_met, f.outputs_due), f.escalated)
    return Risk(key, reason(f))


def reason(f: PartnerFigures) -> str:
    """The partner's risk in one line, most serious first: "5 of 40 (13%) escalated, 3 in the window and
    1 on an extension; 20% of outputs not met"."""
    if not f.participants:
        return "No participants"
    behind = [f"{n} {words}" for n, words in ((f.window, "in the window"), (f.extended, "on an extension")) if n]
    if f.escalated:
        line = f"{f.escalated} of {f.participants} ({_percent(f.escalated, f.participants)}) escalated"
        if behind:
            line += ", " + " and ".join(behind)
    elif behind:
        first, *rest = behind
        count, words = first.split(" ", 1)
        line = " and ".join([f"{count} of {f.participants} {words}", *rest])
    else:
        line = "No one behind"
        if f.due_soon:
            line += f"; {_people(f.due_soon)} due soon"
        return line
    if f.outputs_not_met:
        line += f"; {_percent(f.outputs_not_met, f.outputs_due)} of outputs not met"
    return line


def ranked(items: list, figures) -> list:
    """items in order of risk, riskiest first; figures(item) -> PartnerFigures. Stable for ties."""
    return sorted(items, key=lambda item: risk(figures(item)).key, reverse=True)
