"""Every bad input is refused with "row N: column: message" and writes nothing (INTERCHANGE.md)."""
from __future__ import annotations

import pytest

from ..factories import PARTICIPANT_HEADER
from .helpers import ASSESSMENTS, ATTENDANCE, CREDITS, VIDEO_VIEWS, lines, run_bytes, snapshot

pytestmark = pytest.mark.usefixtures("people")


def refused(kind: str, header: str, *rows: str, **options) -> list[str]:
    """Import a file that must be refused; check that the database is exactly as before."""
    before = snapshot()
    result = run_bytes(kind, lines(header, *rows), **options)
    assert not result.ok
    assert snapshot() == before
    return result.errors


# credits


def test_a_completion_date_after_today_is_refused():
    errors = refused("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,,2026-11-25,platform")
    assert errors == ["row 2: completed_on: 2026-11-25 is in the future"]


def test_a_completion_date_of_today_is_accepted():
    result = run_bytes("credits", lines(CREDITS, "P3,1,Diagnostic Assessment for Block 1,,2026-11-24,platform"))
    assert result.ok, result.errors


def test_an_activity_of_another_block_is_refused():
    errors = refused("credits", CREDITS, "P3,1,Recorded webinar 2.1,,2022-10-05,platform")
    assert errors == ["row 2: activity: 'Recorded webinar 2.1' is not an activity of NPQLT block 1"]


def test_an_activity_of_another_course_is_refused():
    errors = refused("credits", CREDITS, "P3,1,S 1.1a Developing a Supportive School Environment,,2022-10-05,")
    assert errors == [
        "row 2: activity: 'S 1.1a Developing a Supportive School Environment' is not an activity of NPQLT block 1"]


def test_a_block_the_course_does_not_have_is_refused():
    errors = refused("credits", CREDITS, "P3,6,Survey,,2022-10-05,platform")
    assert errors == ["row 2: block: NPQLT has no block 6"]


def test_a_block_that_is_not_a_number_is_refused():
    assert refused("credits", CREDITS, "P3,one,Survey,,2022-10-05,platform") == [
        "row 2: block: 'one' is not a whole number"]


def test_a_self_report_for_cohort_3_is_refused():
    errors = refused("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,,2022-10-05,self-report")
    assert errors == ["row 2: source: self-report exists for cohorts 1 and 2 only (participant is in cohort 3)"]


@pytest.mark.parametrize("ref", ["P1", "P2"])
def test_a_self_report_for_cohorts_1_and_2_is_accepted(ref):
    result = run_bytes("credits", lines(CREDITS, f"{ref},1,Diagnostic Assessment for Block 1,,2022-02-05,self-report"))
    assert result.ok, result.errors
    assert result.created == 1


def test_an_unknown_source_is_refused():
    errors = refused("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,,2022-10-05,email")
    assert errors == ["row 2: source: 'email' is not one of platform, self-report"]


def test_credits_above_the_activity_value_are_refused():
    errors = refused("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,3,2022-10-05,platform")
    assert errors == ["row 2: credits: 3 is outside 0..2 for 'Diagnostic Assessment for Block 1'"]


def test_negative_credits_are_refused():
    errors = refused("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,-1,2022-10-05,platform")
    assert errors == ["row 2: credits: -1 is outside 0..2 for 'Diagnostic Assessment for Block 1'"]


def test_credits_that_are_not_a_whole_number_are_refused():
    errors = refused("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,1.5,2022-10-05,platform")
    assert errors == ["row 2: credits: '1.5' is not a whole number"]


def test_credits_for_an_activity_still_tbc_are_refused():
    errors = refused("credits", CREDITS, "L3,2,TBC,1,2023-01-05,platform")
    assert errors == ["row 2: activity: the credits of 'TBC' are still TBC"]


def test_an_unknown_participant_is_refused():
    errors = refused("credits", CREDITS, "NOBODY,1,Survey,,2022-10-05,platform")
    assert errors == ["row 2: participant_id: 'NOBODY' is not a known participant"]


def test_an_empty_participant_id_is_refused():
    assert refused("credits", CREDITS, ",1,Survey,,2022-10-05,platform") == [
        "row 2: participant_id: a participant_id is required"]


@pytest.mark.parametrize("bad", ["2023-02-30", "31/13/2022", "yesterday", "2022/10/05", "10-05-2022"])
def test_a_date_that_is_not_a_date_is_refused(bad):
    errors = refused("credits", CREDITS, f"P3,1,Survey,,{bad},platform")
    assert errors == [f"row 2: completed_on: '{bad}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"]


def test_a_missing_date_is_refused():
    assert refused("credits", CREDITS, "P3,1,Survey,,,platform") == ["row 2: completed_on: a date is required"]


def test_row_numbers_count_the_header_as_row_1():
    errors = refused(
        "credits", CREDITS,
        "P3,1,Survey,,2022-10-05,platform",
        "P3,1,Diagnostic Assessment for Block 1,,2022-10-05,platform",
        "NOBODY,1,Survey,,2022-10-05,platform",
        "P3,1,Survey,,2022-10-06,platform",
        "P3,1,Survey,9,2022-10-07,platform",
    )
    assert errors == [
        "row 4: participant_id: 'NOBODY' is not a known participant",
        "row 6: credits: 9 is outside 0..1 for 'Survey'",
    ]


def test_a_blank_line_keeps_its_row_number_so_the_user_finds_the_row_in_a_spreadsheet():
    errors = refused("credits", CREDITS, "P3,1,Survey,,2022-10-05,platform", "", "NOBODY,1,Survey,,2022-10-05,")
    assert errors == ["row 4: participant_id: 'NOBODY' is not a known participant"]


def test_one_bad_row_among_good_ones_writes_nothing():
    good = [f"P3,1,Survey,,2022-10-{day:02d},platform" for day in range(1, 20)]
    errors = refused("credits", CREDITS, *good[:10], "P3,1,Survey,,2099-01-01,platform", *good[10:])
    assert errors == ["row 12: completed_on: 2099-01-01 is in the future"]


def test_a_missing_column_is_refused():
    header = "participant_id,block,activity,credits,source"
    assert refused("credits", header, "P3,1,Survey,,platform") == [
        "row 1: missing column: completed_on", "headings found: participant_id, block, activity, credits, source"]


def test_several_missing_columns_are_all_named():
    assert refused("credits", "participant_id,credits", "P3,1") == [
        "row 1: missing columns: block, activity, completed_on", "headings found: participant_id, credits"]


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused():
    before = snapshot()
    result = run_bytes("credits", lines(CREDITS, "P3,1,Survey,,2022-10-05,platform"), "credits.txt")
    assert result.errors == ["credits.txt: expected a .csv or .xlsx file"]
    assert snapshot() == before


def test_an_empty_file_is_refused():
    before = snapshot()
    result = run_bytes("credits", b"")
    assert result.errors == ["the file is empty: a header row is required"]
    assert snapshot() == before


def test_conflicting_duplicate_rows_in_one_file_are_refused():
    errors = refused("credits", CREDITS, "P3,1,Diagnostic Assessment for Block 1,1,2022-10-05,platform",
                     "P3,1,Diagnostic Assessment for Block 1,2,2022-10-05,platform")
    assert errors == [
        "row 3: credits: an earlier row has the same participant_id, activity_id, completed_on with different values"]


# attendance


def test_an_event_that_is_not_a_training_event_is_refused():
    errors = refused("attendance", ATTENDANCE, "P3,1,F2F Training Sessions Survey,2022-10-05,attended,")
    assert errors == [
        "row 2: event: 'F2F Training Sessions Survey' is not a training event (F2F session or live webinar)"]


def test_an_event_of_another_block_is_refused():
    errors = refused("attendance", ATTENDANCE, "P3,3,NPQLT F2F Training Session,2022-10-05,attended,")
    assert errors == ["row 2: event: 'NPQLT F2F Training Session' is not an activity of NPQLT block 3"]


def test_an_event_of_another_course_is_refused():
    errors = refused("attendance", ATTENDANCE, "P3,1,NPQSL Live Webinar,2022-10-05,attended,")
    assert errors == ["row 2: event: 'NPQSL Live Webinar' is not an activity of NPQLT block 1"]


def test_an_unknown_attendance_mark_is_refused():
    errors = refused("attendance", ATTENDANCE, "P3,1,NPQLT Live Webinar,2022-10-05,late,")
    assert errors == ["row 2: attendance: 'late' is not one of attended, absent, contingency"]


def test_a_session_date_after_today_is_refused():
    errors = refused("attendance", ATTENDANCE, "P3,1,NPQLT Live Webinar,30/11/2026,attended,")
    assert errors == ["row 2: session_date: 2026-11-30 is in the future"]


# video views


@pytest.mark.parametrize("percent, message", [
    ("100.5", "100.5 is not between 0 and 100"),
    ("-1", "-1 is not between 0 and 100"),
    ("lots", "'lots' is not a number"),
    ("nan", "nan is not between 0 and 100"),
])
def test_a_percent_outside_0_to_100_is_refused(percent, message):
    assert refused("video-views", VIDEO_VIEWS, f"P3,1,{percent},2022-10-05") == [f"row 2: percent_watched: {message}"]


def test_a_video_view_of_a_block_the_course_does_not_have_is_refused():
    assert refused("video-views", VIDEO_VIEWS, "H3,5,95,2022-10-05") == ["row 2: block: NPQSL has no block 5"]


def test_a_video_view_after_today_is_refused():
    assert refused("video-views", VIDEO_VIEWS, "P3,1,95,2027-01-01") == ["row 2: viewed_on: 2027-01-01 is in the future"]


# assessments


def test_an_unknown_assessment_status_is_refused():
    assert refused("assessments", ASSESSMENTS, "P3,graded,pass,2024-01-05") == [
        "row 2: status: 'graded' is not one of not-submitted, submitted, marked, moderated"]


def test_an_unknown_assessment_result_is_refused():
    assert refused("assessments", ASSESSMENTS, "P3,moderated,merit,2024-01-05") == [
        "row 2: result: 'merit' is not one of pass, fail"]


def test_a_result_before_marking_is_refused():
    assert refused("assessments", ASSESSMENTS, "P3,submitted,pass,2024-01-05") == [
        "row 2: result: a result needs status marked or moderated, not submitted"]


def test_an_assessment_recorded_after_today_is_refused():
    assert refused("assessments", ASSESSMENTS, "P3,moderated,pass,2026-11-25") == [
        "row 2: recorded_on: 2026-11-25 is in the future"]


# participants

ROW = "N1,Nia Jones,nia@example.org,NORTH,{course},{cohort},{contract},{sponsorship},{status}"


def participant(course="NPQLT", cohort="3", contract="yes", sponsorship="yes", status="active"):
    return ROW.format(course=course, cohort=cohort, contract=contract, sponsorship=sponsorship, status=status)


def test_an_unknown_course_is_refused():
    errors = refused("participants", PARTICIPANT_HEADER, participant(course="NPQXYZ"))
    assert errors == ["row 2: course: 'NPQXYZ' is not one of EHCO, NPQEYL, NPQH, NPQLBC, NPQLL, NPQLT, NPQLTD, NPQSL"]


@pytest.mark.parametrize("course", ["NPQLL", "NPQEYL", "EHCO"])
def test_a_course_not_offered_in_cohort_1_is_refused(course):
    errors = refused("participants", PARTICIPANT_HEADER, participant(course=course, cohort="1"))
    assert errors == [f"row 2: cohort: {course} is not offered in cohort 1 (offered in cohorts 3 4)"]


@pytest.mark.parametrize("cohort, message", [
    ("5", "NPQLT is not offered in cohort 5 (offered in cohorts 1 2 3 4)"),
    ("three", "'three' is not a whole number"),
])
def test_a_cohort_that_does_not_exist_is_refused(cohort, message):
    assert refused("participants", PARTICIPANT_HEADER, participant(cohort=cohort)) == [f"row 2: cohort: {message}"]


@pytest.mark.parametrize("column", ["contract", "sponsorship"])
def test_a_yes_no_column_that_is_neither_is_refused(column):
    errors = refused("participants", PARTICIPANT_HEADER, participant(**{column: "maybe"}))
    name = {"contract": "school_contract_signed", "sponsorship": "sponsorship_agreement_signed"}[column]
    assert errors == [f"row 2: {name}: 'maybe' is not yes, no or the date it was signed"]


def test_an_unknown_participant_status_is_refused():
    assert refused("participants", PARTICIPANT_HEADER, participant(status="paused")) == [
        "row 2: status: 'paused' is not one of active, deferred, withdrawn"]


def test_an_email_that_is_not_an_email_is_refused():
    errors = refused("participants", PARTICIPANT_HEADER, "N1,Nia Jones,nia-at-example,NORTH,NPQLT,3,yes,yes,")
    assert errors == ["row 2: email: 'nia-at-example' is not an email address: an email address must have an @-sign"]


def test_a_course_change_for_a_participant_with_evidence_is_refused():
    assert run_bytes("credits", lines(CREDITS, "P3,1,Survey,,2022-10-05,platform")).ok
    errors = refused("participants", PARTICIPANT_HEADER, "P3,Name P3,p3@example.org,NORTH,NPQSL,3,yes,yes,active")
    assert errors == ["row 2: course: participant P3 has evidence recorded, so cannot change course"]
