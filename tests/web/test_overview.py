"""EDT's overview of all delivery partners, and the guard that its shortcut counts what standings() says."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tracker.engagement.book import Book
from tracker.engagement.overview import partner_overview
from tracker.engagement.standing import participants_query, standings
from tracker.extensions import db
from tracker.models import Course, DeliveryPartner, Extension, Participant

from ..factories import PARTICIPANT_HEADER, gen_participant, import_text
from ..test_examples import DATES, example_dataset  # noqa: F401  (fixture)


def by_hand(as_of: date, cohort=None, course=None, prices=None) -> dict:
    """The overview's figures counted the plain way: every participant's standing, one by one."""
    book = Book()
    query = participants_query()
    if cohort:
        query = query.where(Participant.cohort == cohort)
    if course:
        query = query.where(Course.code == course)
    found: dict[str, dict] = {}
    for s in standings(as_of, query, book):
        p = found.setdefault(s.partner, {"participants": 0, "outputs": Counter(), "escalations": Counter(),
                                         "expected": Decimal(0)})
        p["participants"] += 1
        p["escalations"][s.escalation.state] += 1
        group = book.courses[s.course_id].course.course_group
        percentages = {r.number: r.percentage for r in book.schedule_rows.get((s.cohort, group), [])}
        for o in s.outputs:
            p["outputs"][(o.spec.number, o.status)] += 1
            if o.status in ("met", "met-late") and (prices or {}).get(s.course):
                p["expected"] += prices[s.course] * percentages[o.spec.number] / 100
    return found


def by_overview(as_of: date, cohort=None, course=None) -> dict:
    return {
        p.code: {
            "participants": p.participants,
            "outputs": Counter({(n, status): c for n, counts in p.outputs.items() for status, c in counts.items() if c}),
            "escalations": Counter({k: v for k, v in p.escalations.items() if v}),
            "expected": p.expected,
        }
        for p in partner_overview(as_of, cohort, course)
    }


@pytest.fixture()
def varied_dataset(example_dataset):  # noqa: F811
    """The example dataset, plus an EHCO participant and agreed extensions for everyone escalated."""
    gen_participant("EH001", partner="EAST", course="EHCO", cohort=3)
    gen_participant("LL001", partner="EAST", course="NPQLL", cohort=4, contract="no")
    for as_of, days in ((date(2023, 3, 1), 30), (date(2023, 11, 20), -1)):
        for s in standings(as_of):
            if s.escalation.state == "escalated":
                db.session.add(Extension(participant_id=s.pk, output=s.escalation.output,
                                         deadline=as_of + timedelta(days=days), agreed_by="test",
                                         agreed_at=datetime(2023, 1, 1)))
    db.session.commit()
    assert db.session.query(Extension).count() >= 2
    return example_dataset


@pytest.mark.parametrize("as_of", DATES + ("2021-11-01", "2022-12-10", "2023-03-20", "2025-06-01"))
def test_the_overview_counts_what_standings_say_on_every_date(varied_dataset, as_of):
    day = date.fromisoformat(as_of)
    assert by_overview(day) == by_hand(day)


@pytest.mark.parametrize("cohort, course", [(1, None), (None, "NPQSL"), (4, "NPQLBC"), (3, "EHCO"), (2, "NPQEYL")])
def test_the_overview_filters_count_what_standings_say(varied_dataset, cohort, course):
    for day in (date(2022, 6, 30), date(2023, 11, 20)):
        assert by_overview(day, cohort, course) == by_hand(day, cohort, course)


def test_expected_payments_count_met_outputs_at_the_schedule_percentage_of_the_price(varied_dataset):
    prices = {"NPQSL": Decimal("1000.00"), "NPQLT": Decimal("900.00")}
    for code, price in prices.items():
        db.session.scalar(select(Course).where(Course.code == code)).price_per_teacher = price
    db.session.flush()
    try:
        day = date(2023, 11, 20)
        assert by_overview(day) == by_hand(day, prices=prices)
        north = next(p for p in partner_overview(day) if p.code == "NORTH")
        assert north.expected > 0 and north.unpriced > 0
    finally:
        db.session.rollback()


def test_edt_staff_see_every_partner_with_links_to_its_participants(app, as_edt_staff, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    page = as_edt_staff.get("/overview")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "NORTH" in text and "SOUTH" in text
    if "participants.index" in app.view_functions:
        assert "/participants/?partner=NORTH" in text or "/participants?partner=NORTH" in text


def test_edt_admins_see_the_overview_too(as_edt_admin):
    assert as_edt_admin.get("/overview").status_code == 200


def test_a_partner_user_cannot_see_the_overview(as_north_lead, as_facilitator):
    assert as_north_lead.get("/overview").status_code == 403
    assert as_facilitator.get("/overview").status_code == 403


def partners_in_order(text: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" data-partner="([^"]+)"', text)


def test_the_overview_filters_by_cohort_and_course(app, as_edt_staff):
    text = as_edt_staff.get("/overview?course=NPQSL").get_data(as_text=True)
    assert partners_in_order(text) == ["SOUTH"]
    assert "No participants match" in as_edt_staff.get("/overview?cohort=1").get_data(as_text=True)


def test_one_row_per_partner_riskiest_first_with_the_reason_in_words(app, varied_dataset, as_edt_staff, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    text = as_edt_staff.get("/overview").get_data(as_text=True)
    found = {p.code: p for p in partner_overview(date(2023, 3, 1))}
    order = partners_in_order(text)
    assert sorted(order) == sorted(found)  # one row each
    shares = [found[code].escalated / found[code].participants for code in order]
    assert shares == sorted(shares, reverse=True) and shares[0] > 0
    for code in order:
        assert found[code].risk.reason in text
    riskiest = found[order[0]]
    assert (f"{riskiest.escalated} of {riskiest.participants} ({round(100 * riskiest.escalated / riskiest.participants)}%)"
            " escalated") in text
    assert 'aria-sort="descending"><a class="govuk-link app-sort-link" href="/overview?sort=risk&amp;order=asc">Risk, and why' in text
    assert "Sorted by risk" in text


def test_each_column_sorts_the_whole_list_on_the_server(app, varied_dataset, as_edt_staff, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    found = {p.code: p for p in partner_overview(date(2023, 3, 1))}
    by_code = as_edt_staff.get("/overview?sort=partner").get_data(as_text=True)
    assert partners_in_order(by_code) == sorted(found)
    assert by_code.count("aria-sort=") == 1 and 'aria-sort="ascending"' in by_code
    assert partners_in_order(as_edt_staff.get("/overview?sort=partner&order=desc").get_data(as_text=True)) == sorted(
        found, reverse=True)
    most = partners_in_order(as_edt_staff.get("/overview?sort=participants").get_data(as_text=True))
    assert [found[c].participants for c in most] == sorted((p.participants for p in found.values()), reverse=True)
    # Filters and sorting travel together
    filtered = as_edt_staff.get("/overview?cohort=3&sort=partner&order=desc").get_data(as_text=True)
    assert 'href="/overview?cohort=3&amp;sort=escalated&amp;order=desc"' in filtered
    assert '<input type="hidden" name="sort" value="partner">' in filtered
    # An unknown column is the risk order
    assert partners_in_order(as_edt_staff.get("/overview?sort=nonsense").get_data(as_text=True)) == partners_in_order(
        as_edt_staff.get("/overview").get_data(as_text=True))


def test_expected_payments_say_no_price_set_rather_than_nothing(app, varied_dataset, as_edt_staff, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-11-20")
    text = as_edt_staff.get("/overview").get_data(as_text=True)
    assert "No price set" in text and "£0.00" not in text
    db.session.scalar(select(Course).where(Course.code == "NPQSL")).price_per_teacher = Decimal("1000.00")
    db.session.commit()
    try:
        text = as_edt_staff.get("/overview?sort=expected").get_data(as_text=True)
        south = next(p for p in partner_overview(date(2023, 11, 20)) if p.code == "SOUTH")
        assert south.expected > 0
        assert f"£{south.expected_rounded:,.2f}" in text and "with no price set" in text
        assert partners_in_order(text)[0] == "SOUTH"  # the most expected first
    finally:
        db.session.scalar(select(Course).where(Course.code == "NPQSL")).price_per_teacher = None
        db.session.commit()


def test_a_hundred_partners_are_one_row_each_ranked_and_paged(app, as_edt_staff, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    rows = []
    for n in range(100):  # n % 4 escalated (cohort 1, nothing met) and two on track (cohort 4, just started)
        code = f"DP{n:03}"
        rows += [f"{code}E{k},Name,{code.lower()}e{k}@example.org,{code},NPQLT,1,yes,yes,active" for k in range(n % 4)]
        rows += [f"{code}T{k},Name,{code.lower()}t{k}@example.org,{code},NPQLT,4,yes,yes,active" for k in range(2)]
    assert import_text("participants", PARTICIPANT_HEADER, *rows).ok
    first = as_edt_staff.get("/overview")
    assert first.status_code == 200
    text = first.get_data(as_text=True)
    order = partners_in_order(text)
    assert len(order) == 50 and "page 1 of 3" in text  # 102 partners with NORTH and SOUTH
    # NORTH's and SOUTH's one participant each is escalated (100%), then 3 of 5 escalated, by code
    assert order[:5] == ["NORTH", "SOUTH", "DP003", "DP007", "DP011"]
    assert "3 of 5 (60%) escalated" in text
    rest = partners_in_order(as_edt_staff.get("/overview?page=3").get_data(as_text=True))
    assert rest == ["DP092", "DP096"]  # no one escalated or behind: the least risk, by code
    assert "No one behind" in as_edt_staff.get("/overview?page=3").get_data(as_text=True)
