"""Downloading what is stored, in the columns of its upload: a partner's users get their own
partner's records only; EDT staff any one partner's, or every partner's."""
from __future__ import annotations

import csv
import io
import re

import pytest

from ..factories import import_text
from .conftest import signed_in

VIEWS = "participant_id,block,percent_watched,viewed_on"


@pytest.fixture()
def views(two_partners):
    """A video view for each partner's participant."""
    assert import_text("video-views", VIEWS, "N001,1,50,2022-11-01", "S001,1,60,2022-11-02").ok
    return two_partners


def downloaded(browser, url: str) -> list[list[str]]:
    response = browser.get(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("email", ["lead@north.example", "facilitator@north.example"])
def test_a_partner_user_downloads_their_own_partners_records_only(app, views, email):
    browser = signed_in(app, email)
    assert downloaded(browser, "/uploads/export/video-views.csv") == [VIEWS.split(","), ["N001", "1", "50.0", "2022-11-01"]]
    response = browser.get("/uploads/export/video-views.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="video-views-NORTH.csv"'


def test_a_partner_user_asking_for_another_partner_gets_not_found(app, views):
    browser = signed_in(app, "lead@north.example")
    assert browser.get("/uploads/export/video-views.csv?partner=SOUTH").status_code == 404
    assert downloaded(browser, "/uploads/export/video-views.csv?partner=NORTH")[1:] == [
        ["N001", "1", "50.0", "2022-11-01"]]


def test_a_partner_user_cannot_download_a_kind_only_edt_uploads(app, views):
    browser = signed_in(app, "lead@north.example")
    assert browser.get("/uploads/export/participants.csv").status_code == 404
    assert browser.get("/uploads/export/assessments.csv").status_code == 404
    assert browser.get("/uploads/export/declaration-states.csv").status_code == 404


def test_edt_downloads_every_partner_or_one(app, views):
    browser = signed_in(app, "staff@edt.example")
    assert [row[0] for row in downloaded(browser, "/uploads/export/video-views.csv")[1:]] == ["N001", "S001"]
    assert [row[0] for row in downloaded(browser, "/uploads/export/video-views.csv?partner=south")[1:]] == ["S001"]
    assert [row[0] for row in downloaded(browser, "/uploads/export/participants.csv")[1:]] == ["N001", "S001"]
    assert browser.get("/uploads/export/video-views.csv?partner=WEST").status_code == 404


def test_the_uploads_page_offers_the_downloads_of_the_kinds_the_user_uploads(app, views):
    lead = signed_in(app, "lead@north.example").get("/uploads").get_data(as_text=True)
    assert "/uploads/export/credits.csv" in lead and "/uploads/export/participants.csv" not in lead
    staff = signed_in(app, "staff@edt.example").get("/uploads").get_data(as_text=True)
    assert "/uploads/export/participants.csv" in staff and "/uploads/export/assessments.csv" in staff


def test_a_downloaded_file_uploads_back_changing_nothing(app, views, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    browser = signed_in(app, "lead@north.example")
    content = browser.get("/uploads/export/video-views.csv").get_data()
    response = browser.post("/uploads", {"kind": "video-views", "file": (io.BytesIO(content), "views.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    counts = re.findall(r'<dt class="govuk-body-s">([^<]+)</dt><dd class="app-count__number">(\d+)</dd>', page)
    assert counts == [("Rows read", "1"), ("Would create", "0"), ("Would update", "0"), ("Unchanged", "1")]
