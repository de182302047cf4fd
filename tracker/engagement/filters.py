"""Filtering, sorting and paging the participants list: plain functions over standings().

Output status and escalation are computed, not stored, so the list filters and sorts standings
in Python, the whole filtered list before it is paged; the page, the CSV and the XLSX export
all go through `apply`, so they always agree.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from math import ceil

from ..rules.facts import DEFERRED, WITHDRAWN
from ..rules.status import DUE_SOON, ESCALATED, ESCALATIONS, EXTENDED, NONE, OUTPUT_STATUSES, WINDOW
from .standing import Standing

PER_PAGE = 50
SEARCH_MAX = 100


@dataclass(frozen=True)
class ParticipantFilters:
    partner: str = ""  # a partner code (EDT staff only; callers check it with partner_or_404)
    course: str = ""  # a course code
    cohort: int | None = None
    status: str = ""  # any output with this status
    escalation: str = ""
    search: str = ""  # part of the name or the participant id, any case
    behind: str = ""  # "yes": only participants behind on a block completion window (applied by the caller)
    at_risk: str = ""  # "yes": only participants at risk of missing their next output (rules/pace.py; the caller)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ParticipantFilters:
        """Read a query string; values that cannot match anything are dropped, not errors."""
        cohort = (args.get("cohort") or "").strip()
        status = (args.get("status") or "").strip()
        escalation = (args.get("escalation") or "").strip()
        return cls(
            partner=(args.get("partner") or "").strip().upper(),
            course=(args.get("course") or "").strip().upper(),
            cohort=int(cohort) if cohort.isdigit() else None,
            status=status if status in OUTPUT_STATUSES else "",
            escalation=escalation if escalation in ESCALATIONS else "",
            search=" ".join((args.get("q") or "").split())[:SEARCH_MAX],
            behind="yes" if (args.get("behind") or "").strip().lower() == "yes" else "",
            at_risk="yes" if (args.get("at_risk") or "").strip().lower() == "yes" else "",
        )

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links that keep them (pages, exports)."""
        values = asdict(self)
        values["q"] = values.pop("search")
        return {key: str(value) for key, value in values.items() if value not in ("", None)}

    @property
    def active(self) -> bool:
        return bool(self.query_args())

    def matches(self, s: Standing) -> bool:
        if self.partner and s.partner != self.partner:
            return False
        if self.course and s.course != self.course:
            return False
        if self.cohort is not None and s.cohort != self.cohort:
            return False
        if self.status and not any(o.status == self.status for o in s.outputs):
            return False
        if self.escalation and s.escalation.state != self.escalation:
            return False
        if self.search:
            needle = self.search.casefold()
            if needle not in s.full_name.casefold() and needle not in s.participant_id.casefold():
                return False
        return True


def apply(found: list[Standing], filters: ParticipantFilters) -> list[Standing]:
    return [s for s in found if filters.matches(s)]


# Sorting by escalation puts the most urgent first; by an output, its statuses in OUTPUT_STATUSES
# order, and participants without that output last.
ESCALATION_ORDER = {state: n for n, state in enumerate((ESCALATED, WINDOW, EXTENDED, DUE_SOON, NONE, DEFERRED,
                                                        WITHDRAWN))}
STATUS_ORDER = {status: n for n, status in enumerate(OUTPUT_STATUSES)}
MAX_OUTPUTS = 4


def _output_key(number: int):
    def key(s: Standing) -> int:
        return STATUS_ORDER[s.outputs[number - 1].status] if len(s.outputs) >= number else len(STATUS_ORDER)
    return key


SORT_KEYS = {
    "participant": lambda s: s.participant_id,
    "partner": lambda s: s.partner,
    "course": lambda s: s.course,
    "cohort": lambda s: s.cohort,
    **{f"output-{n}": _output_key(n) for n in range(1, MAX_OUTPUTS + 1)},
    "escalation": lambda s: ESCALATION_ORDER.get(s.escalation.state, len(ESCALATION_ORDER)),
}
DEFAULT_SORT = "participant"


@dataclass(frozen=True)
class Sorting:
    """Which column the list is sorted by, and which way; ties are always in participant ID order."""

    column: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Sorting:
        column = (args.get("sort") or "").strip()
        return cls(column if column in SORT_KEYS else DEFAULT_SORT, (args.get("order") or "").strip() == "desc")

    def query_args(self) -> dict[str, str]:
        if self == Sorting():
            return {}
        return {"sort": self.column, "order": "desc" if self.descending else "asc"}

    def apply(self, found: list[Standing]) -> list[Standing]:
        in_id_order = sorted(found, key=lambda s: s.participant_id)
        if self.column == DEFAULT_SORT:
            return in_id_order[::-1] if self.descending else in_id_order
        return sorted(in_id_order, key=SORT_KEYS[self.column], reverse=self.descending)  # stable: ties keep ID order

    def toggled(self, column: str) -> Sorting:
        """The sorting a column's heading links to: that column ascending, or reversed when it is the current one."""
        return Sorting(column, not self.descending) if column == self.column else Sorting(column)

    def aria(self, column: str) -> str:
        if column != self.column:
            return "none"
        return "descending" if self.descending else "ascending"


@dataclass(frozen=True)
class Page:
    items: list
    number: int  # 1-based
    pages: int
    total: int
    per_page: int

    @property
    def first_item(self) -> int:
        return 0 if not self.total else (self.number - 1) * self.per_page + 1

    @property
    def last_item(self) -> int:
        return self.first_item + len(self.items) - 1 if self.items else 0


def page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def paginate(items: list, number: int, per_page: int = PER_PAGE) -> Page:
    """A page past the last shows the last page."""
    pages = max(1, ceil(len(items) / per_page))
    number = min(max(1, number), pages)
    start = (number - 1) * per_page
    return Page(items[start : start + per_page], number, pages, len(items), per_page)


def page_window(page: Page, around: int = 2) -> list[int | None]:
    """Page numbers to link to: first, last and those near the current one; None for a gap."""
    wanted = {1, page.pages} | set(range(page.number - around, page.number + around + 1))
    numbers = sorted(n for n in wanted if 1 <= n <= page.pages)
    shown: list[int | None] = []
    for n in numbers:
        if shown and n - shown[-1] > 1:
            shown.append(None)
        shown.append(n)
    return shown
