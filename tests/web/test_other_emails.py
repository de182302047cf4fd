"""A participant's other emails on their page: a "This is ..." chosen wrongly can be undone."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, OtherEmail, Participant
from tracker.registers.report_reviews import record_other_email

from .conftest import signed_in
from .test_uploads import text_of

TEAMS_SIGN_IN = "n.one_school.example#EXT#@partner.onmicrosoft.com"


def others(ref: str) -> list[str]:
    return list(db.session.scalars(select(OtherEmail.email).join(Participant)
                                   .where(Participant.participant_id == ref)))


def test_a_facilitator_removes_an_other_email_and_the_change_is_audited(app, two_partners):
    record_other_email("N001", TEAMS_SIGN_IN, None, "facilitator@north.example")
    db.session.commit()
    browser = signed_in(app, "facilitator@north.example")
    page = browser.get("/participants/N001").get_data(as_text=True)
    assert TEAMS_SIGN_IN in text_of(page) and "Remove" in text_of(page)
    done = browser.post("/participants/N001/other-emails/remove", {"email": TEAMS_SIGN_IN.upper()},
                        form_url="/participants/N001", follow_redirects=True)
    assert f"{TEAMS_SIGN_IN.upper()} is no longer an address of" in text_of(done.get_data(as_text=True))
    assert others("N001") == []
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "participant")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.actor == "facilitator@north.example"
    assert TEAMS_SIGN_IN in event.before and TEAMS_SIGN_IN not in event.after


def test_another_partner_cannot_remove_it_and_an_unknown_address_changes_nothing(app, two_partners):
    record_other_email("N001", TEAMS_SIGN_IN, None, "facilitator@north.example")
    db.session.commit()
    south = signed_in(app, "lead@south.example")
    refused = south.post("/participants/N001/other-emails/remove", {"email": TEAMS_SIGN_IN},
                         form_url="/participants/S001")
    assert refused.status_code == 404
    north = signed_in(app, "lead@north.example")
    shown = north.post("/participants/N001/other-emails/remove", {"email": "someone@else.example"},
                       form_url="/participants/N001", follow_redirects=True)
    assert "someone@else.example is not one of" in text_of(shown.get_data(as_text=True))
    assert others("N001") == [TEAMS_SIGN_IN]
