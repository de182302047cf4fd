"""Real workers check and import a large upload, and are killed -9 mid-check and mid-import: the
next worker finishes the job and the file is imported exactly once."""
from __future__ import annotations

import io
import time

import openpyxl
import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import CreditRecord, ImportBatch, PendingUpload

from ..web.conftest import fresh_request_globals, two_partners  # noqa: F401  (fixtures)
from ..web.test_upload_jobs import as_csv, credit_rows, job_page
from ..web.test_uploads import north_lead, upload  # noqa: F401  (fixture)
from .test_workers import job_now, kill, queued, wait_for, worker  # noqa: F401  (queued: a fixture)

PARTICIPANTS = 24  # 10,080 rows


def _count(model) -> int:
    db.session.expire_all()
    query = select(func.count()).select_from(model)
    if model is ImportBatch:
        query = query.where(ImportBatch.kind == "credits")
    value = db.session.scalar(query)
    db.session.commit()
    return value


def _upload_now() -> PendingUpload:
    db.session.expire_all()
    [pending] = db.session.scalars(select(PendingUpload)).all()
    db.session.commit()
    return pending


def _job_id(url: str) -> int:
    return int(url.rpartition("/")[2])


def as_xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["participant_id", "block", "activity", "credits", "completed_on"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture()
def rows(north_lead):  # noqa: F811
    return credit_rows(PARTICIPANTS)


def test_a_worker_killed_mid_check_leaves_the_check_to_the_next_which_imports_the_file_once(
        app, north_lead, rows, queued):  # noqa: F811
    check_url = job_page(upload(north_lead, as_xlsx(rows), filename="credits.xlsx"))  # an XLSX file reads slowly
    check_id = _job_id(check_url)
    assert job_now(check_id).state == "queued"
    with worker(app) as first:
        wait_for(check_id, ("running", "done"))
        kill(first)
    assert job_now(check_id).state == "running" and _upload_now().state == "checking", "the check finished first"
    page = north_lead.get(check_url).get_data(as_text=True)
    assert "Under way" in page and "Confirm import" not in page
    with worker(app):
        job = wait_for(check_id, ("done", "failed"))
        assert job.state == "done" and job.attempts == 2, job.error
        pending = _upload_now()
        assert (pending.state, pending.rows_read, pending.created, pending.error_count) == (
            "waiting", len(rows), len(rows), 0)
        import_url = job_page(north_lead.post(f"/uploads/{pending.token}/confirm", form_url=check_url))
        job = wait_for(_job_id(import_url), ("done", "failed"))
    assert job.state == "done", job.error
    assert _count(CreditRecord) == len(rows) and _count(ImportBatch) == 1


def test_a_worker_killed_mid_import_applies_nothing_and_the_next_worker_imports_the_file_once(
        app, north_lead, rows, queued):  # noqa: F811
    check_url = job_page(upload(north_lead, as_csv(rows)))
    with worker(app):
        assert wait_for(_job_id(check_url), ("done", "failed")).state == "done"
    token = _upload_now().token
    import_id = _job_id(job_page(north_lead.post(f"/uploads/{token}/confirm", form_url=check_url)))
    # Every row written, the import waits to commit (for the test: it is killed in that wait).
    with worker(app, UPLOAD_PAUSE_BEFORE_COMMIT_SECONDS="60") as first:
        wait_for(import_id, ("running", "done"))
        deadline = time.monotonic() + 60
        while _upload_now().state != "importing":
            assert time.monotonic() < deadline, "the import never began"
            time.sleep(0.02)
        time.sleep(3)  # the rows are read, checked and written well within this
        kill(first)
    assert job_now(import_id).state == "running" and _upload_now().state == "importing"
    assert _count(CreditRecord) == 0 and _count(ImportBatch) == 0  # nothing half-applied
    again = north_lead.post(f"/uploads/{token}/confirm", form_url=check_url)  # an impatient second click
    assert _job_id(job_page(again)) == import_id
    with worker(app):
        job = wait_for(import_id, ("done", "failed"))
    assert job.state == "done" and job.attempts == 2, job.error
    assert _count(CreditRecord) == len(rows) and _count(ImportBatch) == 1
    assert _upload_now().state == "imported"
