"""EDT staff tell DfE of a participant's changes from the participant's page; DfE's refusal shows
there. Partners never see it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.escalation.withdrawals import confirm_withdrawal, propose_withdrawal
from tracker.extensions import db
from tracker.models import DfeChange, Participant

from ..declarations.stand_in import dfe  # noqa: F401  (fixture)
from ..factories import give_dfe_ids

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
