"""The upload preview says what confirming would do to records already stored: each one it would
change with the old value beside the new (and who set the old one, where the record knows), and each
row problem names the participant its row names."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.formats import long_date
from tracker.imports import changes as changes_module
from tracker.models import Activity, AuditEvent, Block, Course, CreditRecord, Participant, PendingUpload, RegisterEntry
from tracker.registers import uploads
from tracker.registers.sessions import create_session, save_marks

from .conftest import signed_in
from .test_uploads import GOOD_ROWS, csv_bytes, north_lead, preview_url, text_of, upload  # noqa: F401

ATTENDANCE = "participant_id,block,event,session_date,attendance"
SESSION = date(2023, 2, 20)


def only_upload(filename: str) -> PendingUpload:
    return db.session.scalar(select(PendingUpload).where(PendingUpload.filename == filename))


def csv_rows(browser, url: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(browser.get(url).get_data(as_text=True))))


def webinar_id() -> int:
    return db.session.scalar(select(Activity.id).join(Block, Activity.block_id == Block.id)
                             .join(Course, Block.course_id == Course.id)
                             .where(Course.code == "NPQLT", Block.number == 1, Activity.title == "NPQLT Live Webinar"))


def marked_in_the_browser(mark: str, actor: str = "facilitator@north.example"):
    participant = db.session.scalar(select(Participant).where(Participant.participant_id == "N001"))
    session, _ = create_session(partner_id=participant.partner_id, activity_id=webinar_id(), cohort=3,
                                session_date=SESSION, today=date(2023, 3, 1), actor=actor)
    save_marks(session, {participant.id: mark}, actor)
    db.session.commit()


def test_an_attendance_upload_shows_it_would_overwrite_a_mark_made_in_the_browser(app, north_lead):
    marked_in_the_browser("attended")
    saved = db.session.scalar(select(AuditEvent.at).where(AuditEvent.entity == "attendance"))
    url = preview_url(upload(north_lead, csv_bytes("N001,1,NPQLT Live Webinar,2023-02-20,absent", header=ATTENDANCE),
                             filename="register.csv", kind="attendance"))
    words = text_of(north_lead.get(url).get_data(as_text=True))

    assert "Would update 1" in words and "Records it would change" in words
    assert "Importing this file would change 1 record already stored" in words
    assert (f"N001 Name N001 NPQLT Block 1 NPQLT Live Webinar, 20 February 2023 attended (marked by "
            f"facilitator@north.example in the browser on {long_date(saved.date())}) absent") in words
    assert csv_rows(north_lead, f"{url}/changes.csv") == [
        ["participant_id", "full_name", "record", "before", "after", "set_by"],
        ["N001", "Name N001", "NPQLT Block 1 NPQLT Live Webinar, 20 February 2023", "attended", "absent",
         f"marked by facilitator@north.example in the browser on {long_date(saved.date())}"]]

    north_lead.post(f"{url}/confirm", form_url=url)
    assert db.session.scalar(select(RegisterEntry.mark)) == "absent"
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "Records it changed" in words and "attended (marked by facilitator@north.example" in words


def test_a_mark_imported_since_the_browser_saved_it_names_who_imported_it_not_the_browser(app, north_lead):
    marked_in_the_browser("attended")
    first = upload(north_lead, csv_bytes("N001,1,NPQLT Live Webinar,2023-02-20,contingency,sam@north.example",
                                         header=ATTENDANCE + ",marked_by"), filename="one.csv", kind="attendance")
    north_lead.post(f"{preview_url(first)}/confirm", form_url=preview_url(first))
    url = preview_url(upload(north_lead, csv_bytes("N001,1,NPQLT Live Webinar,2023-02-20,absent", header=ATTENDANCE),
                             filename="two.csv", kind="attendance"))
    rows = csv_rows(north_lead, f"{url}/changes.csv")
    assert rows[1][3:] == ["contingency", "absent", "marked by sam@north.example"]


def test_a_credits_upload_shows_the_credits_it_would_change_and_an_unchanged_file_none(north_lead):
    done = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    north_lead.post(f"{done}/confirm", form_url=done)
    changed = [row.replace(",3,", ",2,") for row in GOOD_ROWS]
    url = preview_url(upload(north_lead, csv_bytes(*changed), filename="credits-2.csv"))
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert ("N001 Name N001 NPQLT Block 1 S 1.1a The Importance of Teachers and Teaching, completed 1 December 2022 "
            "credits 3 credits 2") in words
    assert "Each record it would change" in words
    assert csv_rows(north_lead, f"{url}/changes.csv")[1][3:] == ["credits 3", "credits 2", ""]

    same = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS), filename="credits-3.csv"))
    assert "Records it would change" not in text_of(north_lead.get(same).get_data(as_text=True))


def test_a_participants_upload_shows_each_changed_field(app, two_partners):
    staff = signed_in(app, "staff@edt.example")
    header = "participant_id,full_name,email,delivery_partner,course,cohort,school_contract_signed,sponsorship_agreement_signed"
    url = preview_url(upload(staff, csv_bytes("N001,Ada Lovelace,ada@example.org,NORTH,NPQLT,3,yes,yes", header=header),
                             filename="people.csv", kind="participants"))
    rows = csv_rows(staff, f"{url}/changes.csv")
    assert rows[1][:3] == ["N001", "Name N001", "participant"]
    assert rows[1][3:5] == ["full name Name N001, email n001@example.org", "full name Ada Lovelace, email ada@example.org"]


def test_row_problems_name_the_participant_their_row_names_by_id_or_email(north_lead):
    rows = ("N001,1,No Such Activity,,2022-11-20", "EX999,1,Video Introduction to Block 1,1,2022-10-10")
    url = preview_url(upload(north_lead, csv_bytes(*rows)))
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "Row Participant Column Problem" in words
    assert "2 N001 Name N001 activity 'No Such Activity' is not an activity of NPQLT block 1" in words
    assert "3 EX999 participant_id 'EX999' is not a known participant" in words

    by_email = preview_url(upload(north_lead, csv_bytes("n001@EXAMPLE.org,1,No Such Activity,,2022-11-20",
                                                        header="email,block,activity,credits,completed_on"),
                                  filename="by-email.csv"))
    assert csv_rows(north_lead, f"{by_email}/errors.csv")[1] == [
        "2", "N001 Name N001", "activity", "'No Such Activity' is not an activity of NPQLT block 1"]


def test_the_stored_changes_of_a_large_file_are_bounded_and_counted(app, north_lead, monkeypatch):
    days = [date(2022, 10, 2).fromordinal(date(2022, 10, 2).toordinal() + n) for n in range(30)]
    first = [f"N001,1,S 1.1a The Importance of Teachers and Teaching,3,{day.isoformat()}" for day in days]
    done = preview_url(upload(north_lead, csv_bytes(*first)))
    north_lead.post(f"{done}/confirm", form_url=done)
    assert db.session.query(CreditRecord).count() == 30

    monkeypatch.setattr(changes_module, "KEPT", 12)
    monkeypatch.setattr(uploads, "SHOWN_CHANGES", 5)
    monkeypatch.setitem(app.config, "UPLOAD_JOB_BYTES", 100)  # checked by a job, as a large file is
    changed = csv_bytes(*(row.replace(",3,", ",1,") for row in first))
    response = upload(north_lead, changed, filename="big.csv")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    pending = only_upload("big.csv")
    stored = json.loads(pending.changes)
    assert stored["count"] == 30 and len(stored["changes"]) == 12

    url = f"/uploads/{pending.token}"
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "Would update 30" in words and "The first 5 of 30 changes" in words
    assert "Download the first 12 of them as a CSV file" in words
    rows = csv_rows(north_lead, f"{url}/changes.csv")
    assert len(rows) == 1 + 12 + 1 and rows[-1][2] == "... and 18 more changes"
    job_words = text_of(north_lead.get(response.headers["Location"]).get_data(as_text=True))
    assert "The first 5 of 30 changes" in job_words
