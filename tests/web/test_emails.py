"""A partner lead emails the participants they ticked their own next step, through a real SMTP
server on loopback (aiosmtpd), previews one message first, and sends nothing twice."""
from __future__ import annotations

import io
import re
import threading

import html5lib
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import AuditEvent, DeliveryPartner, ContactAttempt, EmailBatch, EmailTemplate, Participant

from ..mailbox import mailbox  # noqa: F401  (fixture)
from ..served import free_port
from .conftest import make_user, signed_in
from .test_participants import examples, north_lead  # noqa: F401  (fixtures)

PICKED = "participant=EX006&participant=EX004"


def tree_of(response):
    assert response.status_code == 200, response.status_code
    return html5lib.HTMLParser(namespaceHTMLElements=False).parse(response.get_data(as_text=True))


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def send_form(browser, query=PICKED) -> dict:
    """The Send form of the compose page, as the browser would post it."""
    tree = tree_of(browser.get(f"/emails/new?{query}"))
    form = tree.find(".//form[@id='send-form']")
    assert form is not None, "no Send form"
    data: dict = {}
    for field in form.iter("input"):
        data.setdefault(field.get("name"), []).append(field.get("value"))
    return data


def mail_merge_steps(browser, query=PICKED) -> dict[str, str]:
    rows = list(load_workbook(io.BytesIO(browser.get(f"/participants/mail-merge.xlsx?{query}").data))
                .active.iter_rows(values_only=True))
    step = rows[0].index("next_step")
    return {r[0]: r[step] for r in rows[1:]}


def contacts(participant_id: str) -> list[ContactAttempt]:
    return db.session.scalars(select(ContactAttempt).join(Participant, Participant.id == ContactAttempt.participant_id)
                              .where(Participant.participant_id == participant_id)).all()


def test_the_action_list_and_the_filtered_list_offer_to_email_those_ticked(north_lead):
    for url in ("/dashboard", "/participants/?escalation=window"):
        tree = tree_of(north_lead.get(url))
        buttons = [b for b in tree.iter("button") if b.get("formaction")]
        assert [b.get("formaction") for b in buttons] == ["/emails/new"]
        assert tree.find(".//form[@id='selection']").get("method") == "get"


def test_the_lead_previews_the_first_selected_participants_message_or_another(north_lead, mailbox):
    steps = mail_merge_steps(north_lead)
    tree = tree_of(north_lead.get(f"/emails/new?{PICKED}"))
    preview = text_of(tree.find(".//div[@id='message-preview']"))
    assert "To: ex006@example.org" in preview and "Dear Name EX006," in preview
    assert f"Your next step: {steps['EX006']}." in preview
    assert "Subject: Your NPQ: your next step for Output 2 (keeping up with your course)" in preview
    assert "{" not in preview
    rows = [tr.get("data-participant") for tr in tree.find(".//table[@id='recipients']").iter("tr") if tr.get("data-participant")]
    assert rows == ["EX006", "EX004"]
    other = text_of(tree_of(north_lead.get(f"/emails/new?{PICKED}&preview=ex004")).find(".//div[@id='message-preview']"))
    assert "To: ex004@example.org" in other and f"Your next step: {steps['EX004']}." in other
    assert not mailbox.received  # a preview sends nothing


def test_each_participant_gets_their_own_next_step_and_a_contact_by_email_is_logged(north_lead, mailbox):
    steps = mail_merge_steps(north_lead)
    response = north_lead.post("/emails/send", send_form(north_lead), form_url="/dashboard")
    assert response.status_code == 302
    result = tree_of(north_lead.get(response.headers["Location"]))
    assert text_of(result.find(".//p[@id='sent-count']")) == "2 of 2 sent."
    assert sorted(r.recipients[0] for r in mailbox.received) == ["ex004@example.org", "ex006@example.org"]
    for ref in ("EX004", "EX006"):
        [mail] = mailbox.to(f"{ref.lower()}@example.org")
        assert str(mail.message["From"]) == "npq-team@north.example"
        assert f"Dear Name {ref}," in mail.body and f"Your next step: {steps[ref]}." in mail.body
        assert mail.subject.startswith("Your NPQ: your next step for Output ")
        [logged] = contacts(ref)
        assert (logged.method, logged.recorded_by) == ("email", "lead@north.example")
        assert mail.subject in logged.note
    assert steps["EX004"] != steps["EX006"]
    page = north_lead.get("/participants/EX006").get_data(as_text=True)
    assert "Next-step email sent to ex006@example.org" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "log-contact")) == 2


def test_a_refused_recipient_is_shown_and_logged_and_the_rest_still_go(north_lead, mailbox):
    mailbox.refuse.add("ex006@example.org")
    db.session.execute(db.update(Participant).where(Participant.participant_id == "EX014").values(email=""))
    db.session.commit()
    query = "participant=EX006&participant=EX014&participant=EX004"
    response = north_lead.post("/emails/send", send_form(north_lead, query), form_url="/dashboard")
    result = tree_of(north_lead.get(response.headers["Location"]))
    assert text_of(result.find(".//p[@id='sent-count']")) == "1 of 3 sent, 2 not sent."
    failed = {tr.get("data-participant"): text_of(tr) for tr in result.find(".//table[@id='not-sent']").iter("tr")
              if tr.get("data-participant")}
    assert "The mail server refused the address: 550 5.1.1 No such mailbox here" in failed["EX006"]
    assert "No email address on record" in failed["EX014"]
    assert [r.recipients for r in mailbox.received] == [["ex004@example.org"]]
    assert contacts("EX006") == [] and contacts("EX014") == [] and len(contacts("EX004")) == 1
    page = north_lead.get("/participants/EX006").get_data(as_text=True)
    assert "Next-step email not sent" in page and "No such mailbox here" in page


def test_a_mail_server_that_cannot_be_reached_fails_every_message_and_says_so(app, north_lead, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    response = north_lead.post("/emails/send", send_form(north_lead), form_url="/dashboard")
    result = tree_of(north_lead.get(response.headers["Location"]))
    assert text_of(result.find(".//p[@id='sent-count']")) == "0 of 2 sent, 2 not sent."
    assert "Could not connect to the mail server 127.0.0.1:" in text_of(result.find(".//table[@id='not-sent']"))
    assert contacts("EX006") == [] and not mailbox.received
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "email-not-sent")) == 2


def test_the_tracker_signs_in_to_the_mail_server_with_its_username_and_password(app, north_lead, mailbox,
                                                                                 monkeypatch):
    from ..mailbox import PASSWORD, USERNAME

    monkeypatch.setitem(app.config, "MAIL_USERNAME", USERNAME)
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "not-the-password")
    response = north_lead.post("/emails/send", send_form(north_lead), form_url="/dashboard")
    refused = text_of(tree_of(north_lead.get(response.headers["Location"])).find(".//table[@id='not-sent']"))
    assert refused.count("The mail server refused the sign-in (MAIL_USERNAME, MAIL_PASSWORD): 535") == 2
    assert not mailbox.received
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", PASSWORD)
    north_lead.post("/emails/send", send_form(north_lead), form_url="/dashboard")
    assert len(mailbox.received) == 2


def test_posting_the_same_form_twice_sends_nothing_twice(north_lead, mailbox):
    form = send_form(north_lead)
    first = north_lead.post("/emails/send", form, form_url="/dashboard")
    again = north_lead.post("/emails/send", form, form_url="/dashboard")
    assert again.headers["Location"] == first.headers["Location"]
    assert "nothing was sent twice" in north_lead.get(again.headers["Location"]).get_data(as_text=True)
    assert len(mailbox.received) == 2 and len(contacts("EX006")) == 1
    assert db.session.scalar(select(func.count()).select_from(EmailBatch)) == 1


def test_a_double_click_at_the_same_moment_sends_nothing_twice(app, north_lead, mailbox):
    """Two requests with the same form at once, each in its own thread, database session and sign-in."""
    mailbox.delay = 0.3
    second = signed_in(app, "lead@north.example")
    form = send_form(north_lead)
    tokens = [north_lead.csrf("/dashboard"), second.csrf("/dashboard")]
    start, answers = threading.Barrier(2), [None, None]

    def press(n, browser):
        with app.app_context():
            start.wait()
            answers[n] = browser.client.post("/emails/send", data={**form, "csrf_token": tokens[n]})

    threads = [threading.Thread(target=press, args=(n, b)) for n, b in enumerate((north_lead, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert sorted(r.recipients[0] for r in mailbox.received) == ["ex004@example.org", "ex006@example.org"]
    db.session.expire_all()
    assert len(contacts("EX006")) == 1 and len(contacts("EX004")) == 1


def test_with_no_mail_server_the_page_says_how_to_set_it_up_and_the_mail_merge_file_still_works(north_lead):
    tree = tree_of(north_lead.get(f"/emails/new?{PICKED}"))
    assert tree.find(".//form[@id='send-form']") is None
    settings = text_of(tree.find(".//ul[@id='mail-settings']"))
    for name in ("MAIL_SERVER (not set)", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD",
                 "MAIL_DEFAULT_SENDER (not set)"):
        assert name in settings
    link = next(a.get("href") for a in tree.find(".//div[@id='not-set-up']/..").iter("a")
                if "mail-merge" in (a.get("href") or ""))
    assert north_lead.get(link).mimetype.endswith("spreadsheetml.sheet")
    assert mail_merge_steps(north_lead)["EX006"]
    token = north_lead.csrf("/dashboard")
    posted = north_lead.client.post("/emails/send", data={"csrf_token": token, "token": "abc",
                                                           "participant": ["EX006"]})
    assert posted.status_code == 302 and db.session.scalar(select(func.count()).select_from(EmailBatch)) == 0


def test_the_partner_edits_its_template_and_unknown_placeholders_are_refused(app, north_lead, mailbox):
    page = north_lead.post("/emails/template", {"subject": "Next: {nmae}", "body": "Hello {name}, {next_step:>10}"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The subject uses {nmae}, which is not a placeholder" in text
    assert "The message uses {next_step:&gt;10}: write it as {next_step}, without a format" in text
    assert db.session.scalar(select(func.count()).select_from(EmailTemplate)) == 0
    saved = north_lead.post(f"/emails/template?{PICKED}",
                            {"subject": "{partner}: {output} by {window_end}",
                             "body": "Hi {name} ({participant_id}),\n\n{why}.\n\nDo this: {next_step}. Review {review_date}."})
    assert saved.status_code == 302 and saved.headers["Location"] == f"/emails/new?{PICKED}"
    north_lead.post("/emails/send", send_form(north_lead), form_url="/dashboard")
    [mail] = mailbox.to("ex006@example.org")
    north = db.session.scalar(select(DeliveryPartner.name).where(DeliveryPartner.code == "NORTH"))
    assert mail.subject == f"{north}: Output 2 (keeping up with your course) by 14 July 2022"
    assert mail.body.startswith("Hi Name EX006 (EX006),\n\nNo new engagement since 18 December 2022")
    assert "Review 23 June 2022." in mail.body
    make_user("lead@south.example", "partner-lead", "SOUTH")
    south = signed_in(app, "lead@south.example")
    assert "Your NPQ: your next step for {output}" in south.get("/emails/template").get_data(as_text=True)


def test_only_leads_and_only_for_their_own_participants(app, north_lead, mailbox):
    facilitator = signed_in(app, "facilitator@north.example")
    assert facilitator.get(f"/emails/new?{PICKED}").status_code == 403
    assert facilitator.get("/emails/template").status_code == 403
    form = send_form(north_lead)
    north_lead.post("/emails/send", form, form_url="/dashboard")
    batch = db.session.scalar(select(EmailBatch))
    make_user("lead@south.example", "partner-lead", "SOUTH")
    south = signed_in(app, "lead@south.example")
    assert south.get(f"/emails/new?{PICKED}").status_code == 404
    assert south.get(f"/emails/sent/{batch.id}").status_code == 404
    token = south.csrf("/dashboard")
    stolen = south.client.post("/emails/send", data={"csrf_token": token, "token": "fresh-token",
                                                      "participant": ["EX006", "EX001"]})
    assert stolen.status_code == 404
    replay = south.client.post("/emails/send", data={**form, "csrf_token": token, "participant": ["EX001"]})
    assert replay.status_code == 404  # NORTH's used token does not lead to NORTH's result page
    assert len(mailbox.received) == 2 and db.session.scalar(select(func.count()).select_from(EmailBatch)) == 1
    assert south.get("/emails/template?partner=NORTH").status_code == 404
    assert re.search(r"EX006", south.get("/emails/template").get_data(as_text=True)) is None


def test_with_nobody_who_can_be_emailed_there_is_no_send_button(north_lead, mailbox):
    tree = tree_of(north_lead.get("/emails/new?participant=EX028"))  # withdrawn: nothing to tell
    assert tree.find(".//form[@id='send-form']") is None
    assert "Will not be sent: no next step to tell them (no output to work towards now)" in text_of(
        tree.find(".//table[@id='recipients']"))
    assert tree.find(".//p[@id='none-sendable']") is not None


def test_edt_staff_email_a_partners_participants_with_that_partners_template(app, north_lead, mailbox):
    north_lead.post("/emails/template", {"subject": "North says: {output}", "body": "{next_step}"})
    staff = signed_in(app, "staff@edt.example")
    assert "North says: Output 2" in staff.get(f"/emails/new?{PICKED}").get_data(as_text=True)
    assert staff.get("/emails/template").status_code == 200  # a choice of partners
    response = staff.post("/emails/send", send_form(staff), form_url="/dashboard")
    assert response.status_code == 302
    [to_ex006] = mailbox.to("ex006@example.org")
    assert to_ex006.subject == "North says: Output 2 (keeping up with your course)"
    assert len(mailbox.received) == 2 and all(r.subject.startswith("North says: Output ") for r in mailbox.received)
    assert north_lead.get(response.headers["Location"]).status_code == 404  # EDT's send is not NORTH's page
