"""After an import the stored met_on (OutputRecord) is recomputed for the participants touched."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import OutputRecord

from ..factories import PARTICIPANT_HEADER
from .helpers import ASSESSMENTS, ATTENDANCE, CREDITS, VIDEO_VIEWS, lines, participant_pk, run_bytes

pytestmark = pytest.mark.usefixtures("people")


def csv_row(*values) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def stored(ref):
    db.session.expire_all()
    return [
        (number, met_on, basis, not_preferred)
        for number, met_on, basis, not_preferred in db.session.execute(
            select(OutputRecord.number, OutputRecord.met_on, OutputRecord.basis, OutputRecord.not_preferred)
            .where(OutputRecord.participant_id == participant_pk(ref))
            .order_by(OutputRecord.number)
        )
    ]


def imported(kind, *rows):
    result = run_bytes(kind, lines(*rows))
    assert result.ok, result.errors
    return result


def test_a_new_participant_gets_one_unmet_record_per_output():
    assert stored("P3") == [(1, None, "", False), (2, None, "", False), (3, None, "", False)]
    assert [r[0] for r in stored("H3")] == [1, 2, 3, 4]


def test_a_credit_import_sets_met_on():
    imported("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,,2022-10-05,platform")
    assert stored("P3")[0] == (1, date(2022, 10, 5), "self-study", False)


def test_an_earlier_register_moves_met_on_back_and_a_later_one_meets_output_2():
    imported("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,,2022-10-05,platform")
    imported("attendance", ATTENDANCE, "P3,1,NPQLT Live Webinar,2022-10-01,contingency,",
             "P3,1,NPQLT F2F Training Session,2022-12-01,attended,")
    assert stored("P3")[:2] == [(1, date(2022, 10, 1), "register", True), (2, date(2022, 12, 1), "register", False)]


def test_a_video_import_meets_output_1_not_preferred():
    imported("video-views", VIDEO_VIEWS, "P3,1,90,2022-10-07")
    assert stored("P3")[0] == (1, date(2022, 10, 7), "video", True)


def test_lowering_a_credit_to_zero_unmeets_the_output():
    imported("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,2,2022-10-05,platform")
    imported("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,0,2022-10-05,platform")
    assert stored("P3")[0] == (1, None, "", False)


def test_only_the_participants_in_the_file_are_recomputed(monkeypatch):
    import tracker.imports.base as base

    seen = []
    real = base.recompute

    def spy(ids, book=None):
        seen.append(sorted(ids))
        return real(ids, book)

    monkeypatch.setattr(base, "recompute", spy)
    imported("credits", CREDITS, "P3,1,Survey,,2022-10-05,platform", "S3,1,Survey,,2022-10-05,platform")
    assert seen == [sorted([participant_pk("P3"), participant_pk("S3")])]
    imported("credits", CREDITS, "P3,1,Survey,,2022-10-05,platform", "S3,1,Survey,,2022-10-09,platform")
    assert seen[-1] == [participant_pk("S3")]  # P3's row was unchanged


def test_an_assessment_import_completes_the_final_output():
    # NPQLT (199 credits): every activity in full, output 1 on time, output 2 after the review date
    from tracker.engagement.book import Book

    facts = Book().by_code["NPQLT"]
    rows = [csv_row("P3", number, activity.title, "", "2022-10-05", "platform")
            for (number, _), activity in sorted(facts.activities.items()) if activity.credits]
    imported("credits", CREDITS, *rows)
    imported("attendance", ATTENDANCE, "P3,2,NPQLT Live Webinar,2023-01-10,attended,")
    assert stored("P3")[2][1] is None
    imported("assessments", ASSESSMENTS, "P3,moderated,fail,2024-01-15")
    assert stored("P3") == [
        (1, date(2022, 10, 5), "self-study", False),
        (2, date(2023, 1, 10), "register", False),
        (3, date(2024, 1, 15), "credits-90;assessment", False),
    ]


def test_changing_a_participant_cohort_recomputes_against_the_new_schedule():
    imported("attendance", ATTENDANCE, "P3,1,NPQLT Live Webinar,2022-10-01,attended,",
             "P3,1,NPQLT F2F Training Session,2022-12-01,attended,")
    assert stored("P3")[1][1] == date(2022, 12, 1)  # cohort 3: R1 is 2022-11-24
    imported("participants", PARTICIPANT_HEADER, "P3,Name P3,p3@example.org,NORTH,NPQLT,4,yes,yes,active")
    assert stored("P3")[1][1] is None  # cohort 4: R1 is 2023-03-09, nothing after it
