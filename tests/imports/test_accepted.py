"""Files that must be read (INTERCHANGE.md "Reading files"), and what importing them stores."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import (
    AssessmentRecord,
    CreditRecord,
    DeliveryPartner,
    Participant,
    RegisterEntry,
    VideoViewRecord,
)

from ..factories import PARTICIPANT_HEADER
from .helpers import (
    ASSESSMENTS,
    ATTENDANCE,
    CREDITS,
    VIDEO_VIEWS,
    lines,
    participant_pk,
    partner_id,
    run_bytes,
    snapshot,
)

pytestmark = pytest.mark.usefixtures("people")

DIAGNOSTIC = "Diagnostic Assessment for Block 1"  # NPQLT block 1, self-study, 2 credits


def credit_rows(ref="P3"):
    return db.session.execute(
        select(CreditRecord.credits, CreditRecord.completed_on, CreditRecord.source)
        .where(CreditRecord.participant_id == participant_pk(ref))
        .order_by(CreditRecord.completed_on)
    ).all()


def imported(kind, data: bytes, filename=None, **options):
    result = run_bytes(kind, data, filename, **options)
    assert result.ok, result.errors
    return result


def counts(result):
    return (result.read, result.created, result.updated, result.unchanged)


def test_a_utf8_file_with_a_byte_order_mark_is_read():
    imported("credits", b"\xef\xbb\xbf" + lines(CREDITS, f"P3,1,{DIAGNOSTIC},,2022-10-05,platform"))
    assert credit_rows() == [(2, date(2022, 10, 5), "platform")]


def test_a_windows_1252_file_is_read():
    # Excel on Windows writes é as 0xE9 and a curly apostrophe as 0x92
    data = lines(PARTICIPANT_HEADER, "N1,José O’Brien,jose@example.org,NORTH,NPQLT,3,yes,yes,active",
                 encoding="cp1252")
    assert b"Jos\xe9 O\x92Brien" in data
    imported("participants", data)
    assert db.session.scalar(select(Participant.full_name).where(Participant.participant_id == "N1")) == \
        "José O’Brien"


def test_a_utf8_file_with_accents_is_read_as_utf8():
    imported("participants", lines(PARTICIPANT_HEADER, "N1,Zoë Brontë,zoe@example.org,NORTH,NPQLT,3,yes,yes,"))
    assert db.session.scalar(select(Participant.full_name).where(Participant.participant_id == "N1")) == "Zoë Brontë"


@pytest.mark.parametrize("written, read", [
    ("05/10/2022", date(2022, 10, 5)),
    ("5/1/2023", date(2023, 1, 5)),
    ("2022-10-05", date(2022, 10, 5)),
])
def test_dates_are_read_as_iso_or_day_month_year(written, read):
    imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},,{written},platform"))
    assert credit_rows()[0][1] == read


@pytest.mark.parametrize("header", ["Participant ID", "participant-id", " PARTICIPANT_ID ", "Participant_Id"])
def test_column_names_are_matched_forgivingly(header):
    data = lines(f"{header},Block, ACTIVITY ,Completed On,credits", f"P3,1,{DIAGNOSTIC},2022-10-05,1")
    imported("credits", data)
    assert credit_rows() == [(1, date(2022, 10, 5), "platform")]


def test_extra_columns_are_ignored():
    data = lines("notes,participant_id,block,activity,completed_on,facilitator",
                 f"call back,P3,1,{DIAGNOSTIC},2022-10-05,Sam")
    result = imported("credits", data)
    assert counts(result) == (1, 1, 0, 0)


def test_blank_lines_are_skipped():
    data = lines(CREDITS, "", f"P3,1,{DIAGNOSTIC},,2022-10-05,platform", ",,,,,", "  ", "P3,1,Survey,,2022-10-06,")
    result = imported("credits", data)
    assert counts(result) == (2, 2, 0, 0)


def test_windows_line_endings_are_read():
    data = (CREDITS + "\r\n" + f"P3,1,{DIAGNOSTIC},,2022-10-05,platform\r\n").encode()
    assert counts(imported("credits", data)) == (1, 1, 0, 0)


def xlsx(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    book.create_sheet("ignored").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_is_read_from_its_first_sheet():
    data = xlsx(
        CREDITS.split(","),
        ["P3", 1, DIAGNOSTIC, None, datetime(2022, 10, 5), "platform"],
        [None] * 6,
        ["P3", 1, "Survey", 1, "06/10/2022", None],
        ["P3", "2", "Diagnostic Assessment for Block 2", 2.0, date(2022, 10, 7), "platform"],
    )
    result = imported("credits", data, "credits.xlsx")
    assert counts(result) == (3, 3, 0, 0)
    assert credit_rows() == [(2, date(2022, 10, 5), "platform"), (1, date(2022, 10, 6), "platform"),
                             (2, date(2022, 10, 7), "platform")]


def test_an_xlsx_video_view_keeps_its_decimals():
    imported("video-views", xlsx(VIDEO_VIEWS.split(","), ["P3", 1, 89.9, date(2022, 10, 5)]), "views.xlsx")
    assert db.session.scalar(select(VideoViewRecord.percent)) == pytest.approx(89.9)


def test_an_xlsx_file_with_a_bad_row_names_the_row():
    before = snapshot()
    data = xlsx(CREDITS.split(","), ["P3", 1, DIAGNOSTIC, 5, date(2022, 10, 5), "platform"])
    result = run_bytes("credits", data, "credits.xlsx")
    assert result.errors == [f"row 2: credits: 5 is outside 0..2 for '{DIAGNOSTIC}'"]
    assert snapshot() == before


def test_a_damaged_xlsx_file_is_refused():
    result = run_bytes("credits", b"PK\x03\x04 not really a workbook", "credits.xlsx")
    assert len(result.errors) == 1
    assert result.errors[0].startswith("not a readable XLSX file")


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    data = lines(CREDITS, f"P3,1,{DIAGNOSTIC},1,2022-10-05,platform", "P3,1,Survey,,2022-10-06,platform",
                 "S3,1,Survey,,2022-10-06,platform")
    assert counts(imported("credits", data)) == (3, 3, 0, 0)
    before = snapshot()
    assert counts(imported("credits", data)) == (3, 0, 0, 3)
    after = snapshot()
    # only the record of the import itself is new
    assert {k: v for k, v in after.items() if k != "import_batch"} == \
        {k: v for k, v in before.items() if k != "import_batch"}


def test_a_changed_value_for_the_same_record_updates_it():
    imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},1,2022-10-05,platform"))
    result = imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},2,2022-10-05,platform"))
    assert counts(result) == (1, 0, 1, 0)
    assert credit_rows() == [(2, date(2022, 10, 5), "platform")]


def test_the_same_activity_on_another_date_is_another_record():
    imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},1,2022-10-05,platform"))
    result = imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},2,2022-10-09,platform"))
    assert counts(result) == (1, 1, 0, 0)
    assert credit_rows() == [(1, date(2022, 10, 5), "platform"), (2, date(2022, 10, 9), "platform")]


def test_identical_duplicate_rows_in_one_file_are_one_record():
    row = f"P3,1,{DIAGNOSTIC},,2022-10-05,platform"
    result = imported("credits", lines(CREDITS, row, row))
    assert counts(result) == (2, 1, 0, 1)
    assert len(credit_rows()) == 1


def test_a_dry_run_counts_but_writes_nothing():
    before = snapshot()
    result = imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},,2022-10-05,", "P3,1,Survey,,2022-10-06,"),
                      dry_run=True)
    assert counts(result) == (2, 2, 0, 0)
    assert snapshot() == before


def test_a_dry_run_leaves_nothing_in_the_callers_transaction():
    from tracker.engagement.book import Book
    from tracker.imports import importer_for, run_import
    from tracker.imports.base import Context

    importer = importer_for("credits", Context(today=date(2026, 11, 24), book=Book()))
    result = run_import(importer, io.BytesIO(lines(CREDITS, f"P3,1,{DIAGNOSTIC},,2022-10-05,")), "credits.csv",
                        dry_run=True)
    assert result.ok and result.created == 1
    assert db.session.scalar(select(func.count()).select_from(CreditRecord)) == 0  # before any rollback
    db.session.rollback()


def test_a_dry_run_of_a_change_counts_the_update_but_keeps_the_old_value():
    imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},1,2022-10-05,platform"))
    result = imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},2,2022-10-05,platform"), dry_run=True)
    assert counts(result) == (1, 0, 1, 0)
    assert credit_rows() == [(1, date(2022, 10, 5), "platform")]


def test_credits_default_to_the_activity_full_value_and_source_to_platform():
    imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},,2022-10-05,"))
    imported("credits", lines("participant_id,block,activity,completed_on",
                              "P3,1,NPQLT F2F Training Session,2022-10-06"))
    assert credit_rows() == [(2, date(2022, 10, 5), "platform"), (15, date(2022, 10, 6), "platform")]


def test_zero_credits_are_accepted():
    imported("credits", lines(CREDITS, f"P3,1,{DIAGNOSTIC},0,2022-10-05,platform"))
    assert credit_rows() == [(0, date(2022, 10, 5), "platform")]


def test_activity_titles_match_ignoring_case_and_repeated_spaces():
    imported("credits", lines(CREDITS, "P3,1,  diagnostic   ASSESSMENT for  block 1 ,,2022-10-05,platform"))
    assert credit_rows() == [(2, date(2022, 10, 5), "platform")]


def test_a_partner_upload_may_only_name_its_own_participants():
    south = partner_id("SOUTH")
    before = snapshot()
    result = run_bytes("credits", lines(CREDITS, "S3,1,Survey,,2022-10-05,", "P3,1,Survey,,2022-10-05,"),
                       partner_id=south)
    assert result.errors == ["row 3: participant_id: 'P3' is not a known participant"]
    assert snapshot() == before
    assert counts(imported("credits", lines(CREDITS, "S3,1,Survey,,2022-10-05,"), partner_id=south)) == (1, 1, 0, 0)


def test_attendance_marks_are_stored_with_their_session():
    data = lines(ATTENDANCE, "P3,1,NPQLT Live Webinar,2022-10-05,Attended,Sam",
                 "P3,1,npqlt f2f training session,2022-10-06,absent,",
                 "P3,2,NPQLT Live Webinar,2022-12-01,CONTINGENCY,")
    assert counts(imported("attendance", data)) == (3, 3, 0, 0)
    stored = db.session.execute(select(RegisterEntry.session_date, RegisterEntry.mark, RegisterEntry.marked_by)
                                .order_by(RegisterEntry.session_date)).all()
    assert stored == [(date(2022, 10, 5), "attended", "Sam"), (date(2022, 10, 6), "absent", None),
                      (date(2022, 12, 1), "contingency", None)]


def test_video_views_accept_decimals_and_a_percent_sign():
    data = lines(VIDEO_VIEWS, "P3,1,89.9,2022-10-05", "P3,1,95%,2022-10-06", "P3,2,100,2022-12-01")
    assert counts(imported("video-views", data)) == (3, 3, 0, 0)
    assert db.session.scalars(select(VideoViewRecord.percent).order_by(VideoViewRecord.viewed_on)).all() == \
        [pytest.approx(89.9), 95.0, 100.0]


def test_assessments_are_stored_with_an_empty_result_as_none():
    data = lines(ASSESSMENTS, "P3,submitted,,2024-01-05", "P3,Moderated,Pass,2024-02-05")
    assert counts(imported("assessments", data)) == (2, 2, 0, 0)
    assert db.session.execute(select(AssessmentRecord.status, AssessmentRecord.result)
                              .order_by(AssessmentRecord.recorded_on)).all() == \
        [("submitted", None), ("moderated", "pass")]


@pytest.mark.parametrize("yes, no", [("yes", "no"), ("y", "n"), ("true", "false"), ("1", "0"), ("YES", "No")])
def test_booleans_are_read_in_every_spelling(yes, no):
    imported("participants", lines(PARTICIPANT_HEADER, f"N1,Nia Jones,nia@example.org,NORTH,NPQLT,3,{yes},{no},"))
    stored = db.session.execute(select(Participant.school_contract_signed, Participant.sponsorship_agreement_signed,
                                       Participant.status).where(Participant.participant_id == "N1")).one()
    assert tuple(stored) == (True, False, "active")


def test_an_unknown_partner_code_creates_the_partner():
    assert partner_id("EAST") is None
    imported("participants", lines(PARTICIPANT_HEADER, "N1,Nia Jones,nia@example.org,east,NPQLT,3,yes,yes,active"))
    assert db.session.scalar(select(DeliveryPartner.code).where(DeliveryPartner.id == partner_id("EAST"))) == "EAST"


def test_a_row_for_an_existing_participant_updates_it():
    result = imported("participants", lines(PARTICIPANT_HEADER,
                                            "P3,Name P3,p3@example.org,NORTH,NPQLT,3,yes,no,deferred",
                                            "S3,Name S3,s3@example.org,SOUTH,NPQLT,3,yes,yes,active"))
    assert counts(result) == (2, 0, 1, 1)
    stored = db.session.execute(select(Participant.sponsorship_agreement_signed, Participant.status)
                                .where(Participant.participant_id == "P3")).one()
    assert tuple(stored) == (False, "deferred")
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 6


def test_a_participants_file_without_status_keeps_a_deferral_recorded_since(session):
    from sqlalchemy import select

    from tracker.models import Participant

    from ..factories import PARTICIPANT_HEADER, import_text

    header = PARTICIPANT_HEADER.rsplit(",", 1)[0]
    row = "P100,Name P100,p100@example.org,NORTH,NPQLT,3,yes,yes"
    assert import_text("participants", header, row).created == 1
    participant = session.scalar(select(Participant).where(Participant.participant_id == "P100"))
    assert participant.status == "active"
    participant.status = "deferred"
    session.commit()
    again = import_text("participants", header, row)
    assert (again.unchanged, again.updated) == (1, 0)
    session.expire_all()
    assert session.scalar(select(Participant.status).where(Participant.participant_id == "P100")) == "deferred"
