"""Every error is a page in EDT's layout with a way back; EDT's own favicon; no GOV.UK assets."""
from __future__ import annotations

import html
import secrets
from pathlib import Path

import pytest
from werkzeug.exceptions import TooManyRequests

from tracker import create_app

from .conftest import check_page, signed_in

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = "Education Development Trust"


def assert_edt_page(response, code, heading, back):
    assert response.status_code == code
    assert response.mimetype == "text/html"
    page = html.unescape(check_page(response))
    assert LAYOUT in page and "NPQ engagement tracker" in page
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert back in page
    assert "Werkzeug" not in page and "The requested URL" not in page
    return page


@pytest.fixture(scope="module")
def faulty_app(app):
    """The app as served (not TESTING, so a crash becomes the 500 page), with routes that fail on purpose."""
    faulty = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "SECRET_KEY": secrets.token_hex(32), "MAX_CONTENT_LENGTH": 1024})

    @faulty.get("/crash")
    def crash():
        raise RuntimeError("a bug")

    @faulty.get("/busy")
    def busy():
        raise TooManyRequests()

    return faulty


def test_page_not_found_is_in_the_layout_with_a_way_to_sign_in(app, two_partners):
    assert_edt_page(app.test_client().get("/no-such-page"), 404, "Page not found", 'href="/sign-in"')


def test_another_partners_participant_is_a_page_not_found_with_a_way_back(app, as_north_lead):
    assert_edt_page(as_north_lead.get("/participants/S001"), 404, "Page not found", "Go to your dashboard")


def test_a_page_of_another_role_is_forbidden_in_the_layout(as_facilitator):
    assert_edt_page(as_facilitator.get("/users/"), 403, "You do not have permission to see this page",
                    "Go to your dashboard")


def test_a_form_without_its_csrf_token_is_a_bad_request_page(app, two_partners):
    response = app.test_client().post("/sign-in", data={"email": "a@b.example", "password": "x"})
    assert_edt_page(response, 400, "Sorry, there is a problem with that request", "Go to sign in")


def test_a_get_to_a_post_only_route_is_a_page_too(as_north_lead):
    assert_edt_page(as_north_lead.get("/sign-out"), 405, "Page not found", "Go to your dashboard")


def test_a_body_over_the_size_limit_is_a_too_large_page(faulty_app, two_partners):
    response = faulty_app.test_client().post("/sign-in", data={"email": "x" * 4096, "password": "y"})
    page = assert_edt_page(response, 413, "The file is too large", "Go to sign in")
    assert "Files can be up to" in page


def test_too_many_requests_is_a_page(faulty_app, two_partners):
    assert_edt_page(faulty_app.test_client().get("/busy"), 429, "Too many requests", "Go to sign in")


def test_a_crash_is_a_server_error_page_without_the_traceback(faulty_app, two_partners):
    page = assert_edt_page(faulty_app.test_client().get("/crash"), 500,
                           "Sorry, there is a problem with the service", "Go to sign in")
    assert "RuntimeError" not in page and "a bug" not in page


def test_a_signed_in_user_who_hits_a_crash_keeps_the_navigation(faulty_app, two_partners):
    from .conftest import PASSWORD, Browser

    browser = Browser(faulty_app.test_client())
    assert browser.post("/sign-in", {"email": "lead@north.example", "password": PASSWORD}).status_code == 302
    page = assert_edt_page(browser.client.get("/crash"), 500, "Sorry, there is a problem with the service",
                           "Go to your dashboard")
    assert "Signed in as" in page


def test_the_favicon_is_edts_own_icon(app, two_partners):
    response = app.test_client().get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"
    assert response.data == (ROOT / "static" / "favicon.ico").read_bytes()
    page = app.test_client().get("/sign-in").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert "govuk-icon" not in page and "manifest.json" not in page and "/static/assets" not in page


def test_no_gov_uk_crown_crest_icons_or_manifest_in_the_build_output(app, two_partners):
    built = [path.relative_to(ROOT / "static").as_posix() for path in (ROOT / "static").rglob("*") if path.is_file()]
    assert "css/application.css" in built, "run make assets first"
    gov_uk = [name for name in built if "govuk-crest" in name or "govuk-icon" in name or "crown" in name
              or name.endswith(("manifest.json", ".svg", ".png")) or name.startswith("assets/")]
    assert gov_uk == []
    css = (ROOT / "static" / "css" / "application.css").read_text()
    assert "govuk-crest" not in css and "/static/assets" not in css
    assert app.test_client().get("/static/assets/images/govuk-crest.svg").status_code == 404
