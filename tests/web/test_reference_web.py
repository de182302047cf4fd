"""EDT staff read course content and schedules; EDT admins correct and complete them, checked as the loader checks."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from tracker.engagement.book import Book
from tracker.engagement.standing import participants_query, standings
from tracker.extensions import db
from tracker.models import Activity, AuditEvent, Block, Course, OutputRecord, Participant, ScheduleOutput
from tracker.reference.loader import DATA, load_folder

from ..conftest import _empty_evidence
from ..factories import import_text


@pytest.fixture(autouse=True)
def shipped_reference_data_afterwards(session):
    """Reference tables outlive each test: put the shipped content, schedules and prices back."""
    yield
    db.session.rollback()
    _empty_evidence()
    load_folder(DATA, "tests")
    for course in db.session.scalars(select(Course)):
        course.price_per_teacher = None
    db.session.commit()


def activity_of(course: str, block: int, title: str) -> Activity:
    return db.session.scalar(
        select(Activity).join(Block, Activity.block_id == Block.id).join(Course, Block.course_id == Course.id)
        .where(Course.code == course, Block.number == block, Activity.title == title))


def schedule_row(cohort: int, group: str, output: int) -> ScheduleOutput:
    return db.session.scalar(select(ScheduleOutput).where(
        ScheduleOutput.cohort == cohort, ScheduleOutput.course_group == group, ScheduleOutput.number == output))


def status_of(ref: str, number: int, on: date):
    found = standings(on, participants_query().where(Participant.participant_id == ref))[0]
    return found.outputs[number - 1]


def audits(entity: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)).all()


def test_edt_staff_read_courses_blocks_and_tbc_content(as_edt_staff):
    page = as_edt_staff.get("/reference").get_data(as_text=True)
    assert "NPQLL" in page and "Cohort 4" in page
    page = as_edt_staff.get("/reference/NPQLL").get_data(as_text=True)
    assert "TBC: some content is not known yet" in page
    assert "No activities are published for this block yet" in page
    assert "Change" not in page  # staff read; only admins change


def test_partner_users_cannot_see_reference_pages(as_north_lead):
    assert as_north_lead.get("/reference").status_code == 403
    assert as_north_lead.get("/reference/NPQLT").status_code == 403


def test_edt_staff_cannot_change_reference_data(as_edt_staff):
    activity = activity_of("NPQLT", 1, "Survey")
    assert as_edt_staff.get(f"/reference/NPQLT/activities/{activity.id}").status_code == 403
    assert as_edt_staff.get("/reference/schedules/3/specialist/1").status_code == 403
    assert as_edt_staff.get("/reference/NPQLT/price").status_code == 403


def test_credits_that_break_the_blocks_printed_total_are_refused_and_change_nothing(as_edt_admin):
    activity = activity_of("NPQLT", 1, "Survey")
    url = f"/reference/NPQLT/activities/{activity.id}"
    response = as_edt_admin.post(url, {"title": "Survey", "duration": "5 minutes", "credits": "3",
                                       "block_total": "46", "course_total": "199"})
    assert response.status_code == 200
    assert "NPQLT block 1: activities add up to 48, printed total is 46" in response.get_data(as_text=True)
    db.session.expire_all()
    assert activity_of("NPQLT", 1, "Survey").credits == 1
    assert audits("activity") == []


def test_a_block_total_that_breaks_the_course_total_is_refused(as_edt_admin):
    activity = activity_of("NPQLT", 1, "Survey")
    response = as_edt_admin.post(f"/reference/NPQLT/activities/{activity.id}", {
        "title": "Survey", "duration": "5 minutes", "credits": "2", "block_total": "47", "course_total": "199"})
    assert "NPQLT: blocks add up to 200, printed course total is 199" in response.get_data(as_text=True)


def every_credit_up_to(ref: str, course: str, wanted: int, on: str, skip: int) -> tuple[str, ...]:
    """Credit rows worth exactly `wanted` credits of the course, leaving out activity `skip`."""
    rows, score = [], 0
    for activity in sorted(Book().by_code[course].activities.values(), key=lambda a: a.id):
        if activity.id == skip or not activity.credits or score == wanted:
            continue
        credits = min(activity.credits, wanted - score)
        score += credits
        out = io.StringIO()
        csv.writer(out).writerow([ref, activity.block.number, activity.title, credits, on])
        rows.append(out.getvalue().strip())
    assert score == wanted
    return tuple(rows)


def test_a_consistent_edit_is_saved_audited_and_recomputes_the_courses_participants(app, as_edt_admin, monkeypatch):
    """N001 has 179 of NPQLT's 199 credits: 1 short of 90%. One credit less in the course makes 179 enough."""
    monkeypatch.setitem(app.config, "TODAY", "2024-03-01")
    target = max((a for a in Book().by_code["NPQLT"].activities.values() if a.credits and a.credits >= 2
                  and a.block.number == 5), key=lambda a: a.position)
    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,1,NPQLT F2F Training Session,2022-11-01,attended").ok
    assert import_text("credits", "participant_id,block,activity,credits,completed_on",
                       *every_credit_up_to("N001", "NPQLT", 179, "2023-01-10", skip=target.id)).ok
    assert import_text("assessments", "participant_id,status,result,recorded_on", "N001,moderated,pass,2024-01-10").ok
    assert status_of("N001", 3, date(2024, 3, 1)).status == "not-met"

    response = as_edt_admin.post(f"/reference/NPQLT/activities/{target.id}", {
        "title": target.title, "duration": target.duration, "credits": str(target.credits - 1),
        "block_total": "46", "course_total": "198"})
    assert response.status_code == 302
    page = as_edt_admin.get("/reference/NPQLT").get_data(as_text=True)
    assert "saved. Outputs recomputed for 1 participant." in page
    final = status_of("N001", 3, date(2024, 3, 1))
    assert (final.status, final.met_on) == ("met", date(2024, 1, 10))
    assert [e.action for e in audits("activity")] == ["update"]
    assert '"printed_total": 46' in audits("block")[0].after
    assert '"printed_total": 198' in audits("course")[0].after
    assert '"printed_total": 199' in audits("course")[0].before


def test_completing_a_tbc_activity_and_adding_content_to_a_tbc_block(as_edt_admin):
    tbc = activity_of("NPQLL", 2, "TBC")
    response = as_edt_admin.post(f"/reference/NPQLL/activities/{tbc.id}", {
        "title": "Recorded webinars", "duration": "1 hour", "credits": "3", "block_total": "TBC", "course_total": "TBC"})
    assert response.status_code == 302
    assert activity_of("NPQLL", 2, "Recorded webinars").credits == 3
    response = as_edt_admin.post("/reference/NPQLL/blocks/3/activities/new", {
        "component": "self-study", "title": "Diagnostic Assessment for Block 3", "duration": "40 minutes",
        "credits": "2", "block_total": "", "course_total": ""})
    assert response.status_code == 302
    page = as_edt_admin.get("/reference/NPQLL").get_data(as_text=True)
    assert "Diagnostic Assessment for Block 3" in page
    assert [e.action for e in audits("activity")] == ["update", "create"]


def test_a_tbc_blocks_printed_total_must_match_its_activities(as_edt_admin):
    response = as_edt_admin.post("/reference/NPQLL/blocks/2/totals", {"block_total": "40", "course_total": "TBC"})
    assert "NPQLL block 2: printed total 40 but some credits are TBC" in response.get_data(as_text=True)
    assert db.session.scalar(select(Block.printed_total).join(Course).where(Course.code == "NPQLL", Block.number == 2)) is None


def test_an_activity_title_already_in_the_block_is_refused(as_edt_admin):
    response = as_edt_admin.post("/reference/NPQLT/blocks/1/activities/new", {
        "component": "podcast", "title": "survey", "duration": "5 minutes", "credits": "0",
        "block_total": "46", "course_total": "199"})
    assert "NPQLT block 1 already has an activity called &#39;Survey&#39;" in response.get_data(as_text=True)


def test_a_schedule_with_the_invoice_before_the_review_is_refused_naming_cohort_group_and_output(as_edt_admin):
    response = as_edt_admin.post("/reference/schedules/3/specialist/2", {
        "review_date": ["22", "7", "2023"], "invoice_date": ["1", "7", "2023"], "payment_date": ["22", "8", "2023"]})
    assert response.status_code == 200
    assert ("cohort 3 specialist output 2: review 2023-07-22, invoice sent 2023-07-01, payment 2023-08-22 "
            "are not in order") in response.get_data(as_text=True)
    db.session.expire_all()
    assert schedule_row(3, "specialist", 2).review_date == date(2023, 6, 22)
    assert audits("schedule_output") == []


def test_a_review_date_after_the_next_outputs_is_refused(as_edt_admin):
    response = as_edt_admin.post("/reference/schedules/3/specialist/1", {
        "review_date": ["1", "7", "2023"], "invoice_date": ["2", "7", "2023"], "payment_date": ["3", "7", "2023"]})
    assert "cohort 3 specialist output 2: review date 2023-06-22 is not after output 1&#39;s 2023-07-01" in (
        response.get_data(as_text=True))


def test_a_schedule_edit_recomputes_met_on_for_the_cohort_and_group(as_edt_admin):
    """N001's retention output rests on credits of 1 December 2022, after output 1's review of 24 November.
    Moving that review to 5 December leaves the credits before the anchor: output 2 is no longer met."""
    assert import_text("attendance", "participant_id,block,event,session_date,attendance",
                       "N001,1,NPQLT F2F Training Session,2022-11-01,attended").ok
    assert import_text("credits", "participant_id,block,activity,completed_on", "N001,1,Survey,2022-12-01").ok
    stored = lambda: db.session.scalar(select(OutputRecord.met_on).join(Participant).where(  # noqa: E731
        Participant.participant_id == "N001", OutputRecord.number == 2))
    assert stored() == date(2022, 12, 1)
    response = as_edt_admin.post("/reference/schedules/3/specialist/1", {
        "review_date": ["5", "12", "2022"], "invoice_date": ["16", "12", "2022"], "payment_date": ["16", "1", "2023"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert stored() is None
    assert schedule_row(3, "specialist", 1).review_date == date(2022, 12, 5)
    event = audits("schedule_output")[0]
    assert '"review_date": "2022-11-24"' in event.before and '"review_date": "2022-12-05"' in event.after


def test_admins_set_a_courses_price_per_teacher_audited(as_edt_admin):
    assert as_edt_admin.post("/reference/NPQSL/price", {"price": "£1,250.50"}).status_code == 302
    assert db.session.scalar(select(Course.price_per_teacher).where(Course.code == "NPQSL")) == 1250.5
    assert "£1,250.50" in as_edt_admin.get("/reference/NPQSL").get_data(as_text=True)
    assert '"price_per_teacher": "1250.50"' in audits("course")[0].after
    page = as_edt_admin.post("/reference/NPQSL/price", {"price": "lots"}).get_data(as_text=True)
    assert "Price per teacher must be an amount in pounds" in page


def test_an_admin_moves_a_cohort_start_and_it_is_audited(as_edt_admin):
    from tracker.models import Cohort

    assert "Course start 1 Oct 2022" in as_edt_admin.get("/reference").get_data(as_text=True) or \
        "Course start" in as_edt_admin.get("/reference").get_data(as_text=True)
    response = as_edt_admin.post("/reference/cohorts/3/start", {"start_date": ["3", "10", "2022"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, 3).start_date == date(2022, 10, 3)
    assert '"start_date": "2022-10-03"' in audits("cohort")[0].after


def test_a_start_moved_after_recorded_evidence_is_refused_saying_how_many(as_edt_admin):
    from tracker.models import Cohort

    assert import_text("credits", "participant_id,block,activity,completed_on", "N001,1,Survey,2022-10-02").ok
    response = as_edt_admin.post("/reference/cohorts/3/start", {"start_date": ["3", "10", "2022"]})
    assert response.status_code == 200
    assert ("The start cannot move to 2022-10-03: 1 participant has evidence for cohort 3 dated before 2022-10-03"
            in response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Cohort, 3).start_date == date(2022, 10, 1)
    assert audits("cohort") == []


def test_edt_staff_cannot_move_a_cohort_start(as_edt_staff):
    assert as_edt_staff.get("/reference/cohorts/3/start").status_code == 403
