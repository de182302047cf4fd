"""A facilitator takes the register of a training session in the browser."""
from __future__ import annotations

import json
import re
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.engagement.standing import participants_query, standings
from tracker.extensions import db
from tracker.imports.serial import serialised
from tracker.models import Activity, AuditEvent, Block, Course, OutputRecord, Participant, RegisterEntry, RegisterSession

from ..factories import gen_participant, import_text
from .conftest import signed_in

SESSION_DAY = ["1", "11", "2022"]


@pytest.fixture()
def north_group(two_partners, app, monkeypatch):
    """NORTH's NPQLT cohort 3 group is N001 and N002; today is 10 November 2022."""
    gen_participant("N002", partner="NORTH", course="NPQLT", cohort=3)
    monkeypatch.setitem(app.config, "TODAY", "2022-11-10")
    return two_partners


def event_id(course="NPQLT", block=1, title="NPQLT F2F Training Session") -> int:
    return db.session.scalar(
        select(Activity.id).join(Block, Activity.block_id == Block.id).join(Course, Block.course_id == Course.id)
        .where(Course.code == course, Block.number == block, Activity.title == title))


def pk(ref: str) -> int:
    return db.session.scalar(select(Participant.id).where(Participant.participant_id == ref))


def create_register(browser, day=SESSION_DAY, **extra):
    return browser.post("/registers/new", {"event": str(event_id()), "cohort": "3", "session_date": day, **extra})


def register_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def output_one_met_on(ref: str):
    return db.session.scalar(
        select(OutputRecord.met_on).where(OutputRecord.participant_id == pk(ref), OutputRecord.number == 1))


def test_a_facilitator_marks_everyone_attended_then_one_absent_and_output_one_is_met(app, north_group):
    browser = signed_in(app, "facilitator@north.example")
    url = register_url(create_register(browser))

    page = browser.get(url).get_data(as_text=True)
    assert "Name N001" in page and "Name N002" in page and "Name S001" not in page
    assert "Mark everyone as attended" in page

    done = browser.post(f"{url}/mark-all", form_url=url, follow_redirects=True)
    assert "2 marks saved" in done.get_data(as_text=True)
    saved = browser.post(url, {f"p{pk('N002')}": "absent"}, follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "1 mark saved" in page
    assert "Mark everyone as attended" not in page

    assert output_one_met_on("N001") == date(2022, 11, 1)
    assert output_one_met_on("N002") is None
    north = standings(date(2022, 11, 10), participants_query().where(Participant.partner_id == db.session.scalar(
        select(Participant.partner_id).where(Participant.participant_id == "N001"))))
    status = {s.participant_id: s.outputs[0].status for s in north}
    assert status == {"N001": "met", "N002": "pending"}

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "attendance").order_by(AuditEvent.id)).all()
    assert [(e.action, e.participant_id) for e in events] == [
        ("create", pk("N001")), ("create", pk("N002")), ("update", pk("N002"))]
    assert json.loads(events[-1].before)["mark"] == "attended"
    assert json.loads(events[-1].after)["mark"] == "absent"
    assert all(e.actor == "facilitator@north.example" for e in events)


def test_changing_a_mark_later_updates_the_same_register_entry(app, north_group):
    browser = signed_in(app, "facilitator@north.example")
    url = register_url(create_register(browser))
    browser.post(f"{url}/mark-all", form_url=url)
    browser.post(url, {f"p{pk('N002')}": "absent"})
    later = browser.post(url, {f"p{pk('N002')}": "contingency"}, follow_redirects=True)
    assert "1 mark saved" in later.get_data(as_text=True)

    entries = db.session.scalars(select(RegisterEntry).where(RegisterEntry.participant_id == pk("N002"))).all()
    assert [(e.mark, e.session_date) for e in entries] == [("contingency", date(2022, 11, 1))]
    assert output_one_met_on("N002") == date(2022, 11, 1)


def test_a_register_updates_the_mark_an_uploaded_register_gave(app, north_group):
    imported = import_text("attendance", "participant_id,block,event,session_date,attendance",
                           "N001,1,NPQLT F2F Training Session,2022-11-01,absent", today=date(2022, 11, 10))
    assert imported.ok, imported.errors
    browser = signed_in(app, "facilitator@north.example")
    url = register_url(create_register(browser))
    page = browser.get(url).get_data(as_text=True)
    assert "1 of 2 participants have no mark yet" in page

    browser.post(f"{url}/mark-all", form_url=url)
    assert db.session.scalar(select(RegisterEntry.mark).where(RegisterEntry.participant_id == pk("N001"))) == "absent"
    browser.post(url, {f"p{pk('N001')}": "attended"})
    entries = db.session.scalars(select(RegisterEntry).where(RegisterEntry.participant_id == pk("N001"))).all()
    assert [(e.mark, e.marked_by) for e in entries] == [("attended", "facilitator@north.example")]


def test_a_session_in_the_future_is_refused_naming_the_session_date(app, north_group):
    browser = signed_in(app, "facilitator@north.example")
    response = create_register(browser, day=["11", "11", "2022"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "Session date must be today or in the past" in page
    assert db.session.scalar(select(func.count()).select_from(RegisterSession)) == 0


def test_a_session_date_that_is_not_a_date_is_refused(app, north_group):
    browser = signed_in(app, "facilitator@north.example")
    page = create_register(browser, day=["31", "2", "2022"]).get_data(as_text=True)
    assert "The session date must be a real date" in page
    page = create_register(browser, day=["", "", ""]).get_data(as_text=True)
    assert "Enter the session date" in page


def test_taking_the_same_register_twice_opens_the_first_one(app, north_group):
    browser = signed_in(app, "facilitator@north.example")
    first = register_url(create_register(browser))
    second = register_url(create_register(browser))
    assert first == second
    assert db.session.scalar(select(func.count()).select_from(RegisterSession)) == 1


def test_a_cohort_without_participants_of_the_partner_is_refused(app, north_group):
    browser = signed_in(app, "facilitator@north.example")
    page = browser.post("/registers/new", {"event": str(event_id()), "cohort": "4",
                                           "session_date": SESSION_DAY}).get_data(as_text=True)
    assert "NORTH has no active participants on NPQLT in cohort 4" in page


def test_another_partners_register_is_not_found(app, north_group):
    south = signed_in(app, "lead@south.example")
    url = register_url(south.post("/registers/new", {
        "event": str(event_id("NPQSL", 1, "NPQSL F2F Training Session")), "cohort": "3", "session_date": SESSION_DAY}))
    assert south.get(url).status_code == 200

    north = signed_in(app, "facilitator@north.example")
    assert north.get(url).status_code == 404
    token = north.csrf("/registers")
    assert north.client.post(f"{url}/mark-all", data={"csrf_token": token}).status_code == 404
    assert north.client.post(url, data={"csrf_token": token}).status_code == 404
    assert "NPQSL" not in north.get("/registers").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0


def test_edt_staff_choose_the_partner_and_see_every_partners_registers(app, north_group):
    staff = signed_in(app, "staff@edt.example")
    page = create_register(staff).get_data(as_text=True)
    assert "Choose the delivery partner" in page

    north_id = str(db.session.scalar(select(Participant.partner_id).where(Participant.participant_id == "N001")))
    url = register_url(create_register(staff, partner=north_id))
    assert "Name N001" in staff.get(url).get_data(as_text=True)
    listing = staff.get("/registers").get_data(as_text=True)
    assert re.search(r"<td[^>]*>NORTH</td>", listing)
    lead = signed_in(app, "lead@north.example")
    assert "NPQLT – Block 1 – NPQLT F2F Training Session" in lead.get("/registers").get_data(as_text=True)


def test_a_register_dated_before_the_cohort_started_is_refused_naming_the_field(app, north_group):
    browser = signed_in(app, "facilitator@north.example")
    response = create_register(browser, day=["30", "9", "2022"])
    assert response.status_code == 200
    assert "Session date 2022-09-30 is before cohort 3 started (2022-10-01)" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RegisterSession)) == 0


def test_registers_imported_from_attendance_files_are_listed_for_their_partner_only(app, north_group):
    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,1,NPQLT F2F Training Session,2022-11-02,attended",
                       "N002,1,NPQLT F2F Training Session,2022-11-02,absent",
                       "S001,1,NPQSL F2F Training Session,2022-11-03,attended").ok
    page = signed_in(app, "facilitator@north.example").get("/registers").get_data(as_text=True)
    assert "No registers have been taken yet" not in page
    assert "Registers imported from attendance files" in page
    table = page.split('id="imported-registers"')[1]
    assert "NPQLT F2F Training Session" in table and "NPQSL" not in table
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Marks">2</td>' in table
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Attended or contingency">1</td>' in table


def alive_after(thread: threading.Thread, seconds: float) -> bool:
    """Whether the thread still runs `seconds` from now. It polls: under libfaketime (README, "Tests")
    a join whose timeout runs out never returns."""
    deadline = time.monotonic() + seconds
    while thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return thread.is_alive()


def test_saving_marks_waits_for_an_import_of_the_same_partner_to_finish(app, north_group):
    # Given a register open in the browser, and an attendance import for NORTH holding its turn
    browser = signed_in(app, "facilitator@north.example")
    url = register_url(create_register(browser))
    partner_id = db.session.scalar(select(Participant.partner_id).where(Participant.participant_id == "N001"))
    holding, release = threading.Event(), threading.Event()

    def importing():
        with app.app_context(), serialised(partner_id):
            holding.set()
            release.wait(30)

    importer = threading.Thread(target=importing)
    importer.start()
    assert holding.wait(30)
    # When the facilitator marks everyone attended meanwhile
    saved, token = {}, browser.csrf(url)

    def marking():
        with app.app_context():
            saved["response"] = browser.post(f"{url}/mark-all", {"csrf_token": token})

    saver = threading.Thread(target=marking)
    saver.start()
    # Then the marks wait for the import's turn to end, and are saved once it has
    waiting = alive_after(saver, 1.5)
    release.set()
    importer.join(30)
    saver.join(30)
    assert waiting, "the register was saved while an import of the same partner held its turn"
    assert saved["response"].status_code == 302
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 2


def test_saving_marks_behind_a_long_import_is_refused_within_seconds_saying_why(app, north_group, monkeypatch):
    from .test_upload_jobs import partner_lock_held

    monkeypatch.setattr("tracker.web.registers.IN_A_REQUEST", 0.3)
    browser = signed_in(app, "facilitator@north.example")
    url = register_url(create_register(browser))
    with partner_lock_held(app, "NORTH"):  # a large upload of NORTH's being imported by a job
        refused = browser.post(f"{url}/mark-all", form_url=url, follow_redirects=True)
    assert "Another file of your partnership is being checked or imported: nothing was changed" in \
        refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0
    done = browser.post(f"{url}/mark-all", form_url=url, follow_redirects=True)
    assert "2 marks saved" in done.get_data(as_text=True)
