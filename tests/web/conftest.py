"""Browser-less web fixtures: signed-in clients per role, and a page check on every fetch."""
from __future__ import annotations

import re
from datetime import datetime

import html5lib
import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from tracker.accounts.users import create_user
from tracker.extensions import db
from tracker.models import DeliveryPartner

from ..factories import gen_participant

PASSWORD = "correct-horse-battery-staple-42"


def check_page(response) -> str:
    """The page parses as HTML5, has a title, unique ids, and every POST form carries a CSRF token."""
    text = response.get_data(as_text=True)
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    tree = parser.parse(text)
    title = tree.find(".//title")
    assert title is not None and title.text and title.text.strip(), "page has no title"
    ids = [el.get("id") for el in tree.iter() if el.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    for form in tree.iter("form"):
        if (form.get("method") or "get").lower() == "post":
            names = [el.get("name") for el in form.iter("input")]
            assert "csrf_token" in names, f"a POST form to {form.get('action')} has no CSRF token"
    return text


class Browser:
    """A test client that checks every HTML page it fetches."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        if response.status_code == 200 and response.mimetype == "text/html":
            check_page(response)
        return response

    def csrf(self, url):
        page = self.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def post(self, url, data=None, form_url=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(form_url or url))
        response = self.client.post(url, data=data, **kwargs)
        if response.status_code == 200 and response.mimetype == "text/html":
            check_page(response)
        return response


@pytest.fixture(autouse=True)
def fresh_request_globals(monkeypatch):
    """The test's app context outlives each request, so flask.g would carry the CSRF token and the
    signed-in user from one request (or one test client) to the next: start each request afresh."""
    send = FlaskClient.open

    def open_fresh(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(FlaskClient, "open", open_fresh)


def make_user(email, role, partner_code=None):
    partner_id = None
    if partner_code:
        partner_id = db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == partner_code))
    user, _ = create_user(email, email.split("@")[0].title(), role, datetime(2026, 11, 24),
                          password=PASSWORD, partner_id=partner_id)
    db.session.commit()
    return user


def signed_in(app, email) -> Browser:
    browser = Browser(app.test_client())
    response = browser.post("/sign-in", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return browser


@pytest.fixture()
def two_partners(session):
    """NORTH and SOUTH with one participant each, and a user of every role."""
    gen_participant("N001", partner="NORTH", course="NPQLT", cohort=3)
    gen_participant("S001", partner="SOUTH", course="NPQSL", cohort=3)
    make_user("lead@north.example", "partner-lead", "NORTH")
    make_user("facilitator@north.example", "facilitator", "NORTH")
    make_user("lead@south.example", "partner-lead", "SOUTH")
    make_user("staff@edt.example", "edt-staff")
    make_user("admin@edt.example", "edt-admin")
    return session


@pytest.fixture()
def as_north_lead(app, two_partners):
    return signed_in(app, "lead@north.example")


@pytest.fixture()
def as_facilitator(app, two_partners):
    return signed_in(app, "facilitator@north.example")


@pytest.fixture()
def as_edt_staff(app, two_partners):
    return signed_in(app, "staff@edt.example")


@pytest.fixture()
def as_edt_admin(app, two_partners):
    return signed_in(app, "admin@edt.example")
