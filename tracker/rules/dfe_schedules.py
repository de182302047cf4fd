"""DfE's schedules as its code has them (shared/dfe/README.md, section 4): which exist in each DfE
cohort, when each starts, and which declaration types each allows.

DfE's schedules are rows its admins edit; the repository gives each one's start relative to the
cohort's start year Y (its factory) and which exist per cohort (its seeds, "cohorts up to 2025
reflect production"). A refusal from DfE saying a date is before the schedule start is the last
word: these dates are the best the published code tells.
"""
from __future__ import annotations

from datetime import date

LEADERSHIP, SPECIALIST, EHCO, SUPPORT = "leadership", "specialist", "ehco", "support"
ALL_TYPES = ("started", "retained-1", "retained-2", "completed")

COURSE_GROUP = {  # DfE's course identifier -> DfE's course group
    "npq-senior-leadership": LEADERSHIP, "npq-headship": LEADERSHIP, "npq-executive-leadership": LEADERSHIP,
    "npq-early-years-leadership": LEADERSHIP, "npq-senco": LEADERSHIP,
    "npq-leading-teaching": SPECIALIST, "npq-leading-behaviour-culture": SPECIALIST,
    "npq-leading-teaching-development": SPECIALIST, "npq-leading-literacy": SPECIALIST,
    "npq-leading-primary-mathematics": SPECIALIST,
    "npq-early-headship-coaching-offer": EHCO, "npq-additional-support-offer": SUPPORT,
}
COURSE_IDENTIFIERS = tuple(COURSE_GROUP)

# identifier -> (DfE course group, (years after Y, month, day) it applies from, declaration types allowed)
SCHEDULES = {
    "npq-leadership-autumn": (LEADERSHIP, (0, 10, 1), ALL_TYPES),
    "npq-leadership-spring": (LEADERSHIP, (1, 1, 1), ALL_TYPES),
    "npq-specialist-autumn": (SPECIALIST, (0, 10, 1), ("started", "retained-1", "completed")),
    "npq-specialist-spring": (SPECIALIST, (1, 1, 1), ("started", "retained-1", "completed")),
    "npq-ehco-november": (EHCO, (0, 11, 1), ALL_TYPES),
    "npq-ehco-december": (EHCO, (0, 12, 1), ALL_TYPES),
    "npq-ehco-march": (EHCO, (1, 3, 1), ALL_TYPES),
    "npq-ehco-june": (EHCO, (1, 6, 1), ALL_TYPES),
    "npq-aso-november": (SUPPORT, (0, 11, 1), ALL_TYPES),
    "npq-aso-december": (SUPPORT, (0, 12, 1), ALL_TYPES),
    "npq-aso-march": (SUPPORT, (1, 3, 1), ALL_TYPES),
    "npq-aso-june": (SUPPORT, (1, 6, 1), ALL_TYPES),
}
SCHEDULE_IDENTIFIERS = tuple(SCHEDULES)

_AUTUMN_SPRING = ("npq-leadership-autumn", "npq-leadership-spring", "npq-specialist-autumn", "npq-specialist-spring")
_EHCO = ("npq-ehco-november", "npq-ehco-december", "npq-ehco-march", "npq-ehco-june")
IN_COHORT = {  # DfE's seeds: the schedules each cohort has
    2021: _AUTUMN_SPRING + ("npq-aso-november", "npq-aso-december", "npq-aso-march", "npq-aso-june", "npq-ehco-june"),
    2022: _AUTUMN_SPRING + _EHCO,
    2023: _AUTUMN_SPRING + _EHCO,
    2024: ("npq-leadership-autumn", "npq-specialist-autumn", "npq-ehco-november", "npq-ehco-december", "npq-ehco-june"),
}
LATER_COHORTS = _AUTUMN_SPRING + _EHCO  # 2025 onwards
FIRST_COHORT = 2021
DELIVERY_PARTNER_FROM = 2024  # DfE requires a delivery partner on declarations from this cohort (rule 18)

# The tracker's course groups against DfE's (the tracker calls EHCO's group "coaching").
TRACKER_GROUP = {"leadership": LEADERSHIP, "specialist": SPECIALIST, "coaching": EHCO}


def schedules_of(cohort: int) -> tuple[str, ...]:
    return IN_COHORT.get(cohort, LATER_COHORTS if cohort > max(IN_COHORT) else ())


def group_of(schedule: str) -> str | None:
    return SCHEDULES[schedule][0] if schedule in SCHEDULES else None


def starts(schedule: str, cohort: int) -> date:
    """00:00 UTC of this date is the schedule's start in that DfE cohort (DfE's applies_from)."""
    years, month, day = SCHEDULES[schedule][1]
    return date(cohort + years, month, day)


def allowed_types(schedule: str) -> tuple[str, ...]:
    return SCHEDULES[schedule][2]


def cohort_of_start(start: date) -> int:
    """DfE's cohort year of a course starting on this date: a start from January to August belongs
    to the cohort of the autumn before (DfE puts it on that cohort's spring schedule)."""
    return start.year if start.month >= 9 else start.year - 1


def schedule_problem(schedule: str, cohort: int | None, group: str | None) -> str | None:
    """Why a schedule identifier cannot be this enrolment's, in words for the participants file; None when it can.
    `group`: the tracker's course group of the participant (None: not known)."""
    if schedule not in SCHEDULES:
        return f"'{schedule}' is not one of DfE's schedules ({', '.join(SCHEDULE_IDENTIFIERS)})"
    wanted = TRACKER_GROUP.get(group or "")
    if wanted and group_of(schedule) != wanted:
        fitting = [s for s in SCHEDULE_IDENTIFIERS if group_of(s) == wanted]
        return f"{schedule} is not a schedule of a {group} course ({', '.join(fitting)})"
    if cohort is not None and schedule not in schedules_of(cohort):
        return f"DfE's {cohort} cohort has no {schedule} schedule (it has {', '.join(schedules_of(cohort))})"
    return None
