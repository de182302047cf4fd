"""Readable names for the stored codes, for forms and pages."""
from __future__ import annotations

from ..models.escalation import CONFIRMED, DECLINED, PROPOSED

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
