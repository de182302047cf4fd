"""What DfE must be told of a participant so that its enrolment matches the tracker's decisions
(DOMAIN.md "DfE declarations"; shared/dfe/README.md, section 2, "Participants" and "Outcomes").

The tracker compares what it holds (the participant's status, the withdrawal EDT confirmed with its
reason, the open deferral with its reason, a move to a later cohort, the latest moderated result)
with what DfE holds (the enrolment's training status, schedule and cohort, the outcome of the
completed declaration) and returns the requests that would bring DfE level: the net change, not
the history (a deferral already ended is not told). A change the tracker cannot send says why.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dfe_schedules import COURSE_GROUP, LEADERSHIP, SPECIALIST

WITHDRAW, DEFER, RESUME, CHANGE_SCHEDULE, OUTCOME = "withdraw", "defer", "resume", "change-schedule", "outcome"
ACTIONS = (WITHDRAW, DEFER, RESUME, CHANGE_SCHEDULE, OUTCOME)
ACTIVE, DEFERRED, WITHDRAWN = "active", "deferred", "withdrawn"
BODY_TYPES = {WITHDRAW: "participant-withdraw", DEFER: "participant-defer", RESUME: "participant-resume",
              CHANGE_SCHEDULE: "participant-change-schedule", OUTCOME: "npq-outcome-confirmation"}
# DfE's withdrawal reasons, all 21 (the dot is part of one value)
DFE_WITHDRAWAL_REASONS = (
    "insufficient-capacity-to-undertake-programme", "personal-reason-health-or-pregnancy-related",
    "personal-reason-moving-school", "personal-reason-other", "insufficient-capacity",
    "change-in-developmental-or-personal-priorities", "change-in-school-circumstances", "change-in-school-leadership",
    "quality-of-programme-structure-not-suitable.", "quality-of-programme-content-not-suitable",
    "quality-of-programme-facilitation-not-effective", "quality-of-programme-accessibility",
    "quality-of-programme-other", "programme-not-appropriate-for-role-and-cpd-needs", "started-in-error",
    "expected-commitment-unclear", "assessment-requirements-not-met", "change-in-career",
    "disengaged-and-unresponsive", "non-payment-of-invoice", "other")
DFE_DEFERRAL_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")
# DfE's refusals that mean it already holds what was asked (a repeat after a lost answer)
ALREADY = {WITHDRAW: "The participant is already withdrawn", DEFER: "The participant is already deferred",
           RESUME: "The participant is already active",
           CHANGE_SCHEDULE: "The participant already has the specified schedule"}
HOLDS = {WITHDRAW: WITHDRAWN, DEFER: DEFERRED, RESUME: ACTIVE}  # the training status DfE holds after each
WORDS = {WITHDRAW: "withdrawal", DEFER: "deferral", RESUME: "return", CHANGE_SCHEDULE: "move of cohort or schedule",
         OUTCOME: "outcome"}


@dataclass(frozen=True)
class Standing:
    """One participant as the tracker holds them and as DfE holds them (None: not known)."""

    dfe_participant_id: str | None
    course_identifier: str
    status: str  # the tracker's: active, deferred, withdrawn
    dfe_status: str | None  # DfE's training status; None: never read, so DfE's own default, active
    withdrawal_reason: str | None = None  # of the withdrawal EDT confirmed
    withdrawn: bool = False  # a withdrawal was confirmed (status withdrawn may come from a file)
    deferral_reason: str | None = None  # of the open deferral
    deferred: bool = False  # a deferral is recorded (status deferred may come from a file)
    move: tuple[str, int] | None = None  # (schedule, DfE cohort year) EDT moved the participant to
    dfe_schedule: str | None = None
    dfe_cohort: int | None = None
    has_passed: bool | None = None  # the latest moderated result
    completed_on: date | None = None  # the day that result was recorded
    dfe_has_passed: bool | None = None  # the outcome DfE holds on the completed declaration
    completed_declared: bool = False  # DfE holds a completed declaration (not voided)


@dataclass(frozen=True)
class Change:
    action: str
    attributes: dict
    held: str = ""  # why the tracker cannot send it; "" when it can

    @property
    def body(self) -> dict:
        return {"data": {"type": BODY_TYPES[self.action], "attributes": self.attributes}}

    def path(self, dfe_participant_id: str) -> tuple[str, str]:
        """(method, path under DfE's API)."""
        if self.action == OUTCOME:
            return "POST", f"participants/npq/{dfe_participant_id}/outcomes"
        return "PUT", f"participants/npq/{dfe_participant_id}/{self.action}"


def changes(s: Standing) -> list[Change]:
    """What DfE must be told, in the order to send it: the training status, then a move, then an outcome."""
    found = _status(s)
    if s.move is not None and s.status != WITHDRAWN and s.move != (s.dfe_schedule, s.dfe_cohort):
        schedule, cohort = s.move
        attributes = {"course_identifier": s.course_identifier, "schedule_identifier": schedule}
        if cohort != s.dfe_cohort:
            attributes["cohort"] = str(cohort)
        found.append(Change(CHANGE_SCHEDULE, attributes))
    if (s.completed_declared and s.has_passed is not None and s.dfe_has_passed is not None
            and s.has_passed != s.dfe_has_passed and COURSE_GROUP.get(s.course_identifier) in (LEADERSHIP, SPECIALIST)):
        found.append(Change(OUTCOME, {"course_identifier": s.course_identifier,
                                      "state": "passed" if s.has_passed else "failed",
                                      "completion_date": s.completed_on.isoformat() if s.completed_on else None}))
    if not s.dfe_participant_id:
        return [Change(c.action, c.attributes, "the participant has no DfE participant id") for c in found]
    return found


def _status(s: Standing) -> list[Change]:
    held = s.dfe_status or ACTIVE
    course = {"course_identifier": s.course_identifier}
    if s.status == held:
        return []
    if s.status == WITHDRAWN:
        if not s.withdrawn:
            return [Change(WITHDRAW, course, "no withdrawal was confirmed in the tracker (the status came from a "
                                             "file), so there is no reason to give DfE")]
        if s.withdrawal_reason not in DFE_WITHDRAWAL_REASONS:
            return [Change(WITHDRAW, course, f"the withdrawal's reason '{s.withdrawal_reason}' is not one of DfE's")]
        return [Change(WITHDRAW, {**course, "reason": s.withdrawal_reason})]
    if s.status == DEFERRED:
        if held == WITHDRAWN:
            return [Change(DEFER, course, "DfE holds the participant as withdrawn, and DfE cannot defer a withdrawn "
                                          "participant")]
        if not s.deferred:
            return [Change(DEFER, course, "no deferral was recorded in the tracker (the status came from a file), "
                                          "so there is no reason to give DfE")]
        if s.deferral_reason not in DFE_DEFERRAL_REASONS:
            return [Change(DEFER, course, "the deferral has no reason from DfE's list: give one on the "
                                          "participant's deferral page")]
        return [Change(DEFER, {**course, "reason": s.deferral_reason})]
    return [Change(RESUME, course)]
