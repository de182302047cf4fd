"""EDT adds a participant DfE has and the tracker does not ("Add to the tracker" on the DfE page):
made from DfE's enrolment, with DfE's id, for the partner EDT chooses; audited."""
from __future__ import annotations

from sqlalchemy import select

from ..audit import record as audit
from ..extensions import db
from ..imports.reports.text import email_key
from ..models import Cohort, Course, DeliveryPartner, Participant
from ..models.dfe import DfeEnrolment
from ..models.people import participant_id_is
from ..refusal import Refusal
from ..rules.dfe_schedules import cohort_of_start
from ..rules.facts import PARTICIPANT_STATUSES
from .sync import take


def tracker_cohort(enrolment: DfeEnrolment, course: Course) -> int | None:
    """The tracker's cohort of DfE's enrolment: one the course runs in, starting in DfE's cohort year,
    on DfE's schedule when DfE names one (a February cohort is on the spring schedule)."""
    for cohort in db.session.scalars(select(Cohort).order_by(Cohort.number)):
        if cohort.number not in course.cohort_numbers or cohort_of_start(cohort.start_date) != enrolment.cohort:
            continue
        if enrolment.schedule_identifier in (None, cohort.specialist_schedule, cohort.leadership_schedule) or (
                course.course_group not in ("specialist", "leadership")):
            return cohort.number
    return None


def add_to_tracker(enrolment: DfeEnrolment, partner: DeliveryPartner, participant_id: str, actor: str) -> Participant:
    """Refuses, in words, what the tracker cannot hold; the caller commits."""
    ref = participant_id.strip()
    if not ref:
        raise Refusal("participant_id", "Enter the participant ID the tracker will know them by")
    if db.session.scalar(select(Participant.id).where(participant_id_is(ref))) is not None:
        raise Refusal("participant_id", f"{ref} is already a participant: choose another participant ID")
    if enrolment.participant_id is not None:
        raise Refusal(None, f"{enrolment.full_name}'s {enrolment.course_identifier} is already in the tracker")
    if not enrolment.email or not email_key(enrolment.email):
        raise Refusal(None, f"DfE holds no email address for {enrolment.full_name}: add them with a participants file")
    course = db.session.scalar(select(Course).where(Course.dfe_identifier == enrolment.course_identifier))
    if course is None:
        raise Refusal(None, f"The tracker has no course for DfE's {enrolment.course_identifier}")
    cohort = tracker_cohort(enrolment, course)
    if cohort is None:
        raise Refusal(None, f"No cohort of {course.code} in the tracker matches DfE's cohort {enrolment.cohort} "
                            f"({enrolment.schedule_identifier or 'no schedule'}): add them with a participants file")
    status = enrolment.training_status if enrolment.training_status in PARTICIPANT_STATUSES else "active"
    participant = Participant(participant_id=ref, full_name=enrolment.full_name, email=enrolment.email.strip(),
                              partner_id=partner.id, course_id=course.id, cohort=cohort, school_contract_signed=False,
                              sponsorship_agreement_signed=False, status=status)
    db.session.add(participant)
    db.session.flush()
    audit(actor, "create", "participant", ref, participant_id=participant.id, after={
        "full_name": participant.full_name, "email": participant.email, "partner": partner.code,
        "course_id": course.code, "cohort": cohort, "status": status, "source": "DfE's list of participants"})
    take(participant, enrolment, actor)
    enrolment.participant_id = participant.id
    return participant
