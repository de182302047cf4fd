"""A delivery partner acts on participants who fall behind; EDT staff decide on withdrawals.

N001 (NORTH, NPQLT cohort 3) has no evidence: on 1 March 2023 Output 1's window (review date
24 November 2022, window ended 15 December 2022) is long gone, so N001 is escalated.
"""
from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.engagement.standing import participants_query, standings
from tracker.extensions import db
from tracker.models import AuditEvent, ContactAttempt, Deferral, Extension, Participant, WithdrawalRequest

from .conftest import signed_in

TODAY = "2023-03-01"
N001 = "/participants/N001"
S001 = "/participants/S001"


@pytest.fixture(autouse=True)
def first_of_march(app, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", TODAY)


def participant(ref="N001") -> Participant:
    db.session.expire_all()
    return db.session.scalar(select(Participant).where(Participant.participant_id == ref))


def escalation(on: str, ref="N001") -> str:
    db.session.expire_all()
    found = standings(date.fromisoformat(on), participants_query().where(Participant.participant_id == ref))
    return found[0].escalation.state


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_actions(ref="N001") -> list[str]:
    pk = participant(ref).id
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.participant_id == pk)
                                   .order_by(AuditEvent.id)))


def lands_on_participant(response, ref="N001"):
    """After an action the user goes to the participant's page (or their history until it exists)."""
    assert response.status_code == 302
    assert response.headers["Location"] in (f"/participants/{ref}", f"/participants/{ref}/history")


def error_summary(page: str) -> list[tuple[str, str]]:
    """(link target, message) pairs in the error summary."""
    summary = page.split('class="govuk-error-summary"', 1)
    assert len(summary) == 2, "the page has no error summary"
    found = re.findall(r'<a href="#([^"]+)">\s*([^<]+?)\s*</a>', summary[1].split("</ul>", 1)[0])
    return [(target, html.unescape(text)) for target, text in found]


def contact(browser, **changes):
    values = {"contacted_on": ["27", "2", "2023"], "method": "phone", "outcome": "spoke-to-participant",
              "note": "Busy term: will catch up on block 1 this week"}
    values.update(changes)
    return browser.post(f"{N001}/contacts/new", {k: v for k, v in values.items() if v is not None})


def propose(browser, **changes):
    values = {"reason": "personal-reason-moving-school", "withdrawn_on": ["28", "2", "2023"], "note": "Moving abroad"}
    values.update(changes)
    return browser.post(f"{N001}/withdrawal/new", values)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def proposal_id() -> int:
    return db.session.scalar(select(WithdrawalRequest.id).order_by(WithdrawalRequest.id.desc()))


# Contacts


def test_a_lead_logs_a_contact_for_an_escalated_participant_and_it_shows_in_the_history_and_audit(as_north_lead):
    assert escalation(TODAY) == "escalated"
    page = as_north_lead.get(f"{N001}/contacts/new").get_data(as_text=True)
    assert "Phone call" in page and "Spoke to the participant" in page  # readable labels, not codes

    lands_on_participant(contact(as_north_lead))

    history = as_north_lead.get(f"{N001}/history").get_data(as_text=True)
    assert "27 Feb 2023" in history and "Phone call" in history and "Spoke to the participant" in history
    assert "Busy term: will catch up on block 1 this week" in history and "Lead" in history and "lead@north.example" not in history
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "log-contact"))
    assert event.actor == "lead@north.example" and event.participant_id == participant().id
    assert json.loads(event.after)["method"] == "phone"


def test_a_facilitator_logs_contacts_too(as_facilitator):
    lands_on_participant(contact(as_facilitator))
    assert count(ContactAttempt) == 1


def test_a_contact_dated_in_the_future_or_without_a_method_shows_the_errors_and_saves_nothing(as_north_lead):
    response = contact(as_north_lead, contacted_on=["2", "3", "2023"], method=None)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_summary(page) == [("method", "Select how you contacted the participant")]

    response = contact(as_north_lead, contacted_on=["2", "3", "2023"])
    page = response.get_data(as_text=True)
    assert error_summary(page) == [("contacted_on-day", "The date of contact must be today or in the past")]
    assert "<title>Error: Log a contact" in page
    assert count(ContactAttempt) == 0 and audit_actions() == []


def test_a_date_that_does_not_exist_or_is_missing_is_named_in_the_error(as_north_lead):
    page = contact(as_north_lead, contacted_on=["31", "2", "2023"], outcome="").get_data(as_text=True)
    assert error_summary(page) == [("contacted_on-day", "The date of contact must be a real date, like 27 3 2023"),
                                   ("outcome", "Select the outcome of the contact")]
    page = contact(as_north_lead, contacted_on=["", "", ""]).get_data(as_text=True)
    assert error_summary(page) == [("contacted_on-day", "Enter the date of contact")]
    assert count(ContactAttempt) == 0


# Extensions


def test_an_agreed_extension_shows_the_participant_as_extended_until_the_deadline_then_escalated(
        app, as_north_lead, monkeypatch):
    page = as_north_lead.get(f"{N001}/extensions/new").get_data(as_text=True)
    assert "Output 1: Teacher Validated and Training Commenced (review date 24 November 2022)" in page
    assert re.search(r'value="1"\s+checked', page), "the escalated output is chosen already"

    lands_on_participant(as_north_lead.post(f"{N001}/extensions/new", {
        "output": "1", "deadline": ["31", "3", "2023"], "note": "Agreed by phone"}))

    assert escalation(TODAY) == "extended"
    assert escalation("2023-03-31") == "extended"
    assert escalation("2023-04-01") == "escalated"
    monkeypatch.setitem(app.config, "TODAY", "2023-04-01")
    history = as_north_lead.get(f"{N001}/history").get_data(as_text=True)
    assert "Escalated" in history and "31 Mar 2023" in history and "Agreed by phone" in history
    assert audit_actions() == ["agree-extension"]


@pytest.mark.parametrize("output, deadline, message", [
    ("1", ["1", "3", "2023"], "The extended deadline must be in the future"),
    ("2", ["1", "6", "2023"], "The extended deadline must be after Output 2's review date, 22 June 2023"),
    ("", ["1", "6", "2023"], "Select the output the extended deadline is for"),
])
def test_an_extension_needs_a_deadline_after_today_and_after_the_review_date(as_north_lead, output, deadline, message):
    page = as_north_lead.post(f"{N001}/extensions/new", {"output": output, "deadline": deadline}).get_data(as_text=True)
    assert [text for _, text in error_summary(page)] == [message]
    assert count(Extension) == 0


# Deferral


def test_a_deferral_stops_the_chase_and_the_return_makes_the_participant_active_again(app, as_north_lead, monkeypatch):
    page = as_north_lead.get(f"{N001}/deferral").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Record a deferral</h1>" in page
    lands_on_participant(as_north_lead.post(f"{N001}/deferral", {"deferred_on": ["20", "2", "2023"], "reason": "career-break",
                                                                 "note": "Long-term illness"}))
    assert participant().status == "deferred" and escalation(TODAY) == "deferred"

    monkeypatch.setitem(app.config, "TODAY", "2023-09-04")
    page = as_north_lead.get(f"{N001}/deferral").get_data(as_text=True)
    assert "Record a return from deferral" in page and "deferred since 20 February 2023" in page
    early = as_north_lead.post(f"{N001}/deferral", {"returned_on": ["19", "2", "2023"]}).get_data(as_text=True)
    assert error_summary(early) == [("returned_on-day", "The date of return must be on or after the date of deferral, "
                                                    "20 February 2023")]
    lands_on_participant(as_north_lead.post(f"{N001}/deferral", {"returned_on": ["4", "9", "2023"]}))
    assert participant().status == "active" and escalation("2023-09-04") == "escalated"
    assert db.session.scalar(select(Deferral.returned_on)) == date(2023, 9, 4)
    assert audit_actions() == ["defer", "change-status", "return-from-deferral", "change-status"]


# Withdrawal


def test_a_proposed_withdrawal_waits_until_edt_staff_confirm_it(app, as_north_lead):
    page = as_north_lead.get(f"{N001}/withdrawal/new").get_data(as_text=True)
    assert "Personal reason: moving school" in page and "Quality of the programme: other" in page
    lands_on_participant(propose(as_north_lead))
    assert participant().status == "active" and escalation(TODAY) == "escalated"
    again = as_north_lead.get(f"{N001}/withdrawal/new").get_data(as_text=True)
    assert "already proposed" in again and "<form method=\"post\" novalidate>" not in again

    staff = signed_in(app, "staff@edt.example")
    assert "Decide on the proposed withdrawal" in staff.get(f"{N001}/history").get_data(as_text=True)
    waiting = staff.get("/withdrawals").get_data(as_text=True)
    assert "Name N001 (N001), NORTH" in waiting and "Personal reason: moving school" in waiting
    assert "Moving abroad" in waiting
    done = staff.post(f"/withdrawals/{proposal_id()}/confirm", {"note": "Agreed"}, form_url="/withdrawals")
    assert done.status_code == 302 and done.headers["Location"] == "/withdrawals"
    assert participant().status == "withdrawn" and escalation(TODAY) == "withdrawn"
    assert audit_actions() == ["propose-withdrawal", "confirm-withdrawal", "change-status"]
    assert "No withdrawals are waiting" in staff.get("/withdrawals").get_data(as_text=True)


def test_edt_staff_decline_a_withdrawal_with_a_note_and_the_participant_stays_active(app, as_north_lead):
    propose(as_north_lead)
    admin = signed_in(app, "admin@edt.example")
    url = f"/withdrawals/{proposal_id()}/decline"
    refused = admin.post(url, {"note": ""}, form_url="/withdrawals")
    assert refused.status_code == 200
    assert error_summary(refused.get_data(as_text=True)) == [
        (f"decision-note-{proposal_id()}", "Enter why the withdrawal is declined")]
    assert db.session.scalar(select(WithdrawalRequest.state)) == "proposed"

    assert admin.post(url, {"note": "Offer a deferral first"}, form_url="/withdrawals").status_code == 302
    assert participant().status == "active"
    history = as_north_lead.get(f"{N001}/history").get_data(as_text=True)
    assert "Withdrawal declined" in history and "Offer a deferral first" in history and "Admin" in history and "admin@edt.example" not in history
    assert "Propose a withdrawal" in history  # a new proposal can be made


def test_a_withdrawn_participant_is_no_longer_deferred_extended_or_proposed_again(app, as_north_lead):
    propose(as_north_lead)
    signed_in(app, "staff@edt.example").post(f"/withdrawals/{proposal_id()}/confirm", form_url="/withdrawals")
    assert participant().status == "withdrawn"
    for path, words in [("/deferral", "has withdrawn, so cannot be deferred"),
                        ("/extensions/new", "has withdrawn, so an extension cannot be agreed"),
                        ("/withdrawal/new", "has already withdrawn")]:
        assert words in text_of(as_north_lead.get(f"{N001}{path}"))
        as_north_lead.post(f"{N001}{path}", {"deferred_on": ["27", "2", "2023"], "output": "1",
                                             "deadline": ["31", "3", "2023"], "reason": "other",
                                             "withdrawn_on": ["27", "2", "2023"]}, form_url=f"{N001}/contacts/new")
    assert count(Deferral) + count(Extension) == 0 and count(WithdrawalRequest) == 1
    history = text_of(as_north_lead.get(f"{N001}/history"))
    assert "Withdrawn" in history and "Record a deferral" not in history and "Propose a withdrawal" not in history


def test_a_partner_user_cannot_see_or_decide_withdrawals(as_north_lead):
    propose(as_north_lead)
    assert as_north_lead.get("/withdrawals").status_code == 403
    token = as_north_lead.csrf(f"{N001}/contacts/new")
    for verb in ("confirm", "decline"):
        response = as_north_lead.client.post(f"/withdrawals/{proposal_id()}/{verb}",
                                             data={"csrf_token": token, "note": "Mine"})
        assert response.status_code == 403
    assert participant().status == "active" and db.session.scalar(select(WithdrawalRequest.state)) == "proposed"


def test_only_a_partner_lead_proposes_withdrawals_and_facilitators_leave_decisions_to_leads(as_facilitator):
    for url in (f"{N001}/withdrawal/new", f"{N001}/extensions/new", f"{N001}/deferral"):
        assert as_facilitator.get(url).status_code == 403
    history = as_facilitator.get(f"{N001}/history").get_data(as_text=True)
    assert "Log a contact" in history and "Record a deferral" not in history and "Propose a withdrawal" not in history


def test_deciding_an_unknown_withdrawal_is_not_found(as_edt_staff):
    assert as_edt_staff.post("/withdrawals/999/confirm", form_url="/withdrawals").status_code == 404


# Partner isolation


@pytest.mark.parametrize("path", ["/contacts/new", "/extensions/new", "/deferral", "/withdrawal/new", "/history"])
def test_another_partners_participant_is_not_found_on_every_action_url(as_north_lead, path):
    assert as_north_lead.get(f"{S001}{path}").status_code == 404
    token = as_north_lead.csrf(f"{N001}/contacts/new")
    if path != "/history":
        response = as_north_lead.client.post(f"{S001}{path}", data={
            "csrf_token": token, "contacted_on": ["27", "2", "2023"], "method": "phone", "outcome": "other",
            "reason": "other", "withdrawn_on": ["27", "2", "2023"], "deferred_on": ["27", "2", "2023"],
            "output": "1", "deadline": ["31", "3", "2023"]})
        assert response.status_code == 404
    assert count(ContactAttempt) + count(Extension) + count(Deferral) + count(WithdrawalRequest) == 0
    assert participant("S001").status == "active"


def test_edt_staff_see_every_partners_participants(as_edt_staff):
    assert as_edt_staff.get(f"{S001}/history").status_code == 200
    assert as_edt_staff.get(f"{S001}/contacts/new").status_code == 200


# Deferral and withdrawal dates


def met_on(number: int, ref="N001"):
    from tracker.models import OutputRecord

    db.session.expire_all()
    return db.session.scalar(select(OutputRecord.met_on).where(
        OutputRecord.participant_id == participant(ref).id, OutputRecord.number == number))


def test_edt_moves_a_returning_participant_to_a_later_cohort_and_the_page_shows_the_period(app, two_partners, monkeypatch):
    from ..factories import import_text

    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,1,NPQLT F2F Training Session,2022-11-01,attended").ok
    admin = signed_in(app, "admin@edt.example")
    monkeypatch.setitem(app.config, "TODAY", "2022-12-01")
    lands_on_participant(admin.post(f"{N001}/deferral", {"deferred_on": ["1", "12", "2022"], "reason": "other"}))
    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,2,NPQLT Live Webinar,2023-01-15,attended").ok
    assert met_on(2) is None

    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    form = admin.get(f"{N001}/deferral").get_data(as_text=True)
    assert "Stay in cohort 3" in form and "Move to cohort 4" in form
    lands_on_participant(admin.post(f"{N001}/deferral", {"returned_on": ["1", "3", "2023"], "to_cohort": "4"}))
    assert participant().cohort == 4 and participant().status == "active"
    assert met_on(1) == date(2022, 11, 1)  # met before the deferral: kept
    assert met_on(2) is None  # the webinar of 15 January 2023 was inside the deferral
    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,2,NPQLT Live Webinar,2023-03-20,attended", today=date(2023, 3, 20)).ok
    assert met_on(2) == date(2023, 3, 20)  # after cohort 4's Output 1 review (16 March 2023)

    page = admin.get(N001).get_data(as_text=True)
    assert "Deferred from 1 December 2022 to 1 March 2023; moved from cohort 3 to cohort 4 on return" in page
    assert "move-cohort" in audit_actions()


def test_a_partner_lead_returning_a_participant_is_not_offered_a_cohort_move(app, as_north_lead, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2022-12-01")
    lands_on_participant(as_north_lead.post(f"{N001}/deferral", {"deferred_on": ["1", "12", "2022"], "reason": "other"}))
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    form = as_north_lead.get(f"{N001}/deferral").get_data(as_text=True)
    assert "Move to cohort 4" not in form
    lands_on_participant(as_north_lead.post(f"{N001}/deferral", {"returned_on": ["1", "3", "2023"], "to_cohort": "4"}))
    assert participant().cohort == 3


def test_evidence_after_a_confirmed_withdrawal_stops_counting(app, as_north_lead):
    from ..factories import import_text

    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,1,NPQLT F2F Training Session,2023-02-28,attended",
                       "N001,2,NPQLT Live Webinar,2023-03-01,attended").ok
    propose(as_north_lead, withdrawn_on=["27", "2", "2023"])
    assert met_on(1) == date(2023, 2, 28)
    signed_in(app, "staff@edt.example").post(f"/withdrawals/{proposal_id()}/confirm", form_url="/withdrawals")
    assert met_on(1) is None
    page = as_north_lead.get(N001).get_data(as_text=True)
    assert "Withdrawn on 27 February 2023: evidence dated after it does not count." in page


def test_the_participant_page_shows_an_open_proposal_and_offers_no_second_one(app, as_north_lead):
    assert "Propose a withdrawal" in as_north_lead.get(N001).get_data(as_text=True)
    propose(as_north_lead)
    page = as_north_lead.get(N001).get_data(as_text=True)
    assert "Withdrawal proposed by lead@north.example: left on 28 February 2023, reason personal reason: moving school" in page
    assert "Propose a withdrawal" not in page


def test_an_extension_records_the_date_it_was_agreed(app, as_north_lead):
    lands_on_participant(as_north_lead.post(f"{N001}/extensions/new", {
        "output": "1", "deadline": ["31", "3", "2023"], "agreed_on": ["27", "2", "2023"], "note": "By phone"}))
    assert db.session.scalar(select(Extension.agreed_on)) == date(2023, 2, 27)
    history = as_north_lead.get(f"{N001}/history").get_data(as_text=True)
    assert "27 Feb 2023" in history
    page = as_north_lead.post(f"{N001}/extensions/new", {
        "output": "1", "deadline": ["31", "3", "2023"], "agreed_on": ["2", "3", "2023"]}).get_data(as_text=True)
    assert [text for _, text in error_summary(page)] == ["The date agreed must be today or in the past"]


def test_an_extension_without_a_date_agreed_is_agreed_today(app, as_north_lead):
    lands_on_participant(as_north_lead.post(f"{N001}/extensions/new", {"output": "1", "deadline": ["31", "3", "2023"]}))
    assert db.session.scalar(select(Extension.agreed_on)) == date(2023, 3, 1)


def action_texts(browser, path: str) -> list[str]:
    """The action links of the participant page (buttons) or the history page (a list)."""
    page = browser.get(path).get_data(as_text=True)
    if path.endswith("/history"):
        block = page.split('<ul class="govuk-list">', 1)[1].split("</ul>", 1)[0] if '<ul class="govuk-list">' in page else ""
        return [html.unescape(t).strip() for t in re.findall(r'<a class="govuk-link" href="[^"]+">([^<]+)</a>', block)]
    block = page.split('<div class="govuk-button-group">', 1)[1].split("</div>", 1)[0] if "govuk-button-group" in page else ""
    return [html.unescape(t).strip() for t in re.findall(r'>([^<]+)</a>', block)]


def test_the_participant_page_and_the_history_page_offer_the_same_actions(app, as_north_lead):
    assert action_texts(as_north_lead, N001) == action_texts(as_north_lead, f"{N001}/history") == [
        "Log a contact", "Agree an extended deadline", "Record a deferral", "Propose a withdrawal",
        "Record a signed agreement"]
    propose(as_north_lead)
    assert action_texts(as_north_lead, N001) == action_texts(as_north_lead, f"{N001}/history") == [
        "Log a contact", "Agree an extended deadline", "Record a deferral", "Record a signed agreement"]
    staff = signed_in(app, "staff@edt.example")
    assert action_texts(staff, N001) == action_texts(staff, f"{N001}/history") == [
        "Log a contact", "Agree an extended deadline", "Record a deferral", "Record a signed agreement",
        "Decide on the proposed withdrawal"]
    staff.post(f"/withdrawals/{proposal_id()}/confirm", form_url="/withdrawals")
    assert action_texts(as_north_lead, N001) == action_texts(as_north_lead, f"{N001}/history") == []
    assert action_texts(staff, N001) == action_texts(staff, f"{N001}/history") == []


def test_a_facilitator_is_offered_only_a_contact_on_both_pages(as_facilitator):
    assert action_texts(as_facilitator, N001) == action_texts(as_facilitator, f"{N001}/history") == ["Log a contact"]
