"""Filtering and paging the participants list: plain functions over standings().

Output status and escalation are computed, not stored, so the list filters standings in Python;
the page, the CSV and the XLSX export all go through `apply`, so they always agree.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from math import ceil

from ..rules.status import ESCALATIONS, OUTPUT_STATUSES
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
