"""Browser fixtures: the app served on a real port, one Chromium per run, a fresh context per test.

Chromium is Debian's /usr/bin/chromium driven by Playwright's Python package (never
`playwright install`). Each journey starts from the reference data only: the `session`
fixture of tests/conftest.py empties everything else after the test.
"""
from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from werkzeug.serving import make_server

from tracker.engagement.book import Book
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context
from tracker.imports.kinds import sample_kinds

from ..conftest import EXAMPLES
from .steps import Journey

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
EXAMPLE_KINDS = tuple(kind.name for kind in sample_kinds())


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on 127.0.0.1 and a free port, in a background thread, for the whole run."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def as_of(app, monkeypatch):
    """The date every page computes statuses for; the example dataset reads best on 1 March 2023."""
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    return "2023-03-01"


@pytest.fixture()
def journey(chromium, live_server, session, as_of):
    """A fresh browser context (no cookies) against a database holding reference data only."""
    context = chromium.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/London",
                                   accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield Journey(page)
    context.close()


@pytest.fixture()
def example_dataset(session):
    """The public sample dataset (tests/data/examples), imported as the command line would."""
    for kind in EXAMPLE_KINDS:
        with open(EXAMPLES / f"{kind}.csv", "rb") as stream:
            result = run_import(importer_for(kind, Context(date(2026, 11, 24), Book())), stream, f"{kind}.csv")
        assert result.ok, result.errors
        session.commit()
    return session
