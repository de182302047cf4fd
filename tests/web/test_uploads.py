"""A delivery partner uploads a report, checks what it would change, and confirms the import."""
from __future__ import annotations

import csv
import html
import io
import re
import sys
import types

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.imports import kinds
from tracker.imports.base import Importer
from tracker.imports.kinds import register
from tracker.models import CreditRecord, ImportBatch, Participant, PendingUpload
from tracker.models.accounts import PARTNER_LEAD

from .conftest import signed_in

HEADER = "participant_id,block,activity,credits,completed_on"
GOOD_ROWS = (
    "N001,1,Diagnostic Assessment for Block 1,,2022-11-20",
    "N001,1,Video Introduction to Block 1,1,2022-10-10",
    "N001,1,S 1.1a The Importance of Teachers and Teaching,3,2022-12-01",
)
BAD_ROWS = (
    "N001,1,Diagnostic Assessment for Block 1,,2022-11-20",
    "N001,1,Video Introduction to Block 1,9,2022-10-10",
    "N001,1,S 1.1a The Importance of Teachers and Teaching,3,2023-04-01",
)


@pytest.fixture()
def north_lead(app, two_partners, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    return signed_in(app, "lead@north.example")


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header,) + rows) + "\n").encode("utf-8")


def upload(browser, content: bytes, filename="credits.csv", kind="credits", **kwargs):
    return browser.post("/uploads", {"kind": kind, "file": (io.BytesIO(content), filename)},
                        content_type="multipart/form-data", **kwargs)


def preview_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.headers["Location"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def credit_batches() -> list[ImportBatch]:
    return db.session.scalars(select(ImportBatch).where(ImportBatch.kind == "credits")).all()


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_a_file_with_two_bad_rows_shows_both_problems_and_imports_nothing(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*BAD_ROWS)))
    page = north_lead.get(url).get_data(as_text=True)
    words = text_of(page)

    assert "Your file has problems" in words
    assert "3 N001 Name N001 credits 9 is outside 0..1 for 'Video Introduction to Block 1'" in words
    assert "4 N001 Name N001 completed_on 2023-04-01 is in the future" in words
    assert "Confirm import" not in page
    assert "Fix the file and upload it again" in words
    assert count(CreditRecord) == 0 and credit_batches() == []


def test_the_problems_can_be_downloaded_as_a_csv_file(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*BAD_ROWS)))
    response = north_lead.get(f"{url}/errors.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "credits-errors.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["row", "participant", "column", "message"],
        ["3", "N001 Name N001", "credits", "9 is outside 0..1 for 'Video Introduction to Block 1'"],
        ["4", "N001 Name N001", "completed_on", "2023-04-01 is in the future"],
    ]


def test_a_good_file_previews_its_counts_and_confirming_imports_it(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    page = north_lead.get(url).get_data(as_text=True)
    words = text_of(page)
    assert "Rows read 3" in words and "Would create 3" in words and "Would update 0" in words
    assert "Unchanged 0" in words and "already imported" not in words
    assert "Confirm import" in page
    assert count(CreditRecord) == 0

    done = north_lead.post(f"{url}/confirm", form_url=url, follow_redirects=True)
    words = text_of(done.get_data(as_text=True))
    assert "Imported credits.csv: 3 rows read, 3 created, 0 updated, 0 unchanged" in words
    assert count(CreditRecord) == 3
    assert db.session.scalars(select(PendingUpload.state)).all() == ["imported"]
    [batch] = credit_batches()
    assert (batch.filename, batch.imported_by, batch.created) == ("credits.csv", "lead@north.example", 3)
    assert "credits.csv" in words and "lead@north.example" in words  # the recent imports table


def test_the_same_file_again_says_it_was_already_imported_and_changes_nothing(north_lead):
    first = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    north_lead.post(f"{first}/confirm", form_url=first)

    again = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS), filename="credits-again.csv"))
    words = text_of(north_lead.get(again).get_data(as_text=True))
    assert re.search(r"This file was already imported on \d+ \w+ \d{4} at \d\d:\d\d UTC by lead@north\.example", words)
    assert "Rows read 3" in words and "Would create 0" in words and "Would update 0" in words
    assert "Unchanged 3" in words

    done = north_lead.post(f"{again}/confirm", form_url=again, follow_redirects=True)
    assert "3 rows read, 0 created, 0 updated, 3 unchanged" in text_of(done.get_data(as_text=True))
    assert count(CreditRecord) == 3


@pytest.mark.parametrize("filename, content, message", [
    ("credits.txt", csv_bytes(*GOOD_ROWS), "The selected file must be a CSV or XLSX file"),
    ("credits.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "The selected file is not a text CSV file"),
    ("credits.xlsx", csv_bytes(*GOOD_ROWS), "The selected file is not an Excel workbook"),
    ("credits.csv", b"", "The selected file is empty"),
])
def test_a_file_that_is_not_a_csv_or_xlsx_is_refused_with_a_clear_message(north_lead, filename, content, message):
    response = upload(north_lead, content, filename=filename)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert count(PendingUpload) == 0


def test_a_file_over_10_mb_is_refused(north_lead):
    big = csv_bytes(*GOOD_ROWS) + b"," * (10 * 1024 * 1024)
    page = upload(north_lead, big).get_data(as_text=True)
    assert "The selected file must be smaller than 10 MB" in page
    assert count(PendingUpload) == 0


def test_choosing_no_file_or_no_kind_names_the_field(north_lead):
    page = north_lead.post("/uploads", {"kind": ""}, content_type="multipart/form-data").get_data(as_text=True)
    assert "Choose the kind of report" in page and "Select a CSV or XLSX file" in page


def test_a_partner_cannot_import_rows_for_another_partners_participant(north_lead):
    url = preview_url(upload(north_lead, csv_bytes("S001,1,Diagnostic Assessment for Block 1,,2022-11-20")))
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "2 S001 participant_id 'S001' is not a known participant" in words
    assert north_lead.client.post(f"{url}/confirm", data={"csrf_token": north_lead.csrf(url)}).status_code == 302
    assert count(CreditRecord) == 0


def test_a_partner_cannot_upload_participants_or_assessments(north_lead):
    page = north_lead.get("/uploads").get_data(as_text=True)
    assert 'value="credits"' in page and 'value="participants"' not in page and 'value="assessments"' not in page
    response = upload(north_lead, csv_bytes("X1", header="participant_id"), kind="participants")
    assert "Choose the kind of report from the list" in response.get_data(as_text=True)
    assert count(PendingUpload) == 0


def test_edt_staff_import_participants(app, two_partners, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")
    staff = signed_in(app, "staff@edt.example")
    header = ("participant_id,full_name,email,delivery_partner,course,cohort,school_contract_signed,"
              "sponsorship_agreement_signed")
    url = preview_url(upload(staff, csv_bytes("N900,New Person,new@example.org,NORTH,NPQLT,3,yes,yes", header=header),
                             filename="people.csv", kind="participants"))
    staff.post(f"{url}/confirm", form_url=url)
    assert db.session.scalar(select(Participant.full_name).where(Participant.participant_id == "N900")) == "New Person"


def test_another_users_upload_is_not_found(app, north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    for email in ("facilitator@north.example", "lead@south.example", "staff@edt.example"):
        other = signed_in(app, email)
        assert other.get(url).status_code == 404
        assert other.get(f"{url}/errors.csv").status_code == 404
        assert other.get(f"{url}/changes.csv").status_code == 404
        token = other.csrf("/uploads")
        assert other.client.post(f"{url}/confirm", data={"csrf_token": token}).status_code == 404
        assert other.client.post(f"{url}/cancel", data={"csrf_token": token}).status_code == 404
    assert count(CreditRecord) == 0 and count(PendingUpload) == 1


def test_cancelling_an_upload_discards_it(north_lead):
    url = preview_url(upload(north_lead, csv_bytes(*GOOD_ROWS)))
    done = north_lead.post(f"{url}/cancel", form_url=url, follow_redirects=True)
    assert "cancelled: nothing was imported" in done.get_data(as_text=True)
    assert count(PendingUpload) == 0 and count(CreditRecord) == 0
    assert north_lead.get(url).status_code == 404


def test_an_xlsx_workbook_is_read_like_a_csv_file(north_lead):
    from tracker.exports.cells import xlsx_bytes

    rows = [row.split(",") for row in GOOD_ROWS]
    url = preview_url(upload(north_lead, xlsx_bytes(HEADER.split(","), rows), filename="credits.xlsx"))
    words = text_of(north_lead.get(url).get_data(as_text=True))
    assert "Rows read 3" in words and "Would create 3" in words


@pytest.fixture()
def mentor_notes(monkeypatch):
    """A new kind, declared in its own module the way a newcomer adds one."""
    module = types.ModuleType("tests_mentor_notes")

    @register("mentor-notes", "Mentor notes", uploaded_by=(PARTNER_LEAD,), in_sample=False)
    class MentorNotes(Importer):
        required = ("participant_id", "noted_on")
        optional = ("note",)

        def parse(self, row):
            raise NotImplementedError

    MentorNotes.__module__ = module.__name__
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(kinds, "MODULES", kinds.MODULES + (module.__name__,))
    yield
    kinds._registry.pop("mentor-notes")


def test_a_new_kind_appears_on_the_uploads_page_of_those_who_may_upload_it(app, two_partners, mentor_notes):
    lead = text_of(signed_in(app, "lead@north.example").get("/uploads").get_data(as_text=True))
    assert "Mentor notes Columns: participant_id, noted_on; optional: note." in lead
    facilitator = text_of(signed_in(app, "facilitator@north.example").get("/uploads").get_data(as_text=True))
    assert "Mentor notes" not in facilitator and "Video views" in facilitator
    assert "mentor-notes" not in [kind.name for kind in kinds.sample_kinds()]
