"""Awkward input from people and their files: an id with a `/`, a `next=` with a line break, a NUL
byte anywhere. Each works or is refused with a clear 4xx page; none is a 500 (on either database)."""
from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import CreditRecord, Participant
from tracker.web.ids import escaped, unescaped

from ..factories import PARTICIPANT_HEADER, gen_participant, import_text
from .conftest import PASSWORD, Browser, check_page, signed_in

AWKWARD_IDS = ("EX/001", "a/b/history", "~2F", "..", "50% off?#x", "N 7")


@pytest.mark.parametrize("ref", AWKWARD_IDS)
def test_an_id_is_written_into_a_web_address_and_read_back_unchanged(ref):
    assert unescaped(escaped(ref)) == ref
    assert "/" not in escaped(ref) and escaped(ref) not in (".", "..")


@pytest.fixture()
def slashed(two_partners):
    gen_participant("EX/001", partner="NORTH")
    gen_participant("A/B/history", partner="NORTH")
    return two_partners


def test_a_participant_whose_id_holds_a_slash_has_a_page_and_every_link_to_it_works(app, slashed):
    lead = signed_in(app, "lead@north.example")
    listed = lead.get("/participants/").get_data(as_text=True)
    assert 'href="/participants/EX~2F001"' in listed
    page = lead.get("/participants/EX~2F001")
    assert page.status_code == 200 and "Name EX/001" in page.get_data(as_text=True)
    # an id that ends like another page of a participant is still its own participant's page
    other = lead.get("/participants/A~2FB~2Fhistory")
    assert other.status_code == 200 and "Name A/B/history" in other.get_data(as_text=True)
    for path in ("/participants/EX~2F001/history", "/participants/EX~2F001/contacts/new",
                 "/participants/EX~2F001/extensions/new", "/participants/EX~2F001/agreements"):
        assert lead.get(path).status_code == 200, path
    staff = signed_in(app, "staff@edt.example")
    assert staff.get("/assessments/EX~2F001/new").status_code == 200
    found = staff.get("/assessments?participant_id=ex/001")
    assert found.status_code == 302 and found.headers["Location"].endswith("/assessments/EX~2F001/new")
    # the other partner still sees nothing of it
    assert signed_in(app, "lead@south.example").get("/participants/EX~2F001").status_code == 404


def test_every_link_on_a_slashed_participants_pages_opens(app, slashed):
    """Every link the participant's page offers that names the participant opens (no 404)."""
    import re

    staff = signed_in(app, "staff@edt.example")
    page = staff.get("/participants/EX~2F001").get_data(as_text=True)
    links = {html.unescape(h) for h in re.findall(r'href="([^"]+)"', page) if "EX" in h}
    assert links, "the page links to nothing of the participant"
    for link in links:
        if link.endswith(".xlsx") or link.endswith(".csv"):
            continue
        assert staff.get(link).status_code in (200, 302), link


@pytest.mark.parametrize("target", [
    "/participants/\r\nSet-Cookie: x=1", "/\r\n", "//evil.example/", "/\\evil.example", "https://evil.example/",
    "/\x00", "\t/participants/", " //evil.example", "javascript:alert(1)", "/\\/evil.example",
])
def test_a_sign_in_with_an_unsafe_next_goes_to_the_dashboard(app, two_partners, target):
    browser = Browser(app.test_client())
    token = browser.csrf("/sign-in")
    response = browser.client.post("/sign-in", query_string={"next": target},
                                   data={"csrf_token": token, "email": "lead@north.example", "password": PASSWORD})
    if "\x00" in target:  # a NUL in any value is refused before anything else (inputs.py)
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "/dashboard", "http://localhost/"), response.headers["Location"]
    assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]


def test_a_sign_in_with_a_page_of_the_site_as_next_goes_there(app, two_partners):
    browser = Browser(app.test_client())
    response = browser.post("/sign-in?next=/participants/%3Fq%3DN001", {"email": "lead@north.example",
                                                                        "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/participants/?q=N001"


def refused(response, where: str):
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    page = html.unescape(check_page(response))
    assert "cannot be typed or stored" in page and where in page
    return page


@pytest.mark.parametrize("path", [
    "/participants/N%0001", "/participants/?q=N%00", "/participants/?status=%00", "/declarations/?q=a%00",
    "/assessments?participant_id=N001%00", "/participants/export.csv?q=%00", "/sign-in?next=/%00",
    "/participants/?%00=1", "/reference/NPQ%00LT", "/meetings/NO%00RTH.ics",
])
def test_a_nul_byte_in_an_address_or_query_is_a_clear_bad_request(as_edt_staff, path):
    page = refused(as_edt_staff.get(path), "")
    assert "Go to your dashboard" in page or "Go to sign in" in page


def test_a_nul_byte_in_a_form_field_is_refused_and_nothing_is_recorded(as_north_lead):
    token = as_north_lead.csrf("/participants/N001/contacts/new")
    response = as_north_lead.client.post("/participants/N001/contacts/new", data={
        "csrf_token": token, "method": "phone", "outcome": "no-answer", "note": "rang\x00 twice",
        "contacted_on-day": "1", "contacted_on-month": "3", "contacted_on-year": "2023"})
    refused(response, "form field 'note'")


def test_line_breaks_and_tabs_in_a_note_are_still_accepted(as_north_lead):
    token = as_north_lead.csrf("/participants/N001/contacts/new")
    response = as_north_lead.client.post("/participants/N001/contacts/new", data={
        "csrf_token": token, "note": "line one\r\n\tline two"})
    assert response.status_code != 400 and response.status_code < 500


def test_a_nul_in_a_sign_in_email_is_refused_not_a_crash(app, two_partners):
    browser = Browser(app.test_client())
    token = browser.csrf("/sign-in")
    response = browser.client.post("/sign-in", data={"csrf_token": token, "email": "lead@north.example\x00",
                                                     "password": PASSWORD})
    refused(response, "form field 'email'")


def test_a_nul_in_an_uploaded_file_refuses_the_file(app, as_north_lead, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    content = ("participant_id,block,activity,credits,completed_on\n"
               "N0\x0001,1,Video Introduction to Block 1,1,2022-10-10\n"
               "N001,1,Video Intro\x00duction to Block 1,1,2022-10-10\n").encode()
    response = as_north_lead.post("/uploads", {"kind": "credits", "file": (io.BytesIO(content), "credits.csv")},
                                  content_type="multipart/form-data")
    assert response.status_code in (200, 302)
    page = html.unescape(as_north_lead.get(response.headers["Location"]).get_data(as_text=True)
                         if response.status_code == 302 else response.get_data(as_text=True))
    assert "The selected file is not a text CSV file" in page  # a NUL is never in a text file
    assert db.session.scalar(select(func.count()).select_from(CreditRecord)) == 0


@pytest.mark.parametrize("row,said", [
    ("N\x00002,Name,n2@example.org,NORTH,NPQLT,3,yes,yes,active", "participant_id: contains a NUL character"),
    ("N002,Na\x00me,n2@example.org,NORTH,NPQLT,3,yes,yes,active", "full_name: contains a NUL character"),
    ("N002,Name,n2@exa\x00mple.org,NORTH,NPQLT,3,yes,yes,active", "email: contains a NUL character"),
    ("N002,Name,n2@example.org,NOR\x00TH,NPQLT,3,yes,yes,active", "delivery_partner: contains a NUL character"),
    ("N002,Name,n2@example.org,NORTH,NPQ\x00LT,3,yes,yes,active", "course: "),
    ("N\x1b002,Name,n2@example.org,NORTH,NPQLT,3,yes,yes,active", "participant_id: contains a control character (U+001B)"),
    ('"N\n002",Name,n2@example.org,NORTH,NPQLT,3,yes,yes,active', "participant_id: contains a control character (U+000A)"),
])
def test_a_control_character_in_a_participants_file_is_a_row_error(two_partners, row, said):
    result = import_text("participants", PARTICIPANT_HEADER, row)
    assert not result.ok and result.errors[0].startswith(f"row 2: {said}"), result.errors
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 2


@pytest.mark.parametrize("kind,header,row", [
    ("credits", "participant_id,block,activity,completed_on", "N0\x0001,1,Video Introduction to Block 1,2022-10-10"),
    ("credits", "email,block,activity,completed_on", "n001@exa\x00mple.org,1,Video Introduction to Block 1,2022-10-10"),
    ("credits", "participant_id,block,activity,completed_on", "N001,1,Video Intro\x00duction to Block 1,2022-10-10"),
    ("attendance", "participant_id,block,event,session_date,attendance,marked_by",
     "N001,1,NPQLT F2F Training Session,2022-11-01,attended,Fa\x00cilitator"),
    ("video-views", "participant_id,block,percent_watched,viewed_on", "N001,1,5\x000,2022-10-10"),
])
def test_a_nul_in_an_evidence_file_read_on_the_command_line_is_a_row_error(two_partners, kind, header, row):
    result = import_text(kind, header, row)
    assert not result.ok and result.errors[0].startswith("row 2: "), result.errors


SCRIPTED = "<script>alert('mail')</script>@example.org"


def test_the_participants_import_refuses_a_scripted_address_naming_row_and_column(two_partners):
    result = import_text("participants", PARTICIPANT_HEADER + ",other_emails",
                         f"N002,Name,{SCRIPTED},NORTH,NPQLT,3,yes,yes,active,",
                         f"N003,Name,n3@example.org,NORTH,NPQLT,3,yes,yes,active,ok@example.org;{SCRIPTED}")
    assert [line.split(": ")[:2] for line in result.errors] == [["row 2", "email"], ["row 3", "other_emails"]]
    assert all(f"'{SCRIPTED}' is not an email address" in line for line in result.errors)
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 2


def test_the_participants_upload_page_names_the_row_of_a_scripted_address(app, as_edt_staff):
    content = (PARTICIPANT_HEADER + f"\nN002,Name,{SCRIPTED},NORTH,NPQLT,3,yes,yes,active\n").encode()
    response = as_edt_staff.post("/uploads", {"kind": "participants", "file": (io.BytesIO(content), "p.csv")},
                                 content_type="multipart/form-data")
    raw = as_edt_staff.get(response.headers["Location"]).get_data(as_text=True)
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", raw, re.S)]
    assert cells[:2] == ["2", "N002 Name"] and cells[2] == "email", cells
    assert cells[3].startswith(f"'{SCRIPTED}' is not an email address")
    assert "<script>alert" not in raw


@pytest.mark.parametrize("address", [SCRIPTED, "a@b", "two@@example.org", "x@example.org\r\nBcc: y@example.org"])
def test_an_invitation_to_a_bad_address_is_refused_on_the_form(as_edt_admin, address):
    response = as_edt_admin.client.post("/users/", data={
        "csrf_token": as_edt_admin.csrf("/users/"), "name": "Someone", "email": address, "role": "edt-staff",
        "partner": ""})
    assert response.status_code == 200
    assert "Enter an email address like name@example.org" in html.unescape(response.get_data(as_text=True))
    from tracker.models import User
    assert db.session.scalar(select(func.count()).select_from(User).where(User.name == "Someone")) == 0


def test_an_account_made_on_the_command_line_needs_a_real_address(app, cli, two_partners):
    result = cli("create-user", "--email", SCRIPTED, "--name", "X", "--role", "edt-staff",
                 "--password", "a-long-enough-password-42")
    assert result.exit_code == 1 and "Enter an email address like name@example.org" in result.output


def test_a_reports_bad_address_is_not_remembered_as_another_email(two_partners):
    from tracker.refusal import Refusal
    from tracker.registers.report_reviews import record_other_email

    with pytest.raises(Refusal, match="is not an email address"):
        record_other_email("N001", SCRIPTED, None, "test")
    assert record_other_email("N001", "n.one@school.example", None, "test").participant_id == "N001"


def test_every_route_that_takes_a_participant_id_or_a_code_reads_it_with_the_id_converter(app):
    from tracker.web.ids import IdConverter

    taken = [(rule.rule, name) for rule in app.url_map.iter_rules() for name in rule.arguments
             if name in ("participant_id", "code", "group")]
    assert len(taken) > 15
    assert [(r, n) for r, n in taken if not isinstance(next(
        rule for rule in app.url_map.iter_rules() if rule.rule == r)._converters[n], IdConverter)] == []
