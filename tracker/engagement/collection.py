"""Bulk reads without the cyclic garbage collector's full passes.

A national read makes millions of short-lived tuples while tens of thousands of standings
and next steps stay alive: each allocation burst sets off a collection that walks every
live object, seconds in all, and finds nothing (these objects hold no cycles; reference
counting frees them). The collector is paused for the read and resumed after it, as it was.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
