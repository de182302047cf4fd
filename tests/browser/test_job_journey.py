"""A job's page keeps itself up to date: live in place with JavaScript, by reloading without it."""
from __future__ import annotations

import pytest

from tracker.jobs.runner import huey
from tracker.jobs.work import execute

from .test_edt_journeys import edt_staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

REPORT = "/reports/partnership.pdf?partner=NORTH&date=2023-03-01"


@pytest.fixture()
def queued(app):
    """The report waits in the queue (no worker runs it) until the test runs it."""
    huey.immediate = False
    huey.flush()
    yield
    huey.flush()
    huey.immediate = True


def test_a_reports_page_turns_to_its_download_in_place_when_the_job_finishes(app, journey, edt_staff, queued):
    page = journey.page
    journey.sign_in("staff@edt.example")
    # Given EDT staff asked for a report that no worker has taken yet
    page.goto(REPORT)
    page.wait_for_url("**/jobs/*")
    journey.arrived()
    assert page.get_by_text("Waiting for a worker").first.is_visible()
    page.evaluate("window.stillThisPage = true")
    # When a worker makes it
    job_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        execute(job_id)
    # Then, without a reload, the page says it is done and offers the PDF
    link = page.get_by_role("link", name="Download partnership-report-NORTH-2023-03-01.pdf")
    link.wait_for(timeout=30_000)
    assert page.evaluate("window.stillThisPage === true"), "the page reloaded instead of updating in place"
    assert page.get_by_text("Done", exact=True).is_visible()
    journey.arrived()


def test_without_javascript_a_jobs_page_reloads_itself_until_done(app, chromium, live_server, as_of, edt_staff,
                                                                   queued):
    from .steps import PASSWORD

    context = chromium.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/sign-in")
        page.get_by_label("Email address").fill("staff@edt.example")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in" not in url)
        page.goto(REPORT)
        page.wait_for_url("**/jobs/*")
        assert page.get_by_text("Waiting for a worker").first.is_visible()
        with app.app_context():
            execute(int(page.url.rstrip("/").rsplit("/", 1)[1]))
        page.get_by_role("link", name="Download partnership-report-NORTH-2023-03-01.pdf").wait_for(timeout=30_000)
    finally:
        context.close()
