"""DfE's checks of a declaration that the tracker can know before sending it (DOMAIN.md "DfE
declarations"; shared/dfe/README.md, section 3, numbers them 1 to 22 and gives their texts).

A declaration that fails one is not sent: its reason says what the tracker found, quotes the words
DfE would answer with, and says what to do. The checks run in DfE's order, so the first reason is
the one DfE would give. Checks the tracker cannot know (is the id recognised, is there a contract
for the cohort and course, is the applicant in England...) and those met by how the body is built
(the date's format, one declaration per participant, course and type) are left to DfE: its
refusal is kept with the declaration and shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dfe_schedules import (DELIVERY_PARTNER_FROM, SCHEDULES, TRACKER_GROUP, allowed_types, cohort_of_start,
                            group_of, starts)

NO_DFE_ID = "no DfE participant id"  # INTERCHANGE.md: `participant_id declaration_type: no DfE participant id`

# DfE's own words (section 3), by rule number
WITHDREW = ("This participant withdrew from this course on {on}. Enter a '#/declaration_date' that's on or before "
            "the withdrawal date.")
BEFORE_SCHEDULE = "Enter a '#/declaration_date' that's on or after the schedule start."
NO_SCHEDULE = "The application is missing a schedule."
NOT_IN_SCHEDULE = "The property '#/declaration_type' does not exist for this schedule."
HAS_PASSED = ("Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant has passed or "
              "failed their course.")
IN_THE_FUTURE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
CONTRACT_CLOSED = ("You cannot submit or void declarations for the {cohort} cohort. The funding contract for this "
                   "cohort has ended. Get in touch if you need to discuss this with us.")
PARTNER_MISSING = "The property '#/delivery_partner_id' must be present"
PARTNER_NOT_CONFIRMED = ("The entered '#/delivery_partner_id' is not from your list of confirmed Delivery Partners for "
                         "the Cohort")

# Which of DfE's 22 checks the tracker applies before sending (the rest are left to DfE, or met by
# how the body is built): README's "Declarations DfE accepts" lists why, check by check.
APPLIED = (1, 4, 7, 10, 11, 13, 14, 17, 18, 20)


@dataclass(frozen=True)
class Proposed:
    """What the checks read of one declaration and of who its participant is at DfE."""

    declaration_type: str
    declaration_date: date
    course_group: str  # the tracker's: specialist, leadership, coaching
    cohort: int  # the tracker's cohort
    cohort_start: date
    has_passed: bool | None = None
    withdrawn_on: date | None = None  # the withdrawal the tracker confirmed
    dfe_participant_id: str | None = None
    schedule: str | None = None  # DfE's schedule of the enrolment; None: not known
    default_schedule: str | None = None  # the tracker's cohort's schedule for the course group
    dfe_cohort: int | None = None  # DfE's cohort year; None: not known (the cohort start's is taken)
    from_dfe: bool = False  # the enrolment was read from DfE: no schedule there is DfE's own gap
    dfe_withdrawn_on: date | None = None  # the day DfE records the withdrawal on
    partner_dfe_id: str | None = None
    partner_cohorts: frozenset[int] | None = None  # the cohorts DfE confirms the partner for; None: not known
    funded_place: bool | None = None  # DfE's; False: not fundable, so never billable (rule 13 does not apply)
    open_cohorts: frozenset[int] | None = None  # DfE cohorts with an output-fee statement whose cut-off is
    # today or later; None: DfE's statements not read (no `dfe sync` yet)


@dataclass(frozen=True)
class Failing:
    rule: int  # DfE's check, numbered as in shared/dfe/README.md, section 3
    found: str  # what the tracker found
    dfe_says: str  # DfE's words when it refuses ("" when DfE has none: no id to send under)
    to_do: str  # what to do about it

    @property
    def reason(self) -> str:
        if not self.dfe_says:
            return self.found
        return f"{self.found}; DfE would answer \"{self.dfe_says}\" {self.to_do}"


def dfe_cohort(declaration: Proposed) -> int:
    return declaration.dfe_cohort if declaration.dfe_cohort is not None else cohort_of_start(declaration.cohort_start)


def schedule(declaration: Proposed) -> str | None:
    """The schedule DfE holds the participant on, or the cohort's own when DfE's is not known."""
    found = declaration.schedule or (None if declaration.from_dfe else declaration.default_schedule)
    return found if found in SCHEDULES else None


def failing(declaration: Proposed, today: date) -> Failing | None:
    """The first of DfE's checks the declaration fails, or None when it passes all the tracker can know."""
    for check in CHECKS:
        found = check(declaration, today)
        if found is not None:
            return found
    return None


def refusal(declaration: Proposed, today: date) -> str | None:
    found = failing(declaration, today)
    return found.reason if found else None


def _no_dfe_id(d: Proposed, today: date) -> Failing | None:  # rule 1
    if not d.dfe_participant_id:
        return Failing(1, NO_DFE_ID, "", "")
    return None


def _withdrawn(d: Proposed, today: date) -> Failing | None:  # rule 4, and the tracker's confirmed withdrawal
    on = d.declaration_date
    at_dfe = d.dfe_withdrawn_on
    if at_dfe is not None and on >= at_dfe:
        # DfE compares with the instant it recorded: a declaration at 00:00 on that day passes
        # unless it was recorded at midnight, so only a later day is sure to be refused.
        if on > at_dfe:
            return Failing(4, f"the declaration date {on.isoformat()} is after DfE's record of the withdrawal on "
                              f"{at_dfe.isoformat()}", WITHDREW.format(on=at_dfe.isoformat()),
                           "A declaration for training after the withdrawal is not paid: check the date of the "
                           "withdrawal and of the evidence.")
    if d.withdrawn_on is not None and on > d.withdrawn_on:
        return Failing(4, f"the declaration date {on.isoformat()} is after the withdrawal on "
                          f"{d.withdrawn_on.isoformat()}", WITHDREW.format(on=d.withdrawn_on.isoformat()),
                       "Once DfE is told of the withdrawal it refuses declarations dated after it: check the date "
                       "of the withdrawal and of the evidence.")
    return None


def _before_schedule(d: Proposed, today: date) -> Failing | None:  # rule 7, and the tracker's cohort start
    on, plan = d.declaration_date, schedule(d)
    if plan is not None and on < (start := starts(plan, dfe_cohort(d))):
        return Failing(7, f"the declaration date {on.isoformat()} is before {start.isoformat()}, when DfE's schedule "
                          f"{plan} of the {dfe_cohort(d)} cohort starts", BEFORE_SCHEDULE,
                       "Check the participant's schedule at DfE (a participant accepted in December or later is on "
                       "a spring schedule), or the dates of their evidence.")
    if on < d.cohort_start:
        return Failing(7, f"the declaration date {on.isoformat()} is before cohort {d.cohort} started "
                          f"({d.cohort_start.isoformat()})", BEFORE_SCHEDULE,
                       "Check the dates of the participant's evidence.")
    return None


def _no_schedule(d: Proposed, today: date) -> Failing | None:  # rule 10
    if d.from_dfe and not d.schedule:
        return Failing(10, "DfE holds no schedule for the participant's enrolment", NO_SCHEDULE,
                       "Ask DfE to put the participant on a schedule, or change their schedule at DfE.")
    return None


def _type_not_in_schedule(d: Proposed, today: date) -> Failing | None:  # rule 11
    plan = schedule(d)
    allowed = allowed_types(plan) if plan else _types_of_group(d.course_group)
    if d.declaration_type in allowed:
        return None
    where = f"DfE's schedule {plan}" if plan else f"a {d.course_group} course"
    return Failing(11, f"{d.declaration_type} is not a declaration of {where}", NOT_IN_SCHEDULE,
                   "Check the participant's course and schedule at DfE.")


def _has_passed(d: Proposed, today: date) -> Failing | None:  # rule 14
    if d.declaration_type == "completed" and d.has_passed is None and TRACKER_GROUP.get(d.course_group) in (
            "leadership", "specialist"):
        return Failing(14, "a completed declaration needs has_passed: no moderated result is recorded on or before "
                           "its date", HAS_PASSED, "Record the participant's moderated assessment result.")
    return None


def _contract_closed(d: Proposed, today: date) -> Failing | None:  # rule 13, for a billable declaration
    if d.open_cohorts is not None and d.funded_place is not False and dfe_cohort(d) not in d.open_cohorts:
        return Failing(13, f"DfE lists no output-fee statement of the {dfe_cohort(d)} cohort with a cut-off on or "
                           f"after today ({today.isoformat()}): its funding contract has ended",
                       CONTRACT_CLOSED.format(cohort=dfe_cohort(d)),
                       "Ask DfE whether it can still be paid; a sync reads any statement DfE adds.")
    return None


def _in_the_future(d: Proposed, today: date) -> Failing | None:  # rule 17
    if d.declaration_date > today:
        return Failing(17, f"the declaration date {d.declaration_date.isoformat()} is after today "
                           f"({today.isoformat()})", IN_THE_FUTURE, "It can be sent from that day.")
    return None


def _partner_missing(d: Proposed, today: date) -> Failing | None:  # rule 18
    if dfe_cohort(d) >= DELIVERY_PARTNER_FROM and not d.partner_dfe_id:
        return Failing(18, f"the delivery partner has no DfE id, which DfE requires from the {DELIVERY_PARTNER_FROM} "
                           f"cohort (this is the {dfe_cohort(d)} cohort)", PARTNER_MISSING,
                       "Choose the partner's entry in DfE's list of delivery partners on the partner's page.")
    return None


def _partner_not_confirmed(d: Proposed, today: date) -> Failing | None:  # rule 20
    if d.partner_dfe_id and d.partner_cohorts is not None and dfe_cohort(d) not in d.partner_cohorts:
        listed = ", ".join(map(str, sorted(d.partner_cohorts))) or "none"
        return Failing(20, f"DfE does not confirm the delivery partner for the {dfe_cohort(d)} cohort (it does for: "
                           f"{listed})", PARTNER_NOT_CONFIRMED,
                       "Ask DfE to confirm the partner for the cohort, or check the partner's DfE id.")
    return None


def _types_of_group(group: str) -> tuple[str, ...]:
    found = [s for s in SCHEDULES if group_of(s) == TRACKER_GROUP.get(group)]
    return allowed_types(found[0]) if found else ()


CHECKS = (_no_dfe_id, _withdrawn, _before_schedule, _no_schedule, _type_not_in_schedule, _contract_closed,
          _has_passed,
          _in_the_future, _partner_missing, _partner_not_confirmed)
