"""Words for output statuses and escalation states, shared by pages, exports and the PDF."""
from ..rules.facts import DEFERRED, WITHDRAWN
from ..rules.status import (
    BLOCKED, CRITERIA_PENDING, DUE_SOON, ESCALATED, EXTENDED, MET, MET_LATE, NONE, NOT_MET, PENDING,
    TOTAL_UNKNOWN, WINDOW,
)

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
