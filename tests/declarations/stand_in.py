"""The `dfe` fixture: the stand-in of DfE's API (bench/dfe_stand_in.py) served on loopback, and the
environment pointing the tracker at it."""
from __future__ import annotations

import pytest

from bench.dfe_stand_in import TOKEN, Served, StandIn


@pytest.fixture()
def dfe(monkeypatch):
    stand_in = StandIn()
    served = Served(stand_in)
    monkeypatch.setenv("DFE_API_URL", stand_in.url)
    monkeypatch.setenv("DFE_API_TOKEN", TOKEN)
    monkeypatch.delenv("DFE_SERVER_DATE", raising=False)
    yield stand_in
    served.stop()
