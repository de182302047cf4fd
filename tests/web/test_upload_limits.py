"""Uploads are read and checked once, within limits, wait a day at most, and import once."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import event, func, select, update

from tracker.extensions import db
from tracker.models import CreditRecord, ImportBatch, PendingUpload, RegisterEntry

from .test_uploads import BAD_ROWS, GOOD_ROWS, csv_bytes, north_lead, preview_url, text_of, upload  # noqa: F401

ATTENDANCE = "participant_id,block,event,session_date,attendance,marked_by"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def credit_batches() -> int:
    return db.session.scalar(select(func.count()).select_from(ImportBatch).where(ImportBatch.kind == "credits"))


def only_upload() -> PendingUpload:
    db.session.expire_all()
    [pending] = db.session.scalars(select(PendingUpload)).all()
    return pending


def test_the_upload_page_states_the_limits(north_lead):
    words = text_of(north_lead.get("/uploads").get_data(as_text=True))
    assert "A .csv or .xlsx file of up to 10 MB and 200,000 rows, with a header row" in words
    assert "at most 200,000 rows; an XLSX file may hold at most 50 MB once unzipped" in words
    assert "waits 24 hours for you to confirm it, and you can have 5 files waiting at most" in words


def test_the_preview_and_errors_csv_show_the_check_made_at_upload_without_reading_the_file_again(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*BAD_ROWS)))
    db.session.execute(update(PendingUpload).values(content=b"not,the,file\n"))
    db.session.commit()
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "2 problems found in 3 rows read" in words
    assert "3 N001 Name N001 credits 9 is outside 0..1 for 'Video Introduction to Block 1'" in words
    rows = list(csv.reader(io.StringIO(north_lead.get(f"{url}/errors.csv").get_data(as_text=True))))
    assert rows[1:] == [["3", "N001 Name N001", "credits", "9 is outside 0..1 for 'Video Introduction to Block 1'"],
                        ["4", "N001 Name N001", "completed_on", "2023-04-01 is in the future"]]


def test_the_uploads_page_does_not_load_the_files_waiting(app, north_lead):
    for name in ("one.csv", "two.csv"):
        preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS), filename=name))
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        words = text_of(north_lead.get("/uploads").get_data(as_text=True))
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert "one.csv" in words and "two.csv" in words
    reads = [s for s in statements if "pending_upload" in s]
    assert reads and not [s for s in reads if "pending_upload.content" in s or "pending_upload.errors" in s]


def test_a_sixth_file_waiting_is_refused_naming_the_limit(north_lead):
    urls = [preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS), filename=f"f{n}.csv")) for n in range(5)]
    page = upload(north_lead, csv_bytes(*GOOD_ROWS), filename="f6.csv").get_data(as_text=True)
    assert "You have 5 files waiting for confirmation, the most one person may have: confirm or cancel one" in page
    assert count(PendingUpload) == 5
    north_lead.post(f"{urls[0]}/cancel", form_url=urls[0])
    preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS), filename="f6.csv"))


def test_files_refused_for_their_rows_do_not_count_against_the_five_waiting(north_lead):
    for n in range(5):
        assert "2 problems found in 3 rows read" in text_of(
            upload(north_lead, csv_bytes(*BAD_ROWS), filename=f"bad{n}.csv", follow_redirects=True)
            .get_data(as_text=True))
    for n in range(5):
        preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS), filename=f"f{n}.csv"))
    page = upload(north_lead, csv_bytes(*GOOD_ROWS), filename="f6.csv").get_data(as_text=True)
    assert "You have 5 files waiting for confirmation" in page  # five that can be confirmed: the limit holds


def test_an_upload_waits_24_hours_at_most(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    pending = only_upload()
    pending.created_at -= timedelta(hours=24, minutes=1)
    db.session.commit()
    expired = "This upload waited more than 24 hours, the longest a file waits for confirmation: nothing was imported"
    assert expired in text_of(north_lead.get(url, follow_redirects=True).get_data(as_text=True))
    done = north_lead.post(f"{url}/confirm", form_url="/uploads", follow_redirects=True)
    words = text_of(done.get_data(as_text=True))
    assert expired in words and "not yet confirmed" not in words
    assert count(CreditRecord) == 0 and credit_batches() == 0

    preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS), filename="fresh.csv"))
    db.session.expire_all()
    states = dict(db.session.execute(select(PendingUpload.filename, PendingUpload.state)).all())
    assert states == {"credits.csv": "expired", "fresh.csv": "waiting"}
    assert db.session.scalar(select(func.length(PendingUpload.content)).where(
        PendingUpload.filename == "credits.csv")) == 0


def test_only_the_first_50_problems_are_kept_with_their_count(north_lead):
    rows = [f"N001,1,No Such Activity {n},,2022-11-20" for n in range(120)]
    url = preview_url(upload(north_lead, csv_bytes(*rows)))
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "120 problems found in 120 rows read" in words and "The first 50 of 120 problems" in words
    assert len(only_upload().errors.splitlines()) == 50 and only_upload().error_count == 120
    lines = list(csv.reader(io.StringIO(north_lead.get(f"{url}/errors.csv").get_data(as_text=True))))
    assert len(lines) == 1 + 50 + 1
    assert lines[-1] == ["", "", "", "... and 70 more problems: fix these and upload the file again to see the rest"]


def test_a_value_longer_than_its_column_is_a_problem_in_the_preview(north_lead):
    row = "N001,1,NPQLT Live Webinar,2022-11-20,attended," + "m" * 121
    url = preview_url(upload(north_lead, csv_bytes(row, header=ATTENDANCE), filename="register.csv", kind="attendance"))
    page = north_lead.get(url).get_data(as_text=True)
    assert "2 N001 Name N001 marked_by at most 120 characters" in text_of(page) and "Confirm import" not in page
    north_lead.post(f"{url}/confirm", form_url=url)
    assert count(RegisterEntry) == 0


def test_a_file_mixing_encodings_is_refused_not_stored_garbled(north_lead):
    mixed = (ATTENDANCE + "\n").encode() + "N001,1,NPQLT Live Webinar,2022-11-20,attended,José Núñez\n".encode() + \
        "N001,1,NPQLT Live Webinar,2022-11-21,attended,Zoë\n".encode("cp1252")
    url = preview_url(upload(north_lead, mixed, filename="register.csv", kind="attendance"))
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "The file mixes two text encodings (UTF-8 and Windows-1252): save it as CSV UTF-8" in words
    north_lead.post(f"{url}/confirm", form_url=url)
    assert count(RegisterEntry) == 0


def test_a_second_confirm_shows_the_first_ones_result_and_imports_nothing_more(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    first = north_lead.post(f"{url}/confirm", form_url=url, follow_redirects=True)
    again = north_lead.post(f"{url}/confirm", form_url="/uploads", follow_redirects=True)
    for response in (first, again):
        assert "Imported credits.csv: 3 rows read, 3 created, 0 updated, 0 unchanged" in text_of(
            response.get_data(as_text=True))
    assert count(CreditRecord) == 3 and credit_batches() == 1
    pending = only_upload()
    assert pending.state == "imported" and pending.content == b""
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "File imported" in words and "Created 3" in words and "Confirm import" not in words
    cancelled = north_lead.post(f"{url}/cancel", form_url="/uploads", follow_redirects=True)
    assert "can no longer be cancelled" in text_of(cancelled.get_data(as_text=True))
