"""Bulk reads and requests without the cyclic garbage collector's full passes.

A national read makes millions of short-lived tuples while tens of thousands of standings
and next steps stay alive: each allocation burst sets off a collection that walks every
live object, seconds in all, and finds nothing (these objects hold no cycles; reference
counting frees them). The collector is paused for the read and resumed after it, as it was.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from flask import g


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def paused_during_requests(app) -> None:
    """Each request runs with the collector paused and resumes it, as it was, when it ends.

    A page allocates tens of thousands of objects; each collection they set off walks the
    process's long-lived ones too (the app, its templates, SQLAlchemy's caches): about a tenth
    of a 2,000-participant dashboard's time, and most of its slowest requests. What a request
    leaves behind is collected after it, by the next collection.
    """

    @app.before_request
    def pause() -> None:
        g.collector_was_enabled = gc.isenabled()
        gc.disable()

    @app.teardown_request
    def resume(_error: BaseException | None = None) -> None:
        if g.pop("collector_was_enabled", False):
            gc.enable()
