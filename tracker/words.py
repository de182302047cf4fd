"""The words the tracker shows for its stored codes, for pages, exports and the PDF alike.

One home: a status, an escalation state, a register mark, an evidence basis, a contact, a
withdrawal, an assessment or an audit action reads the same wherever it is shown.
"""
from __future__ import annotations

from .models.escalation import CONFIRMED, DECLINED, PROPOSED
from .rules.facts import ABSENT, ASSESSMENT_STATUSES, ATTENDED, CONTINGENCY, DEFERRED, WITHDRAWN
from .rules.status import (
    BLOCKED, CRITERIA_PENDING, DUE_SOON, ESCALATED, EXTENDED, MET, MET_LATE, NONE, NOT_MET, PENDING,
    TOTAL_UNKNOWN, WINDOW,
)


def words(value: str) -> str:
    """A stored code as words: "no-response" -> "No response"."""
    text = value.replace("-", " ")
    return text[:1].upper() + text[1:]


STATUS_LABELS = {
    MET: "Met",
    MET_LATE: "Met late",
    BLOCKED: "Blocked",
    PENDING: "Pending",
    NOT_MET: "Not met",
    TOTAL_UNKNOWN: "Total unknown",
    CRITERIA_PENDING: "Criteria pending",
}
ESCALATION_LABELS = {
    NONE: "None",
    DUE_SOON: "Due soon",
    WINDOW: "In the window",
    EXTENDED: "Extended",
    ESCALATED: "Escalated",
    DEFERRED: "Deferred",
    WITHDRAWN: "Withdrawn",
}
MARK_LABELS = {ATTENDED: "Attended", ABSENT: "Absent", CONTINGENCY: "Contingency activity"}
NOT_MARKED = "Not marked"
BASIS_LABELS = {
    "register": "Facilitator register",
    "self-study": "Self-study",
    "progress": "Credit progress",
    "video": "Video introduction (90% watched)",
    "credits-90": "90% of course credits",
    "assessment": "Assessment marked and moderated",
}
ASSESSMENT_STATUS_LABELS = {status: words(status) for status in ASSESSMENT_STATUSES}
ASSESSMENT_RESULT_LABELS = {"pass": "Pass", "fail": "Fail", "": "No result yet"}

CONTACT_METHOD_LABELS = {
    "email": "Email",
    "phone": "Phone call",
    "in-person": "In person",
    "video-call": "Video call",
    "letter": "Letter",
}
CONTACT_OUTCOME_LABELS = {
    "no-response": "No response",
    "spoke-to-participant": "Spoke to the participant",
    "agreed-plan": "Agreed a plan to catch up",
    "requested-deferral": "The participant asked to defer",
    "other": "Other",
}
# DfE's withdrawal reasons, worded as the lead provider API guidance describes them.
WITHDRAWAL_REASON_LABELS = {
    "insufficient-capacity-to-undertake-programme": "Insufficient capacity to undertake the programme",
    "personal-reason-health-or-pregnancy-related": "Personal reason: health or pregnancy related",
    "personal-reason-moving-school": "Personal reason: moving school",
    "personal-reason-other": "Personal reason: other",
    "insufficient-capacity": "Insufficient capacity",
    "change-in-developmental-or-personal-priorities": "Change in developmental or personal priorities",
    "change-in-school-circumstances": "Change in school circumstances",
    "change-in-school-leadership": "Change in school leadership",
    "quality-of-programme-other": "Quality of the programme: other",
    "other": "Other",
}
WITHDRAWAL_STATE_LABELS = {PROPOSED: "Proposed", CONFIRMED: "Confirmed", DECLINED: "Declined"}

# Audit actions as the audit trail shows them, before the entity: "Update course NPQLT".
AUDIT_ACTION_LABELS = {
    "agree-extension": "Agree-extension",
    "change-status": "Change-status",
    "confirm-withdrawal": "Confirm-withdrawal",
    "create": "Create",
    "declaration-state": "Declaration-state",
    "decline-withdrawal": "Decline-withdrawal",
    "defer": "Defer",
    "import": "Import",
    "invite": "Invite",
    "log-contact": "Log-contact",
    "propose-withdrawal": "Propose-withdrawal",
    "return-from-deferral": "Return-from-deferral",
    "update": "Update",
}


def audit_action(action: str) -> str:
    return AUDIT_ACTION_LABELS.get(action) or action.capitalize()


def label(labels: dict[str, str], value: str | None) -> str:
    """The word for a code, or the code in words when it has none of its own."""
    if value is None:
        return ""
    return labels.get(value) or words(value)
