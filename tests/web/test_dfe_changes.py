"""EDT staff tell DfE of a participant's changes from the participant's page; DfE's refusal shows
there. Partners never see it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.escalation.deferrals import defer
from tracker.escalation.withdrawals import confirm_withdrawal, propose_withdrawal
from tracker.extensions import db
from tracker.models import AuditEvent, Deferral, DfeChange, Participant

from ..declarations.stand_in import dfe  # noqa: F401  (fixture)
from ..factories import give_dfe_ids
from .test_uploads import text_of

N001 = "/participants/N001"
NOT_STARTED = ("An NPQ participant who has not got a started declaration cannot be withdrawn. Please contact support "
               "for assistance")


def withdrawn_n001() -> None:
    give_dfe_ids(["N001"])
    n001 = db.session.scalar(select(Participant).where(Participant.participant_id == "N001"))
    proposal = propose_withdrawal(n001, reason="personal-reason-moving-school", withdrawn_on=date(2026, 11, 1), note="",
                                  actor="lead@north.example", today=date(2026, 11, 24))
    confirm_withdrawal(proposal, note="", actor="staff@edt.example")
    db.session.commit()


def test_edt_sends_a_withdrawal_from_the_participants_page_and_sees_dfes_refusal_there(as_edt_staff, dfe):  # noqa: F811
    withdrawn_n001()
    page = as_edt_staff.get(N001).get_data(as_text=True)
    assert "DfE does not yet hold:" in page and "Withdrawal, reason: personal reason: moving school" in page
    response = as_edt_staff.post(f"{N001}/dfe-changes", form_url=N001)
    assert response.status_code == 302 and response.headers["Location"] == f"{N001}#at-dfe"
    page = as_edt_staff.get(N001).get_data(as_text=True)
    assert "DfE refused the withdrawal on" in page and NOT_STARTED in page
    assert [r["path"].rsplit("/", 1)[1] for r in dfe.received] == ["withdraw"]
    assert db.session.scalar(select(DfeChange.result)) == "refused"


def test_a_partner_never_sees_what_dfe_is_told_nor_can_send_it(as_north_lead, dfe):  # noqa: F811
    withdrawn_n001()
    page = as_north_lead.get(N001).get_data(as_text=True)
    assert "At DfE" not in page and "Send to DfE" not in page
    assert as_north_lead.post(f"{N001}/dfe-changes", form_url=N001).status_code == 403
    assert dfe.received == []


def test_a_deferral_recorded_before_dfes_reasons_is_given_one_and_dfe_can_then_be_told(as_edt_staff, dfe):  # noqa: F811
    give_dfe_ids(["N001"])
    n001 = db.session.scalar(select(Participant).where(Participant.participant_id == "N001"))
    deferral = defer(n001, deferred_on=date(2026, 10, 1), note="", actor="staff@edt.example", today=date(2026, 11, 24),
                     reason="parental-leave")
    deferral.reason = None  # as recorded before the tracker asked for DfE's reason
    db.session.commit()
    page = text_of(as_edt_staff.get(N001).get_data(as_text=True))
    assert "the deferral has no reason from DfE's list: give one on the participant's deferral page" in page
    assert "DfE's reason for the deferral" in as_edt_staff.get(f"{N001}/deferral").get_data(as_text=True)
    refused = as_edt_staff.post(f"{N001}/deferral/reason", {"reason": "holiday"}, form_url=f"{N001}/deferral")
    assert refused.status_code == 400 and "Select the reason for the deferral" in refused.get_data(as_text=True)
    assert db.session.get(Deferral, deferral.id).reason is None
    given = as_edt_staff.post(f"{N001}/deferral/reason", {"reason": "career-break"}, form_url=f"{N001}/deferral")
    assert given.status_code == 302
    assert db.session.get(Deferral, deferral.id).reason == "career-break"
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == "deferral-reason"
    page = text_of(as_edt_staff.get(N001).get_data(as_text=True))
    assert "Deferral, reason: career break" in page and "DfE's reason for the deferral" not in page
    assert "DfE's reason for the deferral" not in as_edt_staff.get(f"{N001}/deferral").get_data(as_text=True)
    again = as_edt_staff.post(f"{N001}/deferral/reason", {"reason": "parental-leave"}, form_url=f"{N001}/deferral")
    assert again.status_code == 400 and "already has DfE's reason" in text_of(again.get_data(as_text=True))


def test_a_partner_lead_gives_dfes_reason_only_for_their_own_participants(as_north_lead, two_partners):
    s001 = db.session.scalar(select(Participant).where(Participant.participant_id == "S001"))
    defer(s001, deferred_on=date(2026, 10, 1), note="", actor="staff@edt.example", today=date(2026, 11, 24),
          reason="parental-leave").reason = None
    db.session.commit()
    assert as_north_lead.post("/participants/S001/deferral/reason", {"reason": "career-break"},
                              form_url=N001).status_code == 404
    assert db.session.scalar(select(Deferral.reason)) is None


def test_without_dfes_api_set_up_the_page_says_who_sets_it_up_and_offers_no_button(as_edt_staff, monkeypatch):
    withdrawn_n001()
    monkeypatch.delenv("DFE_API_URL", raising=False)
    page = text_of(as_edt_staff.get(N001).get_data(as_text=True))
    assert "Withdrawal, reason: personal reason: moving school" in page and "Send to DfE" not in page
    assert "Talking to DfE's API is not set up on this server yet. The people who run the tracker's server" in page
    response = as_edt_staff.post(f"{N001}/dfe-changes", form_url=N001)  # from a page loaded before
    assert response.status_code == 302
    page = text_of(as_edt_staff.get(N001).get_data(as_text=True))
    assert "Talking to DfE's API is not set up" in page and "DFE_API_URL" not in page
    assert db.session.scalar(select(DfeChange.id)) is None
