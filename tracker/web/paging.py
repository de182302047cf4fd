"""One page of a long list, picked by a query-string parameter (templates/pagination.html shows the links)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request

PER_PAGE = 100


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    pages: int
    total: int
    arg: str  # the query-string parameter that picks the page

    @classmethod
    def of(cls, items: list, arg: str = "page", per_page: int | None = None) -> Page:
        per_page = per_page or PER_PAGE
        pages = max(1, -(-len(items) // per_page))
        raw = request.args.get(arg, "1")
        number = min(int(raw), pages) if raw.isdigit() and int(raw) > 0 else 1
        return cls(items[(number - 1) * per_page : number * per_page], number, pages, len(items), arg)
