"""The participants list, its exports and a participant's page, on the sample dataset.

The sample has 40 participants: even numbers (EX000, EX002, ...) belong to NORTH, odd to SOUTH.
On 1 March 2023 NORTH's EX004, EX014 and EX032 are in the window, EX006 is escalated and EX008
(NPQEYL, whose content is partly TBC) is due soon.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import html5lib
import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, event, select

from tests.conftest import EXAMPLES
from tests.factories import PARTICIPANT_HEADER, import_text
from tests.test_examples import KINDS
from tracker.engagement.book import Book
from tracker.engagement.filters import ParticipantFilters, apply, page_window, paginate
from tracker.engagement.progress import Tally
from tracker.engagement.standing import standings
from tracker.extensions import db
from tracker.imports import importer_for, run_import
from tracker.imports.base import Context
from tracker.models import AuditEvent, ContactAttempt, Extension, Participant

from .conftest import make_user, signed_in

AS_OF = "2023-03-01"
NORTH_IDS = [f"EX{n:03d}" for n in range(0, 40, 2)]


@pytest.fixture()
def examples(app, session, today, monkeypatch):
    """The sample dataset, a user of each kind, and 1 March 2023 as today."""
    for kind in KINDS:
        with open(EXAMPLES / f"{kind}.csv", "rb") as stream:
            result = run_import(importer_for(kind, Context(today, Book(), user="importer@edt.example")),
                                stream, f"{kind}.csv")
        assert result.ok, result.errors
        session.commit()
    make_user("lead@north.example", "partner-lead", "NORTH")
    make_user("facilitator@north.example", "facilitator", "NORTH")
    make_user("staff@edt.example", "edt-staff")
    make_user("importer@edt.example", "edt-staff")
    monkeypatch.setitem(app.config, "TODAY", AS_OF)
    return session


@pytest.fixture()
def north_lead(app, examples):
    return signed_in(app, "lead@north.example")


@pytest.fixture()
def edt_staff(app, examples):
    return signed_in(app, "staff@edt.example")


def listed(page: str) -> list[str]:
    """Participant ids in the list's table, in order."""
    return re.findall(r'<tr class="govuk-table__row" data-participant="([^"]+)"', page)


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def add_participants(count: int, partner="NORTH", course="NPQLT", cohort=3, prefix="BULK"):
    rows = [f"{prefix}{n:03d},Bulk {n:03d},{prefix.lower()}{n}@example.org,{partner},{course},{cohort},yes,yes,active"
            for n in range(count)]
    assert import_text("participants", PARTICIPANT_HEADER, *rows).ok


# The list ---------------------------------------------------------------------------------------

def test_a_partner_lead_sees_only_their_own_partners_participants(north_lead):
    page = north_lead.get("/participants/").get_data(as_text=True)
    assert listed(page) == NORTH_IDS
    assert "Showing 1 to 20 of 20 participants" in page


def test_the_export_holds_only_the_partner_leads_own_participants(north_lead):
    for url in ("/participants/export.csv", "/participants/export.csv?partner=NORTH"):
        rows = csv_rows(north_lead.get(url))
        assert [r["participant_id"] for r in rows] == NORTH_IDS
        assert {r["delivery_partner"] for r in rows} == {"NORTH"}


def test_a_partner_lead_asking_for_another_partners_list_or_export_is_not_found(north_lead):
    assert north_lead.get("/participants/?partner=SOUTH").status_code == 404
    assert north_lead.get("/participants/export.csv?partner=SOUTH").status_code == 404
    assert north_lead.get("/participants/export.xlsx?partner=SOUTH").status_code == 404


def test_filters_by_course_cohort_status_and_escalation(north_lead):
    found = {s.participant_id for s in standings(date(2023, 3, 1))
             if s.partner == "NORTH" and s.course == "NPQLBC" and s.cohort == 1}
    assert set(listed(north_lead.get("/participants/?course=NPQLBC&cohort=1").get_data(as_text=True))) == found

    assert listed(north_lead.get("/participants/?escalation=window").get_data(as_text=True)) == \
        ["EX004", "EX014", "EX032"]
    not_met = [s.participant_id for s in standings(date(2023, 3, 1))
               if s.partner == "NORTH" and any(o.status == "not-met" for o in s.outputs)]
    assert listed(north_lead.get("/participants/?status=not-met").get_data(as_text=True)) == not_met


def test_search_finds_a_participant_by_name_or_id_in_any_case(north_lead):
    assert listed(north_lead.get("/participants/?q=ex032").get_data(as_text=True)) == ["EX032"]
    assert listed(north_lead.get("/participants/?q=name+EX014").get_data(as_text=True)) == ["EX014"]
    page = north_lead.get("/participants/?q=EX001").get_data(as_text=True)  # SOUTH's: not found
    assert listed(page) == [] and "No participants match these filters" in page


def test_the_filter_form_keeps_what_was_chosen(north_lead):
    page = north_lead.get("/participants/?course=NPQLBC&escalation=window&q=ex0").get_data(as_text=True)
    assert re.search(r'<option value="NPQLBC"\s*selected>', page)
    assert re.search(r'<option value="window"\s*selected>', page)
    assert 'value="ex0"' in page


def test_pagination_shows_fifty_a_page_and_keeps_the_filters(north_lead, examples):
    add_participants(60)
    first = north_lead.get("/participants/?course=NPQLT&q=bulk").get_data(as_text=True)
    assert listed(first) == [f"BULK{n:03d}" for n in range(50)]
    assert "Showing 1 to 50 of 60 participants" in first
    next_link = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"', first).group(1)
    assert "course=NPQLT" in next_link and "q=bulk" in next_link and "page=2" in next_link
    second = north_lead.get(next_link.replace("&amp;", "&")).get_data(as_text=True)
    assert listed(second) == [f"BULK{n:03d}" for n in range(50, 60)]
    assert "Showing 51 to 60 of 60 participants" in second


def test_the_export_is_the_whole_filtered_view_not_one_page(north_lead, examples):
    add_participants(60)
    rows = csv_rows(north_lead.get("/participants/export.csv?course=NPQLT&q=bulk"))
    assert len(rows) == 60
    assert list(rows[0]) == ["participant_id", "full_name", "delivery_partner", "course", "cohort", "output_1",
                             "output_2", "output_3", "output_4", "escalation", "window_ends", "email", "why",
                             "next_step"]


def headings(page: str) -> dict[str, tuple[str, str]]:
    """Column heading text -> (aria-sort, the link's address), for the sortable columns (why and
    the next step is not one)."""
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    found = {}
    for th in tree.findall(".//table[@id='participants']/thead//th"):
        link = th.find("a")
        if link is None:
            assert "".join(th.itertext()).strip() == "Why, and the next step"
            continue
        found[link.text.strip()] = (th.get("aria-sort"), link.get("href").replace("&amp;", "&"))
    return found


def expected_order(as_of: date, key) -> list[str]:
    """NORTH's participant ids sorted the plain way: by `key`, then by participant id."""
    north = [s for s in standings(as_of) if s.partner == "NORTH"]
    return [s.participant_id for s in sorted(north, key=lambda s: (key(s), s.participant_id))]


URGENCY_ORDER = ["escalated", "window", "extended", "due-soon", "none", "deferred", "withdrawn"]


def test_sorting_orders_the_whole_filtered_list_on_the_server_then_pages_it(north_lead):
    # Given 80 NORTH participants: two pages of 50
    add_participants(60)
    # When the lead sorts by escalation (a link: no JavaScript needed)
    first = north_lead.get("/participants/?sort=escalation&order=asc").get_data(as_text=True)
    assert "Showing 1 to 50 of 80 participants" in first
    second = north_lead.get("/participants/?sort=escalation&order=asc&page=2").get_data(as_text=True)
    # Then both pages together are the whole list, most urgent first, ties in participant ID order
    order = expected_order(date(2023, 3, 1), lambda s: URGENCY_ORDER.index(s.escalation.state))
    assert listed(first) + listed(second) == order
    # the 60 added (no evidence yet) and EX006 are escalated, then EX004, EX014 and EX032 in the window
    assert listed(second)[10:14] == ["EX006", "EX004", "EX014", "EX032"]
    # And the pages link on with the same sorting
    assert 'href="/participants/?sort=escalation&amp;order=asc&amp;page=2"' in first


def test_a_heading_sorts_by_its_column_and_again_the_other_way(north_lead):
    page = north_lead.get("/participants/").get_data(as_text=True)
    found = headings(page)
    assert found["Participant"] == ("ascending", "/participants/?sort=participant&order=desc")
    assert found["Output 2"] == ("none", "/participants/?sort=output-2&order=asc")
    assert "Sorted by participant ID, ascending" in page
    by_output = north_lead.get("/participants/?sort=output-2&order=asc").get_data(as_text=True)
    assert headings(by_output)["Output 2"] == ("ascending", "/participants/?sort=output-2&order=desc")
    statuses = ["met", "met-late", "blocked", "pending", "not-met", "total-unknown", "criteria-pending"]
    assert listed(by_output) == expected_order(
        date(2023, 3, 1), lambda s: statuses.index(s.outputs[1].status) if len(s.outputs) > 1 else len(statuses))
    reverse = north_lead.get("/participants/?sort=participant&order=desc").get_data(as_text=True)
    assert listed(reverse) == NORTH_IDS[::-1]


def test_sorting_keeps_the_filters_and_filtering_keeps_the_sorting(north_lead):
    page = north_lead.get("/participants/?course=NPQLT&sort=cohort&order=desc").get_data(as_text=True)
    assert headings(page)["Course"][1] == "/participants/?course=NPQLT&sort=course&order=asc"
    assert '<input type="hidden" name="sort" value="cohort">' in page
    assert '<input type="hidden" name="order" value="desc">' in page
    rows = listed(page)
    assert rows and rows == [i for i in expected_order(date(2023, 3, 1), lambda s: -s.cohort)
                             if i in set(rows)]


def test_an_unknown_sort_falls_back_to_participant_id_order(north_lead):
    page = north_lead.get("/participants/?sort=password&order=sideways").get_data(as_text=True)
    assert listed(page) == NORTH_IDS


def test_the_list_runs_the_same_number_of_queries_sorted_or_not_however_many_participants(north_lead):
    def queries(url: str) -> int:
        statements = []
        db.session.expire_all()
        forget_cached_results()  # each list computed, not read from the cache (engagement/version.py)

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert north_lead.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    plain, sorted_ = queries("/participants/"), queries("/participants/?sort=escalation&order=desc")
    add_participants(120)
    assert queries("/participants/") == plain == sorted_ == queries("/participants/?sort=escalation&order=desc&page=3")


def forget_cached_results() -> None:
    from tracker.engagement import version
    from tracker.models import CachedResult

    version._cache.clear()
    db.session.execute(delete(CachedResult))
    db.session.commit()


# Exports ----------------------------------------------------------------------------------------

def test_the_csv_export_does_not_let_a_spreadsheet_run_a_name_as_a_formula(north_lead, examples):
    assert import_text("participants", PARTICIPANT_HEADER,
                       "EVIL1,=cmd|' /C calc'!A0,evil@example.org,NORTH,NPQLT,3,yes,yes,active").ok
    rows = csv_rows(north_lead.get("/participants/export.csv?q=EVIL1"))
    assert rows[0]["full_name"] == "'=cmd|' /C calc'!A0"


def test_the_xlsx_export_opens_in_a_spreadsheet(north_lead, examples):
    assert import_text("participants", PARTICIPANT_HEADER,
                       "EVIL1,=cmd|' /C calc'!A0,evil@example.org,NORTH,NPQLT,3,yes,yes,active").ok
    response = north_lead.get("/participants/export.xlsx?escalation=window")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("participant_id", "full_name")
    assert [r[0] for r in rows[1:]] == ["EX004", "EX014", "EX032"]
    assert {r[9] for r in rows[1:]} == {"window"} and rows[1][10] == "2023-03-17"
    everyone = load_workbook(io.BytesIO(north_lead.get("/participants/export.xlsx?q=evil").data)).active
    assert list(everyone.iter_rows(values_only=True))[1][1] == "'=cmd|' /C calc'!A0"


# EDT staff --------------------------------------------------------------------------------------

def test_edt_staff_see_every_partner_and_can_narrow_to_one(edt_staff):
    everyone = edt_staff.get("/participants/").get_data(as_text=True)
    assert len(listed(everyone)) == 40
    south = edt_staff.get("/participants/?partner=SOUTH").get_data(as_text=True)
    assert listed(south) == [f"EX{n:03d}" for n in range(1, 40, 2)]
    assert [r["delivery_partner"] for r in csv_rows(edt_staff.get("/participants/export.csv?partner=SOUTH"))] == \
        ["SOUTH"] * 20


def test_edt_staff_can_open_any_partners_participant(edt_staff):
    assert edt_staff.get("/participants/EX001").status_code == 200
    assert edt_staff.get("/participants/EX004").status_code == 200


# A participant ----------------------------------------------------------------------------------

def test_another_partners_participant_is_not_found(north_lead):
    assert north_lead.get("/participants/EX001").status_code == 404
    assert north_lead.get("/participants/NOBODY").status_code == 404


def test_a_participant_page_shows_each_output_with_its_status_and_evidence(north_lead):
    page = north_lead.get("/participants/EX004").get_data(as_text=True)
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    rows = tree.findall(".//table[@id='output-table']/tbody/tr")
    text = ["".join(r.itertext()) for r in rows]
    assert len(rows) == 3
    assert "Teacher Validated and Training Commenced" in text[0] and "Met" in text[0]
    assert "27 Nov 2021" in text[0] and "Facilitator register" in text[0]
    assert "Met late" in text[1] and "Credit progress" in text[1]
    assert "Not met" in text[2] and "24 Feb 2023" in text[2]
    assert "In the window" in page and "16 days left in the window" in page


def test_output_one_met_by_a_contingency_mark_alone_is_acceptable_but_not_preferred(north_lead, examples):
    add_participants(1, prefix="CONT")
    assert import_text("attendance", "participant_id,block,event,session_date,attendance,marked_by",
                       "CONT000,1,NPQLT F2F Training Session,2022-10-20,contingency,Facilitator").ok
    page = north_lead.get("/participants/CONT000").get_data(as_text=True)
    assert "Acceptable, not preferred" in page
    assert "Rests on a contingency mark alone: not DfE&#39;s preferred evidence" in page
    assert "Contingency activity" in page  # the register entry itself


def test_credits_are_shown_per_block_against_the_block_total(north_lead):
    page = north_lead.get("/participants/EX004").get_data(as_text=True)
    assert "5 of 27 credits (18%)" in page and "app-progress__bar--18" in page
    assert "23 of 186 credits (12%). 168 credits (90%) are needed for the final output." in page
    assert page.count('class="app-progress__marker"') == 6  # five blocks and the course


def test_a_course_with_content_still_tbc_says_its_total_is_not_yet_known(north_lead):
    page = north_lead.get("/participants/EX008").get_data(as_text=True)  # NPQEYL
    assert "total not yet known (content TBC)" in page
    assert "block total not yet known (content TBC)" in page


def test_registers_and_video_views_are_listed(north_lead):
    page = north_lead.get("/participants/EX004").get_data(as_text=True)
    assert "NPQLBC Live Webinar" in page and "Attended" in page
    assert "89.9%" in page  # the block 2 view that does not count


def test_the_escalation_history_lists_what_was_done_oldest_first(north_lead, examples):
    pk = db.session.scalar(select(Participant.id).where(Participant.participant_id == "EX006"))
    db.session.add_all([
        ContactAttempt(participant_id=pk, contacted_on=date(2022, 8, 1), method="phone", outcome="no-response",
                       note="Left a message", recorded_by="lead@north.example", recorded_at=datetime(2022, 8, 1, 9)),
        Extension(participant_id=pk, output=2, deadline=date(2022, 9, 30), note="Agreed by phone",
                  agreed_by="lead@north.example", agreed_at=datetime(2022, 8, 10, 9)),
        ContactAttempt(participant_id=pk, contacted_on=date(2022, 7, 20), method="email", outcome="no-response",
                       note="", recorded_by="facilitator@north.example", recorded_at=datetime(2022, 7, 20, 9)),
    ])
    db.session.commit()
    page = north_lead.get("/participants/EX006").get_data(as_text=True)
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    rows = ["".join(r.itertext()) for r in tree.findall(".//table[@id='history-table']/tbody/tr")]
    assert len(rows) == 3
    assert "20 Jul 2022" in rows[0] and "Email: No response" in rows[0]
    assert "1 Aug 2022" in rows[1] and "Left a message" in rows[1]
    assert "Output 2 extended to 30 Sep 2022" in rows[2]
    assert "Facilitator" in rows[0] and "Lead" in rows[1] and "Lead" in rows[2]
    assert not any("@north.example" in row for row in rows)  # the person, not their address


def test_action_pages_are_linked_when_they_exist(app, north_lead):
    page = north_lead.get("/participants/EX006").get_data(as_text=True)
    for endpoint, path in (("actions.contact", "/participants/EX006/contacts/new"),
                           ("actions.withdrawal", "/participants/EX006/withdrawal/new")):
        assert (f'href="{path}"' in page) == (endpoint in app.view_functions)


def test_the_audit_trail_shows_changes_newest_first_up_to_a_hundred(north_lead, examples):
    pk = db.session.scalar(select(Participant.id).where(Participant.participant_id == "EX004"))
    for n in range(105):
        db.session.add(AuditEvent(at=datetime(2099, 1, 1, 9) + timedelta(minutes=n),
                                  actor="lead@north.example", action="update", entity="participants",
                                  participant_id=pk, before=f'{{"full_name": "Old {n}"}}',
                                  after=f'{{"full_name": "New {n}"}}'))
    db.session.commit()
    page = north_lead.get("/participants/EX004").get_data(as_text=True)
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    rows = ["".join(r.itertext()) for r in tree.findall(".//table[@id='audit-table']/tbody/tr")]
    assert len(rows) == 100
    assert "Name: Old 104 → New 104" in rows[0] and "Lead" in rows[0] and "lead@north.example" not in rows[0]
    assert "Showing the 100 most recent changes" in page


def test_the_audit_trail_reads_in_a_readers_words(north_lead, examples, today):
    # Given a contact the partner lead logged, then a register mark changed by a file on the command line
    assert north_lead.post("/participants/EX006/contacts/new", {
        "contacted_on": ["27", "2", "2023"], "method": "phone", "outcome": "spoke-to-participant"}).status_code == 302
    changed = "participant_id,block,event,session_date,attendance,marked_by\nEX006,2,NPQLT Live Webinar,2022-03-04,attended,\n"
    result = run_import(importer_for("attendance", Context(today, Book(), user="command line")),
                        io.BytesIO(changed.encode()), "late-register.csv")
    assert result.ok and result.updated == 1, result.errors
    db.session.commit()
    # When the lead opens the participant's page
    page = north_lead.get("/participants/EX006").get_data(as_text=True)
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    rows = [["".join(cell.itertext()).strip() for cell in row.findall("td")]
            for row in tree.findall(".//table[@id='audit-table']/tbody/tr")]
    # Then each change says who made it by name, what was done and what changed, in plain words
    assert rows[0][1:] == ["Command line (flask import)", "Register mark changed",
                           "Activity: NPQLT Live WebinarMark: Absent → AttendedMarked by: Facilitator → blank"
                           "Session date: 4 Mar 2022File: late-register.csv"]
    assert rows[1][1:] == ["Lead", "Contact logged",
                           "Date of contact: 27 Feb 2023How: Phone callOutcome: Spoke to the participant"]
    assert rows[2][1:] == ["Importer", "Video views imported from a file", "File: video-views.csv"]
    for cells in rows:
        assert not re.search(r"\(none\)|[a-z]+[-_][a-z]+|@", " ".join(cells[1:3])), cells



def test_a_participants_other_emails_are_shown_and_their_change_audited(north_lead, examples, today):
    # Given EDT records the address EX004 signs in to Teams with
    row = "EX004,Name EX004,ex004@example.org,NORTH,NPQLBC,1,yes,yes,active,ex004.teams@north.example"
    result = run_import(importer_for("participants", Context(today, Book(), user="importer@edt.example")),
                        io.BytesIO(f"{PARTICIPANT_HEADER},other_emails\n{row}\n".encode()), "teams.csv")
    assert result.ok and result.updated == 1, result.errors
    db.session.commit()
    # When the lead opens the participant's page
    page = north_lead.get("/participants/EX004").get_data(as_text=True)
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    summary = {"".join(r.find("dt").itertext()).strip(): "".join(r.find("dd").itertext()).strip()
               for r in tree.findall(".//dl/div")}
    # Then it shows the address beside their email, and the audit trail says who added it
    assert summary["Other emails"] == "ex004.teams@north.example Remove ex004.teams@north.example"  # each removable
    audit = ["".join(cell.itertext()).strip() for cell in tree.findall(".//table[@id='audit-table']/tbody/tr")[0]]
    assert "Importer" in audit[1] and "Other emails: blank → ex004.teams@north.example" in audit[3]
    assert "Other emails" in north_lead.get("/participants/EX006").get_data(as_text=True)

# The filtering functions themselves -------------------------------------------------------------

def test_filters_ignore_values_that_cannot_match(session):
    filters = ParticipantFilters.from_args({"cohort": "three", "status": "lost", "escalation": "panic",
                                            "course": " npqlt ", "q": "  Ann   Lee "})
    assert filters == ParticipantFilters(course="NPQLT", search="Ann Lee")
    assert filters.query_args() == {"course": "NPQLT", "q": "Ann Lee"}


def test_filters_match_any_output_with_the_status(examples):
    found = standings(date(2023, 3, 1))
    blocked = apply(found, ParticipantFilters(status="blocked"))
    assert blocked and all(any(o.status == "blocked" for o in s.outputs) for s in blocked)
    assert len(apply(found, ParticipantFilters(partner="NORTH", search="ex00"))) == 5


def test_ninety_percent_of_a_total_is_counted_in_whole_credits():
    assert Tally(0, 249).needed == 225  # 90% of 249 is 224.1: 224 credits are not enough
    assert not Tally(224, 249).reached and Tally(225, 249).reached
    assert Tally(12, None).percent is None and not Tally(12, None).reached
    assert Tally(250, 249).percent == 100


def test_paging_clamps_to_the_pages_there_are():
    page = paginate(list(range(120)), 9)
    assert (page.number, page.pages, page.items[0], page.first_item, page.last_item) == (3, 3, 100, 101, 120)
    assert paginate([], 2).number == 1
    assert page_window(paginate(list(range(1000)), 10)) == [1, None, 8, 9, 10, 11, 12, None, 20]
