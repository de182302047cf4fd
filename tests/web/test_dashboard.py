"""The dashboard a delivery partner opens first, on the sample dataset as of 1 March 2023."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

import html5lib
from sqlalchemy import event

from tracker.engagement.standing import participants_query, standings
from tracker.extensions import db
from tracker.models import DeliveryPartner, PartnershipMeeting

from .conftest import signed_in
from .test_participants import add_participants, edt_staff, examples, north_lead  # noqa: F401 (fixtures)


def counts_on_page(page: str) -> Counter:
    """(output number, status) -> count, read from the dashboard's outputs table."""
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    found = Counter()
    for row in tree.findall(".//table[@id='output-counts']/tbody/tr"):
        for cell in row.findall("td[@data-status]"):
            found[(int(row.get("data-output")), cell.get("data-status"))] = int(cell.text)
    return found


def counts_of(partner: str | None) -> Counter:
    query = participants_query()
    if partner:
        query = query.where(DeliveryPartner.code == partner)
    return Counter((o.spec.number, o.status) for s in standings(date(2023, 3, 1), query) for o in s.outputs)


def action_order(page: str) -> list[str]:
    table = page.split('id="action-list"')[1].split("</table>")[0]
    return re.findall(r'data-participant="([^"]+)"', table)


def test_a_partner_leads_dashboard_counts_each_outputs_statuses_as_the_engagement_export_does(north_lead):
    page = north_lead.get("/dashboard").get_data(as_text=True)
    assert "Dashboard: NORTH" in page and "20</span> participants" in page
    on_page = counts_on_page(page)
    assert +on_page == counts_of("NORTH")


def test_the_action_list_puts_escalated_before_the_window_before_due_soon(north_lead):
    page = north_lead.get("/dashboard").get_data(as_text=True)
    assert action_order(page) == ["EX006", "EX004", "EX014", "EX032", "EX008"]
    assert "230 days since the window ended" in page
    assert "16 days left in the window (until 17 Mar 2023)" in page
    assert "8 days to the review date" in page
    assert 'href="/participants/EX006"' in page


def test_the_next_review_date_of_each_cohort_and_course_group_with_days_to_go(north_lead):
    page = north_lead.get("/dashboard").get_data(as_text=True)
    assert re.search(r"9 March 2023: Output 1, Teacher Validated and Training Commenced</td>\s*"
                     r'<td class="govuk-table__cell govuk-table__cell--numeric">8</td>', page)
    assert "All review dates have passed" in page  # cohort 1 specialist


def test_the_next_partnership_meeting_is_the_first_on_or_after_today(north_lead, examples):
    north, south = (db.session.scalar(db.select(DeliveryPartner.id).where(DeliveryPartner.code == code))
                    for code in ("NORTH", "SOUTH"))
    db.session.add_all([
        PartnershipMeeting(partner_id=north, meeting_date=date(2023, 2, 1), note="Spring 1"),
        PartnershipMeeting(partner_id=north, meeting_date=date(2023, 5, 1), note="Summer 1"),
        PartnershipMeeting(partner_id=north, meeting_date=date(2023, 3, 20), note="Spring 2"),
        PartnershipMeeting(partner_id=south, meeting_date=date(2023, 3, 2), note="South only"),
    ])
    db.session.commit()
    page = north_lead.get("/dashboard").get_data(as_text=True)
    meeting = page.split('id="meeting"')[1].split("<h2")[0]
    assert "20 March 2023" in meeting and "in 19 days" in meeting and "Spring 2" in meeting
    assert "South only" not in page


def test_a_partner_lead_cannot_open_another_partners_dashboard(north_lead):
    assert north_lead.get("/dashboard?partner=SOUTH").status_code == 404
    assert north_lead.get("/dashboard?partner=NORTH").status_code == 200


def test_edt_staff_see_all_partners_and_can_choose_one(edt_staff):
    everyone = edt_staff.get("/dashboard").get_data(as_text=True)
    assert "Dashboard: all delivery partners" in everyone
    assert +counts_on_page(everyone) == counts_of(None)
    south = edt_staff.get("/dashboard?partner=SOUTH").get_data(as_text=True)
    assert +counts_on_page(south) == counts_of("SOUTH")
    assert not set(action_order(south)) & {f"EX{n:03d}" for n in range(0, 40, 2)}
    assert edt_staff.get("/dashboard?partner=NOWHERE").status_code == 404


def test_a_facilitator_sees_their_partners_dashboard_from_the_home_page(app, examples):
    facilitator = signed_in(app, "facilitator@north.example")
    home = facilitator.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/dashboard")
    page = facilitator.get("/dashboard").get_data(as_text=True)
    assert +counts_on_page(page) == counts_of("NORTH")


def test_the_dashboard_runs_the_same_number_of_queries_however_many_participants(app, north_lead, examples):
    def queries_for_dashboard() -> int:
        statements = []
        db.session.expire_all()  # the same starting point for both counts: nothing cached

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert north_lead.get("/dashboard").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    before = queries_for_dashboard()
    add_participants(120)
    assert queries_for_dashboard() == before
