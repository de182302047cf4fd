"""The dashboard starts with who to act on: each row's last contact and agreed deadline, who is at risk
at their pace; an agreed deadline shows everywhere and in the emails, which are logged as Sent.

The sample dataset as of 1 March 2023: NORTH's EX032 (NPQLT cohort 1) is in the window of Output 3
(review date 24 February 2023, window ends 17 March); EX008 (NPQEYL cohort 4) has done nothing in
the last 4 weeks and Output 1's review date is 9 March; SOUTH's EX011 likewise.
"""
from __future__ import annotations

import html
import io
import re

import html5lib
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ContactAttempt, Participant

from ..mailbox import mailbox  # noqa: F401  (fixture)
from .test_emails import send_form
from .test_participants import edt_staff, examples, listed, north_lead  # noqa: F401  (fixtures)


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def rows(page: str) -> dict[str, str]:
    """participant id -> the text of their row of the action list."""
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    table = tree.find(".//table[@id='action-list']")
    assert table is not None, "no action list"
    return {tr.get("data-participant"): " ".join("".join(tr.itertext()).split())
            for tr in table.iter("tr") if tr.get("data-participant")}


def agree_ex032_extension(browser):
    response = browser.post("/participants/EX032/extensions/new",
                            {"output": "3", "deadline": ["31", "3", "2023"], "agreed_on": ["27", "2", "2023"],
                             "note": "Agreed on the phone"})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def test_the_dashboard_starts_with_the_action_list_then_the_counts_review_dates_and_outputs(north_lead):
    page = page_of(north_lead.get("/dashboard"))
    places = [page.index(f'id="{section}"') for section in ("actions", "action-list", "reviews", "outputs")]
    assert places == sorted(places)
    assert page.index('id="action-list"') < page.index('class="app-count-grid"')


def test_each_row_says_when_how_and_with_what_outcome_the_participant_was_last_contacted(north_lead):
    for day, outcome in (("20", "no-response"), ("27", "agreed-plan")):
        response = north_lead.post("/participants/EX006/contacts/new",
                                   {"contacted_on": [day, "2", "2023"], "method": "phone", "outcome": outcome})
        assert response.status_code == 302
    shown = rows(page_of(north_lead.get("/dashboard")))
    assert "Last contacted" in page_of(north_lead.get("/dashboard"))
    assert "27 Feb 2023, phone call: agreed a plan to catch up" in shown["EX006"]
    assert "No contact logged" in shown["EX004"]


def test_the_rows_are_gov_uk_checkboxes_with_a_select_all_for_scripts_to_show(north_lead):
    page = page_of(north_lead.get("/dashboard"))
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    boxes = tree.findall(".//table[@id='action-list']//input[@type='checkbox']")
    assert len(boxes) == len(rows(page)) == 5
    for box in boxes:
        assert "govuk-checkboxes__input" in box.get("class") and box.get("form") == "selection"
        assert tree.find(f".//label[@for='{box.get('id')}']") is not None
    slot = tree.find(".//div[@data-select-all='selection']")
    assert slot is not None and slot.get("hidden") is not None  # shown by select-all.js, never without it
    assert "/static/js/select-all.js" in page


def test_an_agreed_extension_shows_on_the_dashboard_the_participant_page_and_the_list(north_lead):
    # Given EX032 in the window of Output 3 until 17 March, when the lead agrees 31 March on the phone
    assert "Agreed deadline" not in rows(page_of(north_lead.get("/dashboard")))["EX032"]
    agree_ex032_extension(north_lead)
    # Then the dashboard row still says the window, and the agreed deadline beside it
    row = rows(page_of(north_lead.get("/dashboard")))["EX032"]
    assert "16 days left in the window (until 17 Mar 2023)" in row and "Agreed deadline 31 Mar 2023" in row
    # And so do the participant's page and the participants list
    assert re.search(r"Agreed deadline\s*</dt>\s*<dd[^>]*>\s*Output 3: 31 March 2023",
                     page_of(north_lead.get("/participants/EX032")))
    listing = page_of(north_lead.get("/participants/?q=EX032"))
    assert listed(listing) == ["EX032"] and "Agreed deadline 31 Mar 2023" in listing


def test_the_email_asks_for_the_agreed_deadline_and_is_logged_as_sent(north_lead, mailbox):
    agree_ex032_extension(north_lead)
    response = north_lead.post("/emails/send", send_form(north_lead, "participant=EX032&participant=EX004"),
                               form_url="/dashboard")
    assert response.status_code == 302
    [mail] = mailbox.to("ex032@example.org")
    assert "Please do this by 31 March 2023." in mail.body and "17 March 2023" not in mail.body
    [other] = mailbox.to("ex004@example.org")  # no extension: the end of the window
    assert "Please do this by" in other.body and "31 March 2023" not in other.body
    outcomes = db.session.scalars(select(ContactAttempt.outcome).join(Participant)
                                  .where(Participant.participant_id == "EX032")).all()
    assert outcomes == ["sent"]
    assert "Email: Sent" in page_of(north_lead.get("/participants/EX032"))
    [header, *letters] = load_workbook(io.BytesIO(north_lead.get(
        "/participants/mail-merge.xlsx?participant=EX032&participant=EX004").data)).active.iter_rows(values_only=True)
    deadlines = {row[0]: dict(zip(header, row)) for row in letters}
    assert (deadlines["EX032"]["window_ends"], deadlines["EX032"]["deadline"]) == ("17 March 2023", "31 March 2023")
    assert deadlines["EX004"]["deadline"] == deadlines["EX004"]["window_ends"]  # the mail merge's letter agrees
    assert "email: sent" in rows(page_of(north_lead.get("/dashboard")))["EX032"]


def test_the_contact_form_is_filled_in_with_today(north_lead):
    page = page_of(north_lead.get("/participants/EX006/contacts/new"))
    for part, value in (("day", "01"), ("month", "03"), ("year", "2023")):
        assert re.search(rf'id="contacted_on-{part}"[^>]*value="{value}"|value="{value}"[^>]*id="contacted_on-{part}"',
                         page), part


def test_the_dashboard_counts_those_at_risk_and_filters_the_action_list_to_them(north_lead):
    page = page_of(north_lead.get("/dashboard"))
    assert re.search(r'data-tile="at-risk"><span class="app-count__number">1</span> at risk', page)
    row = rows(page)["EX008"]
    assert "At risk" in row and "Needs a new credit or session in 9 days; none in the last 4 weeks" in row
    only = page_of(north_lead.get("/dashboard?show=at-risk"))
    assert list(rows(only)) == ["EX008"]
    assert "only those at risk (1)" in only


def test_the_participants_list_filters_to_those_at_risk_and_a_participants_page_says_why(north_lead, edt_staff):
    assert listed(page_of(north_lead.get("/participants/?at_risk=yes"))) == ["EX008"]  # never SOUTH's EX011
    assert listed(page_of(edt_staff.get("/participants/?at_risk=yes"))) == ["EX008", "EX011"]
    page = page_of(north_lead.get("/participants/EX008"))
    assert re.search(r"At risk\s*</dt>\s*<dd[^>]*>\s*Needs a new credit or session in 9 days", page)
    assert "At risk" not in page_of(north_lead.get("/participants/EX006")).split("<h2")[0]
