"""A large upload is checked, and imported, by a job: the click goes straight to the job's page,
which shows the same preview and Confirm button as a small file's own page; confirming imports it
once, however often it is clicked; and a partner's upload never waits long behind another's."""
from __future__ import annotations

import csv
import fcntl
import io
import re
import time
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from tracker.clock import now
from tracker.extensions import db
from tracker.imports.serial import LOCK_SPACE
from tracker.jobs.work import execute
from tracker.models import AuditEvent, CreditRecord, DeliveryPartner, ImportBatch, Job, PendingUpload
from tracker.registers import uploads

from ..factories import gen_participant
from .test_uploads import (  # noqa: F401  (north_lead: a fixture)
    BAD_ROWS, GOOD_ROWS, count, credit_batches, csv_bytes, north_lead, text_of, upload,
)

ACTIVITIES = (("1", "Video Introduction to Block 1", "1"), ("1", "S 1.1a The Importance of Teachers and Teaching", "3"),
              ("1", "Diagnostic Assessment for Block 1", ""))
FIRST_DAY, DAYS = date(2022, 10, 1), 140  # all before the tests' today, 2023-03-01, and after cohort 3 began


@pytest.fixture()
def large(app, monkeypatch):
    """Any file of more than 100 bytes is large."""
    monkeypatch.setitem(app.config, "UPLOAD_JOB_BYTES", 100)


def job_page(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    location = response.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", location), location
    return location


def only_upload() -> PendingUpload:
    db.session.expire_all()
    [pending] = db.session.scalars(select(PendingUpload)).all()
    return pending


def imported_audit() -> list[tuple[str, str, str]]:
    return db.session.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.entity)
                              .where(AuditEvent.entity == "credits").order_by(AuditEvent.id)).all()


def credit_rows(participants: int) -> list[list[str]]:
    """Good credit rows for NORTH's participants N001..: every activity of ACTIVITIES on each of DAYS days.
    The participants other than N001 are made here."""
    refs = [f"N{number:03d}" for number in range(1, participants + 1)]
    for ref in refs[1:]:
        gen_participant(ref, partner="NORTH", course="NPQLT", cohort=3)
    return [[ref, block, activity, credits, (FIRST_DAY + timedelta(days=day)).isoformat()]
            for ref in refs for block, activity, credits in ACTIVITIES for day in range(DAYS)]


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["participant_id", "block", "activity", "credits", "completed_on"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_large_file_goes_to_its_check_job_whose_page_shows_the_preview_and_confirm_imports_it_by_a_job(
        north_lead, large):
    job_url = job_page(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    page = north_lead.get(job_url).get_data(as_text=True)
    words = text_of(page)
    assert "Checking credits.csv: Activity credits" in words and "Done" in words
    assert "Rows read 3" in words and "Would create 3" in words and "Would update 0" in words
    assert "Confirm import" in page and 'http-equiv="refresh"' not in page
    pending = only_upload()
    assert pending.state == "waiting" and pending.job_id == int(job_url.rpartition("/")[2])
    assert north_lead.get(f"/uploads/{pending.token}").status_code == 200  # its own page says the same
    assert count(CreditRecord) == 0

    confirm = north_lead.post(f"/uploads/{pending.token}/confirm", form_url=job_url)
    import_url = job_page(confirm)
    assert import_url != job_url
    words = text_of(north_lead.get(import_url).get_data(as_text=True))
    assert "Importing credits.csv" in words and "What importing it did" in words and "Created 3" in words
    assert count(CreditRecord) == 3
    [batch] = credit_batches()
    assert (batch.filename, batch.imported_by, batch.created) == ("credits.csv", "lead@north.example", 3)
    assert only_upload().state == "imported" and only_upload().content == b""
    assert imported_audit() == [("lead@north.example", "import", "credits")]  # as a file imported in the request


def test_the_job_path_audits_an_import_as_the_request_path_does(app, north_lead, monkeypatch):
    inline = north_lead.post(f"{upload(north_lead, csv_bytes(*GOOD_ROWS)).headers['Location']}/confirm",
                             form_url="/uploads")
    assert inline.status_code == 302 and count(CreditRecord) == 3
    in_the_request = [(actor, action, entity) for actor, action, entity in imported_audit()]
    changed = csv_bytes(*(row.replace(",3,", ",2,") for row in GOOD_ROWS))
    monkeypatch.setitem(app.config, "UPLOAD_JOB_BYTES", 100)
    job_url = job_page(upload(north_lead, changed, filename="credits-2.csv"))
    token = db.session.scalar(select(PendingUpload.token).where(PendingUpload.filename == "credits-2.csv"))
    job_page(north_lead.post(f"/uploads/{token}/confirm", form_url=job_url))
    by_job = imported_audit()[len(in_the_request):]
    assert in_the_request == [("lead@north.example", "import", "credits")]
    assert by_job == [("lead@north.example", "update", "credits")]  # the one record the second file changed


def test_bad_rows_in_a_large_file_are_named_on_the_job_page_and_nothing_is_imported(north_lead, large):
    job_url = job_page(upload(north_lead, csv_bytes(*BAD_ROWS)))
    page = north_lead.get(job_url).get_data(as_text=True)
    words = text_of(page)
    assert "3 N001 Name N001 credits 9 is outside 0..1 for 'Video Introduction to Block 1'" in words
    assert "4 N001 Name N001 completed_on 2023-04-01 is in the future" in words
    assert "Confirm import" not in page and "Fix the file and upload it again" in words
    pending = only_upload()
    assert pending.content == b"" and pending.error_count == 2  # the file is not kept, its problems are
    confirmed = north_lead.post(f"/uploads/{pending.token}/confirm", form_url=job_url, follow_redirects=True)
    assert "Nothing was imported: the file has problems" in text_of(confirmed.get_data(as_text=True))
    assert count(CreditRecord) == 0 and credit_batches() == [] and imported_audit() == []
    assert db.session.scalar(select(Job.kind).order_by(Job.id.desc()).limit(1)) == "upload-check"  # no import job


def test_an_upload_bomb_checked_by_a_job_is_refused_with_the_same_limits_and_not_kept(north_lead):
    from ..imports.workbooks import million_rows

    job_url = job_page(upload(north_lead, million_rows(), filename="credits.xlsx"))  # 0.14 MB: large by default
    page = north_lead.get(job_url).get_data(as_text=True)
    assert "The file has more than 200,000 rows" in text_of(page) and "Confirm import" not in page
    assert only_upload().content == b"" and count(CreditRecord) == 0


def test_confirming_a_large_file_twice_starts_one_import_which_applies_once(app, north_lead, large, monkeypatch):
    from tracker.jobs.runner import huey

    job_url = job_page(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    token = only_upload().token
    monkeypatch.setattr(huey, "immediate", False)  # the import waits in the queue: two tabs click Confirm
    huey.flush()
    try:
        first = job_page(north_lead.post(f"/uploads/{token}/confirm", form_url=job_url))
        second = job_page(north_lead.post(f"/uploads/{token}/confirm", form_url=job_url))
    finally:
        huey.flush()
    assert first == second and count(CreditRecord) == 0
    job_id = int(first.rpartition("/")[2])
    execute(job_id)
    execute(job_id)  # queued twice (a retry racing recovery): it ran once and is done
    job = db.session.get(Job, job_id)
    assert job.state == "done" and job.attempts == 1
    assert uploads.import_kept(only_upload().id, date(2023, 3, 1), "lead@north.example", now()) is not None
    assert count(CreditRecord) == 3 and len(credit_batches()) == 1
    third = north_lead.post(f"/uploads/{token}/confirm", form_url=job_url, follow_redirects=True)
    assert "Imported credits.csv: 3 rows read, 3 created" in text_of(third.get_data(as_text=True))
    assert count(CreditRecord) == 3 and len(credit_batches()) == 1


def test_a_second_large_file_waits_for_the_first_ones_import(app, north_lead, large, monkeypatch):
    from tracker.jobs.runner import huey

    first_job = job_page(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    second_job = job_page(upload(north_lead, csv_bytes(GOOD_ROWS[0]), filename="one-row.csv"))
    first, second = db.session.scalars(select(PendingUpload.token).order_by(PendingUpload.id)).all()
    monkeypatch.setattr(huey, "immediate", False)
    huey.flush()
    try:
        importing = job_page(north_lead.post(f"/uploads/{first}/confirm", form_url=first_job))
        refused = north_lead.post(f"/uploads/{second}/confirm", form_url=second_job, follow_redirects=True)
    finally:
        huey.flush()
    words = text_of(refused.get_data(as_text=True))
    assert "credits.csv is being imported now, and a partnership's files are imported one at a time" in words
    execute(int(importing.rpartition("/")[2]))
    again = job_page(north_lead.post(f"/uploads/{second}/confirm", form_url=second_job))
    assert again != importing and count(CreditRecord) == 3  # the one row was in the first file too


@contextmanager
def partner_lock_held(app, partner_code: str):
    """Another process's import of this partner, under way (imports/serial.py's lock, held)."""
    partner_id = db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == partner_code))
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:space, :key)"), {"space": LOCK_SPACE, "key": partner_id})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:space, :key)"),
                                   {"space": LOCK_SPACE, "key": partner_id})
        return
    with open(f"{db.engine.url.database}.imports.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def test_a_small_upload_waits_seconds_at_most_behind_another_import_and_says_why(app, north_lead, monkeypatch):
    monkeypatch.setattr("tracker.web.uploads.IN_A_REQUEST", 0.3)
    with partner_lock_held(app, "NORTH"):
        started = time.monotonic()
        refused = upload(north_lead, csv_bytes(*GOOD_ROWS))
        waited = time.monotonic() - started
    assert refused.status_code == 200 and waited < 5
    assert "another file of your partnership was being imported" in text_of(refused.get_data(as_text=True))
    assert db.session.scalars(select(PendingUpload)).all() == []
    url = upload(north_lead, csv_bytes(*GOOD_ROWS)).headers["Location"]  # once it has finished
    with partner_lock_held(app, "NORTH"):
        busy = north_lead.post(f"{url}/confirm", form_url=url, follow_redirects=True)
    assert "the database was busy" in text_of(busy.get_data(as_text=True))
    assert only_upload().state == "waiting" and count(CreditRecord) == 0
    done = north_lead.post(f"{url}/confirm", form_url=url, follow_redirects=True)
    assert "Imported credits.csv" in text_of(done.get_data(as_text=True)) and count(CreditRecord) == 3


def test_a_file_of_thousands_of_rows_is_large_by_default(app, north_lead):
    content = as_csv(credit_rows(6))
    assert len(content) > app.config["UPLOAD_JOB_BYTES"] > len(csv_bytes(*GOOD_ROWS))
    job_url = job_page(upload(north_lead, content))
    assert "Would create 2520" in text_of(north_lead.get(job_url).get_data(as_text=True))
