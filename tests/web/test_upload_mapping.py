"""A file with other headings: its uploader matches its columns once, in the browser, and the next
file with the same headings is read the same way without asking (INTERCHANGE.md "Any other file:
map its columns")."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import (AssessmentRecord, AuditEvent, CreditRecord, Participant, PendingUpload, RegisterEntry,
                            SavedMapping, VideoViewRecord)

from .conftest import signed_in
from .test_uploads import count, text_of

CREDITS = (["Learner ID", "Module", "Activity name", "Credits achieved", "Date completed"],
           [["N001", "Block 1", "Diagnostic Assessment for Block 1", "2", "20/11/2022 10:15"],
            ["N001", "Block 1", "Video Introduction to Block 1", "1", "10/10/2022"]])
CREDITS_MAP = {"participant_id": "Learner ID", "block": "Module", "activity": "Activity name",
               "credits": "Credits achieved", "completed_on": "Date completed"}


class Kind:
    def __init__(self, name, user, model, header, rows, columns, values=None):
        self.name, self.user, self.model, self.header, self.rows = name, user, model, header, rows
        self.columns, self.values = columns, values or {}


KINDS = [
    Kind("credits", "lead@north.example", CreditRecord, *CREDITS, CREDITS_MAP),
    Kind("attendance", "facilitator@north.example", RegisterEntry,
         ["Email address", "Session", "Date", "Status"],
         [["N001@example.org", "NPQLT Live Webinar", "15/01/2023", "attended"]],
         {"email": "Email address", "event": "Session", "session_date": "Date", "attendance": "Status"},
         {"block": "B1"}),
    Kind("video-views", "lead@north.example", VideoViewRecord,
         ["Learner", "Module", "Watched %", "Watched on"], [["N001", "Block 2", "75", "2023-01-10 09:00"]],
         {"participant_id": "Learner", "block": "Module", "percent_watched": "Watched %", "viewed_on": "Watched on"}),
    Kind("assessments", "staff@edt.example", AssessmentRecord,
         ["Learner", "Assessment status", "Outcome", "Date"], [["N001", "marked", "pass", "01/02/2023"]],
         {"participant_id": "Learner", "status": "Assessment status", "result": "Outcome", "recorded_on": "Date"}),
    Kind("participants", "staff@edt.example", Participant,
         ["ID", "Name", "Email address", "Partner", "Programme", "Cohort", "Contract", "Sponsorship"],
         [["N900", "Nia New", "nia@example.org", "NORTH", "NPQLT", "3", "yes", "yes"]],
         {"participant_id": "ID", "full_name": "Name", "email": "Email address", "delivery_partner": "Partner",
          "course": "Programme", "cohort": "Cohort", "school_contract_signed": "Contract",
          "sponsorship_agreement_signed": "Sponsorship"}),
]


@pytest.fixture()
def today(app, two_partners, monkeypatch):
    monkeypatch.setitem(app.config, "TODAY", "2023-03-01")


def as_csv(header, rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


def as_xlsx(header, rows) -> bytes:
    book = Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = {"csv": as_csv, "xlsx": as_xlsx}


def upload(browser, kind, content, filename):
    return browser.post("/uploads", {"kind": kind, "file": (io.BytesIO(content), filename)},
                        content_type="multipart/form-data")


def mapping_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    location = response.headers["Location"]
    assert re.fullmatch(r"/uploads/[\w-]+/columns", location), location
    return location


def choose(browser, url, columns, values=None):
    data = {f"column-{name}": heading for name, heading in columns.items()}
    data |= {f"value-{name}": value for name, value in (values or {}).items()}
    return browser.post(url, data)


def only(model):
    db.session.expire_all()
    return db.session.scalars(select(model)).all()


@pytest.mark.parametrize("form", FILES)
@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_a_file_with_other_headings_imports_after_mapping_once_and_a_second_time_with_no_mapping_asked(
        app, today, kind, form):
    browser = signed_in(app, kind.user)
    before = count(kind.model)
    url = mapping_url(upload(browser, kind.name, FILES[form](kind.header, kind.rows), f"first.{form}"))
    page = text_of(browser.get(url).get_data(as_text=True))
    assert "Match the file's columns" in page
    for heading in kind.header:
        assert heading in page
    assert kind.rows[0][1] in page  # a value under its heading

    preview = choose(browser, url, kind.columns, kind.values)
    assert preview.status_code == 302, text_of(preview.get_data(as_text=True))[:2000]
    words = text_of(browser.get(preview.headers["Location"]).get_data(as_text=True))
    assert "Read with the column mapping you chose" in words, words[:3000]
    assert "Would create 1" in words or f"Would create {len(kind.rows)}" in words, words[:3000]
    first, second = next(iter(kind.columns.items()))
    assert f"{first} the column '{second}'" in words
    for name, value in kind.values.items():
        assert f"{name} {value} on every row" in words
    assert count(kind.model) == before
    token = preview.headers["Location"].rpartition("/")[2]
    imported = browser.post(f"/uploads/{token}/confirm", form_url=f"/uploads/{token}")
    assert imported.status_code == 302 and imported.headers["Location"] == "/uploads"
    assert count(kind.model) == before + len(kind.rows)
    [saved] = only(SavedMapping)
    assert (saved.kind, saved.saved_by) == (kind.name, kind.user)

    # next week's file: the same headings, in another order and case, other rows
    header = [heading.upper() for heading in reversed(kind.header)]
    rows = [list(reversed(row)) for row in kind.rows]
    again = upload(browser, kind.name, FILES[form](header, rows), f"second.{form}")
    assert again.status_code == 302 and not again.headers["Location"].endswith("/columns")
    words = text_of(browser.get(again.headers["Location"]).get_data(as_text=True))
    assert f"Read with the column mapping saved on {saved.saved_at.day}" in words and kind.user in words
    assert "Change the column mapping" in words
    assert "Unchanged " + str(len(kind.rows)) in words, words[:3000]
    second_token = again.headers["Location"].rpartition("/")[2]
    assert browser.post(f"/uploads/{second_token}/confirm", form_url=f"/uploads/{second_token}").status_code == 302
    assert [p.state for p in only(PendingUpload)] == ["imported", "imported"]
    assert len(only(SavedMapping)) == 1


def test_the_column_whose_heading_is_the_field_is_chosen_already(app, today):
    browser = signed_in(app, "lead@north.example")
    header = ["Learner ID", "Block", "Activity", "Completed_On"]
    url = mapping_url(upload(browser, "credits", as_csv(header, [["N001", "1", "x", "2022-11-20"]]), "a.csv"))
    page = browser.get(url).get_data(as_text=True)
    for name, heading in (("block", "Block"), ("activity", "Activity"), ("completed_on", "Completed_On")):
        select_html = re.search(rf'<select[^>]*name="column-{name}".*?</select>', page, re.S).group(0)
        assert f'<option value="{heading}" selected>' in select_html, select_html
    participant = re.search(r'<select[^>]*name="column-participant_id".*?</select>', page, re.S).group(0)
    assert "selected" not in participant.replace('<option value="" selected>', "")


def mapping_problem(browser, columns, values=None) -> tuple[str, PendingUpload]:
    url = mapping_url(upload(browser, "credits", as_csv(*CREDITS), "credits.csv"))
    response = choose(browser, url, columns, values)
    assert response.status_code == 200, response.headers.get("Location")
    page = response.get_data(as_text=True)
    assert "<title>Error: Match the file" in page and "There is a problem" in page
    [pending] = only(PendingUpload)
    return text_of(page), pending


@pytest.mark.parametrize("change, values, message", [
    ({"completed_on": ""}, {}, "Choose the column that holds completed_on, or give one value for the whole file"),
    ({"participant_id": ""}, {}, "Choose the column that holds participant_id or the one that holds email"),
    ({"activity": "Learner ID"}, {}, "The column 'Learner ID' is already chosen for participant_id: choose a "
                                     "different column for activity"),
    ({"block": ""}, {"block": "x"}, "block cannot be 'x' for the whole file: 'x' is not a whole number"),
    ({}, {"block": "2"}, "Choose a column for block or give one value for the whole file, not both"),
    ({"block": "No such heading"}, {}, "Choose one of the file's columns for block"),
])
def test_a_bad_choice_is_named_by_its_field_and_nothing_changes(app, today, change, values, message):
    browser = signed_in(app, "lead@north.example")
    words, pending = mapping_problem(browser, CREDITS_MAP | change, values)
    assert message in words, words[:3000]
    assert pending.state == "mapping" and pending.column_mapping is None
    assert count(CreditRecord) == 0 and only(SavedMapping) == []


def test_a_mapping_is_remembered_only_once_the_file_is_imported(app, today):
    browser = signed_in(app, "lead@north.example")
    url = mapping_url(upload(browser, "credits", as_csv(*CREDITS), "credits.csv"))
    token = choose(browser, url, CREDITS_MAP).headers["Location"].rpartition("/")[2]
    assert only(SavedMapping) == []
    assert browser.post(f"/uploads/{token}/cancel", form_url=f"/uploads/{token}").status_code == 302
    mapping_url(upload(browser, "credits", as_csv(*CREDITS), "credits.csv"))  # asked again


def test_a_wrong_mapping_shows_problems_and_can_be_changed_on_the_same_file(app, today):
    browser = signed_in(app, "lead@north.example")
    url = mapping_url(upload(browser, "credits", as_csv(*CREDITS), "credits.csv"))
    wrong = choose(browser, url, CREDITS_MAP | {"completed_on": "Activity name", "activity": "Date completed"})
    words = text_of(browser.get(wrong.headers["Location"]).get_data(as_text=True))
    assert "Your file has problems" in words and "Change the column mapping" in words
    right = choose(browser, url, CREDITS_MAP)
    words = text_of(browser.get(right.headers["Location"]).get_data(as_text=True))
    assert "Would create 2" in words


def test_changing_a_saved_mapping_saves_the_new_one_when_imported(app, today):
    browser = signed_in(app, "lead@north.example")
    url = mapping_url(upload(browser, "credits", as_csv(*CREDITS), "credits.csv"))
    token = choose(browser, url, CREDITS_MAP).headers["Location"].rpartition("/")[2]
    browser.post(f"/uploads/{token}/confirm", form_url=f"/uploads/{token}")
    rows = [["N001", "Block 1", "S 1.1a The Importance of Teachers and Teaching", "", "01/12/2022"]]
    again = upload(browser, "credits", as_csv(CREDITS[0], rows), "next.csv").headers["Location"]
    token = again.rpartition("/")[2]
    page = browser.get(again).get_data(as_text=True)
    assert f'href="/uploads/{token}/columns"' in page
    form = browser.get(f"/uploads/{token}/columns").get_data(as_text=True)
    assert '<option value="Credits achieved" selected>' in form  # the saved choices, to change
    changed = choose(browser, f"/uploads/{token}/columns",
                     {k: v for k, v in CREDITS_MAP.items() if k != "credits"})
    words = text_of(browser.get(changed.headers["Location"]).get_data(as_text=True))
    assert "Read with the column mapping you chose" in words and "credits the column" not in words
    browser.post(f"/uploads/{token}/confirm", form_url=f"/uploads/{token}")
    [saved] = only(SavedMapping)
    assert "credits" not in saved.column_mapping.split('"values"')[0].replace('"columns"', "")
    first, second = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "saved_mapping")
                                       .order_by(AuditEvent.id))  # who saved which mapping, in words
    assert (first.action, second.action, second.actor) == ("create", "update", "lead@north.example")
    assert "credits: the column 'Credits achieved'" in first.after
    assert "credits: the column" not in second.after and "credits: the column" in second.before


def test_a_large_mapped_file_is_checked_and_imported_by_jobs_with_its_mapping(app, today, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_JOB_BYTES", 100)
    browser = signed_in(app, "lead@north.example")
    url = mapping_url(upload(browser, "credits", as_xlsx(*CREDITS), "credits.xlsx"))
    checked = choose(browser, url, CREDITS_MAP)
    assert re.fullmatch(r"/jobs/\d+", checked.headers["Location"]), checked.headers["Location"]
    words = text_of(browser.get(checked.headers["Location"]).get_data(as_text=True))
    assert "Would create 2" in words and "Read with the column mapping you chose" in words
    [pending] = only(PendingUpload)
    imported = browser.post(f"/uploads/{pending.token}/confirm", form_url=checked.headers["Location"])
    assert re.fullmatch(r"/jobs/\d+", imported.headers["Location"])
    assert count(CreditRecord) == 2 and len(only(SavedMapping)) == 1

    again = upload(browser, "credits", as_xlsx(*CREDITS), "credits-again.xlsx")
    assert re.fullmatch(r"/jobs/\d+", again.headers["Location"])  # no mapping asked
    words = text_of(browser.get(again.headers["Location"]).get_data(as_text=True))
    assert "Read with the column mapping saved on" in words and "Unchanged 2" in words
