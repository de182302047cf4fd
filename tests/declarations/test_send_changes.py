"""`flask dfe send-changes` against the stand-in of DfE over real HTTP on loopback: DfE is told of
confirmed withdrawals, deferrals, returns, moves and changed outcomes, once, and its refusals are kept."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from tracker.escalation.deferrals import defer, return_from_deferral
from tracker.escalation.withdrawals import confirm_withdrawal, propose_withdrawal
from tracker.extensions import db
from tracker.models import AssessmentRecord, DeclarationRecord, DfeChange, Participant
from tracker.models.dfe import DfeEnrolment

from ..factories import dfe_id
from ..test_cli import AS_OF, examples  # noqa: F401  (fixtures)
from .stand_in import dfe  # noqa: F401  (fixture)

NOT_STARTED = ("An NPQ participant who has not got a started declaration cannot be withdrawn. Please contact support "
               "for assistance")


def person(ref: str) -> Participant:
    return db.session.scalar(select(Participant).where(Participant.participant_id == ref))


def withdraw(ref: str, reason="change-in-school-leadership") -> None:
    proposal = propose_withdrawal(person(ref), reason=reason, withdrawn_on=date(2024, 8, 1), note="",
                                  actor="dp@example.org", today=date(2026, 11, 24))
    confirm_withdrawal(proposal, note="", actor="edt@example.org")
    db.session.commit()


def at_dfe(dfe, ref: str) -> dict:  # noqa: F811
    """The participant's enrolment as DfE's GET participants/npq/{id} lists it."""
    return dfe.participant(dfe_id(ref))["attributes"]["npq_enrolments"][0]


def changes_sent(dfe) -> list[tuple[str, str]]:  # noqa: F811
    return [(r["method"], r["path"].rsplit("/", 1)[1]) for r in dfe.received if "/participants/npq/" in r["path"]]


def test_a_withdrawal_before_a_started_declaration_is_refused_with_dfes_words_then_sent_once(examples, dfe):  # noqa: F811
    withdraw("EX000")
    result = examples("dfe", "send-changes")
    assert result.exit_code == 1, result.output
    assert f"EX000 withdraw: refused: {NOT_STARTED}" in result.stderr
    refused = db.session.scalar(select(DfeChange).where(DfeChange.participant_id == person("EX000").id))
    assert (refused.action, refused.result, refused.answer) == ("withdraw", "refused", NOT_STARTED)
    assert "withdraw: not sent: no withdrawal was confirmed in the tracker" in result.stderr  # status from the file
    assert examples("declarations", "submit", "--as-of", AS_OF).exit_code == 0
    result = examples("dfe", "send-changes")
    assert result.exit_code == 0, result.output
    assert "EX000 withdraw: sent: withdrawn" in result.stdout
    sent = [r for r in dfe.received if r["path"].endswith(f"/participants/npq/{dfe_id('EX000')}/withdraw")][-1]
    assert sent["method"] == "PUT" and sent["body"] == {"data": {"type": "participant-withdraw", "attributes": {
        "course_identifier": "npq-leading-teaching-development", "reason": "change-in-school-leadership"}}}
    assert at_dfe(dfe, "EX000")["training_status"] == "withdrawn"
    assert at_dfe(dfe, "EX000")["withdrawal"]["reason"] == "change-in-school-leadership"
    assert person("EX000").dfe_training_status == "withdrawn"
    before = len(changes_sent(dfe))
    again = examples("dfe", "send-changes")
    assert again.exit_code == 0 and "EX000" not in again.output
    assert len(changes_sent(dfe)) == before  # nothing sent twice


def test_a_deferral_with_dfes_reason_then_the_return_and_a_move_to_a_later_cohort(examples, dfe):  # noqa: F811
    assert examples("declarations", "submit", "--as-of", AS_OF).exit_code == 0
    p = person("EX000")
    defer(p, deferred_on=date(2024, 9, 1), note="", actor="edt@example.org", today=date(2026, 11, 24),
          reason="parental-leave")
    db.session.commit()
    result = examples("dfe", "send-changes")
    assert "EX000 defer: sent: deferred" in result.stdout, result.output
    assert at_dfe(dfe, "EX000")["deferral"]["reason"] == "parental-leave"
    return_from_deferral(person("EX000"), returned_on=date(2025, 9, 1), note="", actor="edt@example.org",
                         today=date(2026, 11, 24), to_cohort=4)
    db.session.commit()
    result = examples("dfe", "send-changes")
    assert result.exit_code == 1, result.output
    assert "EX000 resume: sent: active" in result.stdout
    # cohort 4 is DfE's 2022 spring schedule: EX000's declarations are dated before it starts
    assert ("EX000 change-schedule: refused: Changing schedule would invalidate existing declarations. Please void "
            "them first.") in result.stderr
    for dfe_declaration, held in dfe.declarations.items():
        if held["attributes"]["participant_id"] == dfe_id("EX000"):
            dfe.set_state(dfe_declaration, "voided")
    result = examples("dfe", "send-changes")
    assert "EX000 change-schedule: sent: on npq-specialist-spring, cohort 2022" in result.stdout, result.output
    assert "EX000 resume" not in result.output
    enrolment = at_dfe(dfe, "EX000")
    assert (enrolment["training_status"], enrolment["schedule_identifier"], enrolment["cohort"]) == (
        "active", "npq-specialist-spring", "2022")
    assert (person("EX000").dfe_schedule_identifier, person("EX000").dfe_cohort) == ("npq-specialist-spring", 2022)
    assert "EX000" not in examples("dfe", "send-changes").output


def test_a_lost_answer_is_sent_again_and_dfes_already_is_taken_as_held(examples, dfe):  # noqa: F811
    assert examples("declarations", "submit", "--as-of", AS_OF).exit_code == 0
    withdraw("EX000")
    dfe.enrolment(dfe_id("EX000"), "npq-leading-teaching-development")["training_status"] = "withdrawn"  # DfE did it
    result = examples("dfe", "send-changes")  # but its answer never came: the tracker asks again
    assert result.exit_code == 0, result.output
    assert "EX000 withdraw: sent: DfE already held it (withdrawn)" in result.stdout
    assert person("EX000").dfe_training_status == "withdrawn"


def test_an_outcome_changed_after_the_completed_declaration_is_sent(examples, dfe):  # noqa: F811
    p, course = person("EX000"), "npq-leading-teaching-development"
    dfe.declarations["d-1"] = {"attributes": {"participant_id": dfe_id("EX000"), "declaration_type": "completed",
                                              "course_identifier": course, "declaration_date": "2024-07-01T00:00:00Z",
                                              "has_passed": True, "state": "eligible"},
                               "updated_at": datetime.now(timezone.utc), "order": 0}
    db.session.add(DeclarationRecord(participant_id=p.id, declaration_type="completed", course_identifier=course,
                                     declaration_date=date(2024, 7, 1), state="eligible", updated_at=datetime.now(),
                                     current=True, dfe_id="d-1", note="", has_passed=True))
    db.session.add(AssessmentRecord(participant_id=p.id, status="moderated", result="fail", recorded_on=date(2026, 10, 1)))
    db.session.commit()
    result = examples("dfe", "send-changes")
    assert "EX000 outcome: sent: outcome failed on 2026-10-01" in result.stdout, result.output
    sent = [r for r in dfe.received if r["path"].endswith("/outcomes")][-1]
    assert sent["method"] == "POST" and sent["body"] == {"data": {"type": "npq-outcome-confirmation", "attributes": {
        "course_identifier": course, "state": "failed", "completion_date": "2026-10-01"}}}
    assert dfe.declarations["d-1"]["attributes"]["has_passed"] is False
    assert "EX000 outcome" not in examples("dfe", "send-changes").output


def test_refresh_matches_a_record_held_without_dfes_id_by_participant_course_and_type_and_keeps_the_statement(
        examples, dfe):  # noqa: F811
    assert examples("declarations", "submit", "--as-of", AS_OF).exit_code == 0
    record = db.session.scalars(select(DeclarationRecord).where(DeclarationRecord.declaration_type == "started")
                                .order_by(DeclarationRecord.id)).first()
    dfe_declaration = record.dfe_id
    record.dfe_id = None  # as a states file without DfE's id records it, or an answer lost and never looked up
    db.session.commit()
    dfe.declarations[dfe_declaration]["attributes"]["statement_id"] = "statement-2024-09"
    dfe.set_state(dfe_declaration, "eligible")
    result = examples("declarations", "refresh")
    assert result.exit_code == 0, result.output
    assert dfe_declaration not in result.stderr  # matched, not "not one the tracker sent"
    record = db.session.get(DeclarationRecord, record.id)
    assert (record.dfe_id, record.state, record.statement_id) == (dfe_declaration, "eligible", "statement-2024-09")


def test_a_withdrawal_sent_to_dfe_shows_in_what_dfe_sync_reads_next(examples, dfe):  # noqa: F811
    p, course = person("EX000"), "npq-leading-teaching-development"
    schedule = f"npq-specialist-{'autumn' if p.cohort in (1, 3) else 'spring'}"
    dfe.enrol(p.full_name, p.email, course, dfe_id=dfe_id("EX000"), schedule=schedule,
              cohort=2021 if p.cohort in (1, 2) else 2022)
    assert examples("dfe", "sync").exit_code == 0

    def kept() -> DfeEnrolment:
        return db.session.scalar(select(DfeEnrolment).where(DfeEnrolment.dfe_participant_id == dfe_id("EX000")))
    assert (kept().participant_id, kept().training_status) == (p.id, "active")
    assert examples("declarations", "submit", "--as-of", AS_OF).exit_code == 0
    withdraw("EX000")
    assert "EX000 withdraw: sent: withdrawn" in examples("dfe", "send-changes").stdout
    result = examples("dfe", "sync")
    assert result.exit_code == 0, result.output
    asked = [r for r in dfe.received if r["path"].endswith("participants/npq")][-1]
    assert "filter[updated_since]" in asked["query"]  # only what changed since the first sync: the withdrawal
    assert (kept().participant_id, kept().training_status) == (p.id, "withdrawn")
