"""Strict wiring: a renamed module or endpoint fails loudly instead of vanishing from the pages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import tracker.web as web
from tracker import create_app

WEB = Path(web.__file__).resolve().parent


def test_every_listed_blueprint_is_registered(app):
    assert set(web.BLUEPRINTS) <= set(app.blueprints)


def test_a_missing_blueprint_module_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setattr(web, "BLUEPRINTS", (*web.BLUEPRINTS, "no_such_page"))
    with pytest.raises(ModuleNotFoundError, match="no_such_page"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "t.db")})


def test_no_view_asks_whether_an_endpoint_exists():
    asking = [path.name for path in WEB.glob("*.py") if re.search(r"in (current_)?app\.view_functions|view_functions\.get\([\"']|iter_rules\(", path.read_text())]
    assert asking == []
