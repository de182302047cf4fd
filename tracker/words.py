"""The words the tracker shows for its stored codes, for pages, exports and the PDF alike.

One home: a status, an escalation state, a register mark, an evidence basis, a contact, a
withdrawal, an assessment or an audit action reads the same wherever it is shown.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from .formats import short_date
from .imports import kinds as import_kinds
from .models.escalation import CONFIRMED, DECLINED, PROPOSED
from .rules.facts import (ABSENT, ASSESSMENT_STATUSES, ATTENDED, CONTINGENCY, DEFERRED, FINAL, FIRST, RETENTION,
                          WITHDRAWN)
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

# What a participant reads (emails, the mail-merge file, the next step wherever it is shown): outputs
# as a teacher understands them, not the contract's names, and EDT's part said as EDT's, by the
# latest assessment status (None: none recorded).
OUTPUT_FOR_PARTICIPANT_LABELS = {
    FIRST: "starting your course",
    RETENTION: "keeping up with your course",
    FINAL: "completing your course and your assessment",
}
ASSESSMENT_STEP_LABELS = {
    None: "submit your assessment; EDT will record its result once it is marked and moderated",
    "not-submitted": "submit your assessment; EDT will record its result once it is marked and moderated",
    "submitted": "EDT will record your assessment result once it is marked and moderated",
    "marked": "EDT will record your assessment result once it is moderated",
    "moderated": "EDT will record your assessment result",
}

# The participants list's sort columns, as its note says them: "Sorted by escalation (most urgent first)".
PARTICIPANT_SORT_LABELS = {
    "participant": "participant ID",
    "partner": "delivery partner",
    "course": "course",
    "cohort": "cohort",
    **{f"output-{n}": f"Output {n}'s status" for n in range(1, 5)},
    "escalation": "escalation (most urgent first)",
}

# EDT's overview: each sortable column, as "Sorted by ..." says it
OVERVIEW_SORT_LABELS = {
    "risk": "risk (share escalated, then share behind, then outputs not met)",
    "partner": "delivery partner code",
    "participants": "participants",
    "escalated": "participants escalated",
    "window": "participants in the window",
    "extended": "participants on an extension",
    "not-met": "share of outputs not met",
    "expected": "expected payments",
}

CONTACT_METHOD_LABELS = {
    "email": "Email",
    "phone": "Phone call",
    "in-person": "In person",
    "video-call": "Video call",
    "letter": "Letter",
}
CONTACT_OUTCOME_LABELS = {
    "sent": "Sent",  # a message that went out, with no answer asked for yet (each next-step email)
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
    "change-in-developmental-or-personal-priorities": "Change in developmental or personal priorities",
    "change-in-school-circumstances": "Change in school circumstances",
    "change-in-school-leadership": "Change in school leadership",
    "quality-of-programme-other": "Quality of the programme: other",
    "other": "Other",
}
# DfE's deferral reasons (lead provider API, PUT .../defer), in words.
DEFERRAL_REASON_LABELS = {
    "bereavement": "Bereavement",
    "long-term-sickness": "Long-term sickness",
    "parental-leave": "Parental leave",
    "career-break": "Career break",
    "other": "Other",
}
WITHDRAWAL_STATE_LABELS = {PROPOSED: "Proposed", CONFIRMED: "Confirmed", DECLINED: "Declined"}

# The audit trail in a reader's words. Stored events keep their codes (action "agree-extension",
# field "method", value "phone"); the page shows "Extended deadline agreed", "How: Phone call".
# The caller looks up what only the database knows (names, activity titles) as AuditNames.
AUDIT_ACTOR_LABELS = {  # who did it, when it was not a person signed in to the tracker
    "demo": "Demo data loader",
    "command line": "Command line (flask import)",
    "unknown": "Not recorded",
}
AUDIT_ACTION_LABELS = {
    "log-contact": "Contact logged",
    "agree-extension": "Extended deadline agreed",
    "defer": "Deferral recorded",
    "return-from-deferral": "Return from deferral recorded",
    "deferral-reason": "DfE's reason for a deferral given",
    "change-status": "Participant status changed",
    "propose-withdrawal": "Withdrawal proposed",
    "confirm-withdrawal": "Withdrawal confirmed",
    "decline-withdrawal": "Withdrawal declined",
    "declaration-state": "DfE declaration state recorded",
    "move-cohort": "Moved to a later cohort on return",
    "record-agreement": "Signed agreement recorded",
    "invite": "User invited",
    "email-not-sent": "Next-step email not sent",
    "change-role": "User's role changed",
    "deactivate": "User deactivated",
    "reactivate": "User reactivated",
    "resend-invitation": "Invitation sent again",
    "sign-out-everywhere": "User signed out everywhere",
    "send-invitation": "Invitation emailed",
    "accept-invitation": "Invitation accepted: password set",
    "request-password-reset": "Password reset requested",
    "reset-password": "Password reset with an emailed link",
    "schedule-meeting": "Partnership meeting scheduled",
    "move-meeting": "Partnership meeting moved",
    "cancel-meeting": "Partnership meeting cancelled",
    "declaration-reopen": "Voided DfE declaration reopened",
    "dfe-api": "Request to DfE's API",
}
AUDIT_VERB_LABELS = {"create": "added", "update": "changed", "delete": "removed"}
AUDIT_ENTITY_LABELS = {  # what an entity is called before "added" or "changed"
    "participant": "Participant details",
    "participants": "Participants",
    "credits": "Credits",
    "attendance": "Register mark",
    "video-views": "Video view",
    "assessments": "Assessment",
    "register_session": "Register session",
    "declaration": "DfE declaration",
    "email_template": "Next-step email template",
    "user": "User",
    "activity": "Activity",
    "block": "Block",
    "block_window": "Block completion window",
    "cohort": "Cohort",
    "course": "Course",
    "schedule_output": "Output review date",
    "partnership_meeting": "Partnership meeting",
    "saved_mapping": "Column mapping of an upload",
    "delivery_partner": "Delivery partner",
}
AUDIT_FIELD_LABELS = {
    "activity_id": "Activity",
    "block_id": "Block",
    "cohort": "Cohort",
    "completed_on": "Completed on",
    "contacted_on": "Date of contact",
    "course_id": "Course",
    "created": "Participants added",
    "credits": "Credits",
    "deadline": "Extended deadline",
    "decided_by": "Decided by",
    "decision_note": "Decision note",
    "declaration_type": "Declaration",
    "deferred_on": "Date of deferral",
    "dfe_cohort": "DfE cohort",
    "dfe_course_identifier": "DfE course",
    "dfe_funded_place": "Funded place at DfE",
    "dfe_id": "DfE id",
    "dfe_participant_id": "DfE participant id",
    "dfe_schedule_identifier": "DfE schedule",
    "dfe_training_status": "Training status at DfE",
    "email": "Email",
    "entered": "Entered",
    "event": "Event",
    "file": "File",
    "full_name": "Name",
    "mark": "Mark",
    "marked_by": "Marked by",
    "method": "How",
    "note": "Note",
    "other_emails": "Other emails",
    "outcome": "Outcome",
    "output": "Output",
    "partner": "Delivery partner",
    "percent": "Watched",
    "proposed_on": "Date of withdrawal",
    "reason": "Reason",
    "recorded_on": "Date recorded",
    "result": "Result",
    "returned_on": "Date of return",
    "schedule_identifier": "DfE schedule",
    "school_contract_signed": "School contract signed",
    "school_contract_signed_on": "School contract signed on",
    "sponsorship_agreement_signed_on": "Sponsorship agreement signed on",
    "agreed_on": "Date agreed",
    "to": "To",
    "subject": "Subject",
    "body": "Message",
    "problem": "Why not sent",
    "from_cohort": "From cohort",
    "imported_marks": "Imported marks it holds",
    "to_cohort": "To cohort",
    "session_date": "Session date",
    "source": "Source",
    "sponsorship_agreement_signed": "Sponsorship agreement signed",
    "state": "State",
    "status": "Status",
    "viewed_on": "Viewed on",
}
AUDIT_ENTITY_FIELD_LABELS = {  # where a field means something else for one entity
    "dfe-request": {"method": "Method", "path": "Address", "query": "Query", "request": "Sent",
                    "status": "DfE's answer code", "answer": "DfE's answer"},
}
AUDIT_HIDDEN_FIELDS = {"register_session", "partner_id", "participant_id"}  # internal references
AUDIT_SOURCE_LABELS = {"platform": "Online learning platform", "self-report": "Self-reported"}
AUDIT_RESULT_LABELS = {"pass": "Pass", "fail": "Fail", "": "No result"}
AUDIT_BLANK = "blank"

# DfE's declaration states, and where a declaration stands before DfE holds it.
DECLARATION_STATE_LABELS = {
    "submitted": "Submitted", "eligible": "Eligible", "ineligible": "Ineligible", "payable": "Payable",
    "paid": "Paid", "voided": "Voided", "awaiting-clawback": "Awaiting clawback", "clawed-back": "Clawed back",
}
DECLARATION_STANDING_LABELS = {"to-send": "To send", "failing": "Fails DfE's checks", "blocked": "Blocked",
                               "sending": "Being sent", **DECLARATION_STATE_LABELS}


@dataclass(frozen=True)
class AuditNames:
    """What the database knows that the audit trail's words need."""

    people: dict[str, str] = field(default_factory=dict)  # email -> name
    activities: dict[int, str] = field(default_factory=dict)  # activity id -> title
    blocks: dict[int, int] = field(default_factory=dict)  # block id -> block number
    courses: dict[int, str] = field(default_factory=dict)  # course id -> code


def audit_who(actor: str, names: AuditNames) -> str:
    """A person's name for an email; plain words for the tracker's own actors."""
    if actor in names.people:
        return names.people[actor]
    return AUDIT_ACTOR_LABELS.get(actor, actor)


def audit_action(action: str, entity: str = "") -> str:
    """What was done: "Extended deadline agreed", "Register mark changed", "Credits imported from a file"."""
    if action in AUDIT_ACTION_LABELS:
        return AUDIT_ACTION_LABELS[action]
    if action == "import":
        return f"{_imported(entity)} imported from a file"
    thing = AUDIT_ENTITY_LABELS.get(entity) or words(entity.replace("_", " "))
    if action in AUDIT_VERB_LABELS:
        return f"{thing} {AUDIT_VERB_LABELS[action]}"
    return f"{thing}: {words(action).lower()}"


def _imported(kind: str) -> str:
    """What a file of that kind added, as the import registry names its records (kinds.py); a kind no
    longer registered reads as its name in words, like any other code."""
    try:
        return import_kinds.get(kind).records
    except KeyError:
        return words(kind)


def audit_details(entity: str, before: dict | None, after: dict | None, names: AuditNames) -> list[str]:
    """One line per field: "Label: value" for what was recorded, "Label: old → new" for a change."""
    old, new = before or {}, after or {}
    lines = []
    for key in _audit_order(set(old) | set(new)):
        if key in AUDIT_HIDDEN_FIELDS:
            continue
        name = (AUDIT_ENTITY_FIELD_LABELS.get(entity, {}).get(key) or AUDIT_FIELD_LABELS.get(key)
                or words(key.replace("_", " ")))
        if key in old and key in new:
            if old[key] != new[key]:
                lines.append(f"{name}: {audit_value(entity, key, old[key], names)} → "
                             f"{audit_value(entity, key, new[key], names)}")
        elif key in new:
            if new[key] not in (None, "") or before is not None:
                lines.append(f"{name}: {audit_value(entity, key, new[key], names)}")
        else:
            lines.append(f"{name}: {audit_value(entity, key, old[key], names)} → removed")
    return lines


def _audit_order(keys: set[str]) -> list[str]:
    """What the record is about first, then its values, then notes and where it came from."""
    first = ("activity_id", "block_id", "output", "declaration_type")
    last = ("note", "decision_note", "entered", "file")
    return ([k for k in first if k in keys] + sorted(k for k in keys if k not in first and k not in last)
            + [k for k in last if k in keys])


def audit_value(entity: str, key: str, raw, names: AuditNames) -> str:
    if raw is None or raw == "":
        return AUDIT_RESULT_LABELS[""] if key == "result" else AUDIT_BLANK
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if key == "activity_id" and raw in names.activities:
        return names.activities[raw]
    if key == "block_id" and raw in names.blocks:
        return f"Block {names.blocks[raw]}"
    if key == "course_id" and raw in names.courses:
        return names.courses[raw]
    if key == "output":
        return f"Output {raw}"
    if key == "percent":
        return f"{float(raw):g}%"
    if key in ("decided_by", "marked_by") and isinstance(raw, str):
        return names.people.get(raw, raw)
    text = str(raw)
    if entity == "dfe-request":
        return text if isinstance(raw, (str, int)) else json.dumps(raw)
    known = {"method": CONTACT_METHOD_LABELS, "outcome": CONTACT_OUTCOME_LABELS, "reason": WITHDRAWAL_REASON_LABELS,
             "mark": MARK_LABELS, "source": AUDIT_SOURCE_LABELS, "result": AUDIT_RESULT_LABELS}.get(key)
    if key == "state" and entity == "withdrawal_request":
        known = WITHDRAWAL_STATE_LABELS
    if key == "reason" and entity == "deferral":
        known = DEFERRAL_REASON_LABELS
    if known is not None or key in ("status", "state", "declaration_type"):
        return label(known or {}, text)
    day = _iso_day(text)
    return short_date(day) if day is not None else text


def _iso_day(text: str) -> date | None:
    """The day of a stored ISO date or date-time ("2023-02-27", "2023-02-27T09:00:00"), else None."""
    if len(text) < 10 or text[4] != "-":
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def label(labels: dict[str, str], value: str | None) -> str:
    """The word for a code, or the code in words when it has none of its own."""
    if value is None:
        return ""
    return labels.get(value) or words(value)


# At risk (rules/pace.py): the reason in a line, "Needs 60 credits in 3 weeks; has earned 4 credits a week".
AT_RISK_LABEL = "At risk"
AT_RISK_HINT = "At their pace over the last 4 weeks, they will not meet their next output by its review date"


def _many(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _time_left(days: int) -> str:
    return _many(days, "day") if days < 14 else _many(days // 7, "week")


def _weekly(amount: int, days: int, thing: str) -> str:
    """4 credits over 28 days: "4 credits a week"; under one a week: "1 credit in 4 weeks"."""
    if amount * 7 >= days:
        return f"{_many(round(amount * 7 / days), thing)} a week"
    return f"{_many(amount, thing)} in the last {_time_left(days)}"


def at_risk_reason(risk) -> str:
    """risk: a rules.pace.Risk."""
    pace, left = risk.pace, _time_left(risk.days_left)
    if risk.sessions is None:
        needs = f"Needs {_many(risk.credits, 'credit')} in {left}"
        if not pace.credits:
            return f"{needs}; has earned none in the last {_time_left(pace.days)}"
        return f"{needs}; has earned {_weekly(pace.credits, pace.days, 'credit')}"
    needs = f"Needs a new credit or session in {left}"
    if not pace.credits and not pace.sessions:
        return f"{needs}; none in the last {_time_left(pace.days)}"
    done = [_weekly(n, pace.days, thing) for n, thing in ((pace.credits, "credit"), (pace.sessions, "session")) if n]
    return f"{needs}; has managed {' and '.join(done)}"


def agreed_deadline(deadline: date | None, as_of: date) -> str:
    """The deadline a lead agreed with the participant: "Agreed deadline 31 Mar 2023" ("…, passed")."""
    if deadline is None:
        return ""
    return f"Agreed deadline {short_date(deadline)}{', passed' if deadline < as_of else ''}"


NEVER_CONTACTED = "No contact logged"


def last_contact(contact) -> str:
    """contact: has contacted_on, method and outcome: "27 Feb 2023, phone call: agreed a plan to catch up"."""
    if contact is None:
        return NEVER_CONTACTED
    how = label(CONTACT_METHOD_LABELS, contact.method)
    return (f"{short_date(contact.contacted_on)}, {how[:1].lower()}{how[1:]}: "
            f"{label(CONTACT_OUTCOME_LABELS, contact.outcome).lower()}")


NO_NEW_OUTPUTS = "meets no new outputs"

# Sending to DfE when this server has no DfE API address or token (declarations/dfe.py configuration_problem)
DFE_API_NOT_SET_UP = ("Talking to DfE's API is not set up on this server yet. The people who run the tracker's "
                      "server for EDT set it up, with the address of DfE's API and EDT's lead provider API token "
                      "from DfE.")
DFE_NOT_SET_UP = ("Sending declarations to DfE is not set up on this server yet. The people who run the tracker's "
                  "server for EDT set it up, with the address of DfE's API and EDT's lead provider API token from "
                  "DfE. Until then, the declarations page still lists what is to send, gives DfE's request bodies "
                  "to download, and takes DfE's answers as an upload of declaration states.")


def newly_met_summary(counts: dict[int, int]) -> str:
    """What an upload newly meets (output number -> participants): "meets Output 2 for 14
    participants, Output 3 for 2", or "meets no new outputs"."""
    if not counts:
        return NO_NEW_OUTPUTS
    parts = []
    for number, many in sorted(counts.items()):
        who = f"{many} participant{'' if many == 1 else 's'}" if not parts else f"{many}"
        parts.append(f"Output {number} for {who}")
    return "meets " + ", ".join(parts)


# Accounts: the emails an account gets, and how long sign-in makes someone wait (tracker/accounts/).
INVITATION_EMAIL_SUBJECT = "Your account on the NPQ engagement tracker"
INVITATION_EMAIL_BODY = """Dear {name},

{inviter} has invited you to the NPQ engagement tracker of Education Development Trust, as {role}.

Set your password with this link. It works once, for 7 days:
{link}

If the link does not open the page, go to {page} and enter this code:
{code}

If you did not expect this email, you can ignore it.
"""
RESET_EMAIL_SUBJECT = "Reset your password for the NPQ engagement tracker"
RESET_EMAIL_BODY = """Dear {name},

Someone asked to reset the password of your account on the NPQ engagement tracker. If it was you,
choose a new password with this link. It works once, for 1 hour:
{link}

If the link does not open the page, go to {page} and enter this code:
{code}

If it was not you, you can ignore this email: your password has not changed.
"""


def sign_in_wait(seconds: float) -> str:
    """Why a sign-in was refused without checking the password, and for how long ("Wait 2 minutes")."""
    minutes = max(1, -(-int(seconds) // 60))
    return (f"Too many attempts to sign in to this account from here. Wait {minutes} minute"
            f"{'' if minutes == 1 else 's'} and try again.")
