"""The stand-in's participants (bench/dfe_stand_in.py): PUT .../withdraw, /defer, /resume,
/change-schedule, POST .../outcomes and GET participants/npq[/{id}], as DfE's code answers them
(shared/dfe/README.md, section 2, "Participants" and "Outcomes": bodies checked, DfE's refusal texts,
the state changes visible in GET participants).

The participants are the stand-in's one store, `people` (made by `enrol`, listed to `dfe sync`):
an action shows in the list read next. A `strict` stand-in knows only those enrolled; otherwise any
id is recognised on any course (an enrolment with no schedule made on first use), as for declarations.
"""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timezone

from tracker.rules.dfe_changes import DFE_DEFERRAL_REASONS, DFE_WITHDRAWAL_REASONS
from tracker.rules.dfe_schedules import COURSE_GROUP, allowed_types, group_of, schedules_of, starts

NOT_FOUND = {"error": "Resource not found"}
COURSE_UNKNOWN = ("The entered '#/course_identifier' is not recognised for the given participant. Check details and "
                  "try again.")
BAD_REASON = "The property '#/reason' must be a valid reason"
TEXTS = {
    "withdrawn already": "The participant is already withdrawn",
    "deferred already": "The participant is already deferred",
    "active already": "The participant is already active",
    "not started": ("An NPQ participant who has not got a started declaration cannot be withdrawn. Please contact "
                    "support for assistance"),
    "no declarations": "You cannot defer an NPQ participant that has no declarations",
    "schedule missing": "The property '#/schedule_identifier' must be present",
    "invalidates": "Changing schedule would invalidate existing declarations. Please void them first.",
    "same schedule": "The participant already has the specified schedule",
    "schedule not for course": "The selected schedule is not valid for the course",
    "no completed": ("The participant has not had a 'completed' declaration submitted for them. Therefore you cannot "
                     "update their outcome."),
    "state": ("The attribute '#/state' can only include 'passed' or 'failed' values. If you need to void an outcome, "
              "you will need to void the associated 'completed' declaration."),
    "state missing": "The '#/state' is missing from your request. Please include a 'passed' or 'failed' value and try again.",
    "date format": "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'",
    "date missing": ("The '#/completion_date' is missing from your request. Please include a completion_date value "
                     "and try again."),
    "date future": "The '#/completion_date' value cannot be a future date. Check the date and try again.",
    "course missing": "Enter a '#/course_identifier' value for this participant.",
}
BILLABLE = ("submitted", "eligible", "payable", "paid")
BAD_REQUEST = {"errors": [{"title": "Bad request",
                           "detail": "correct json data structure required. See API docs for reference"}]}
ACTIONS = ("withdraw", "defer", "resume", "change-schedule")


def _refused(title: str, detail: str):
    return 422, {"errors": [{"title": title, "detail": detail}]}, {}


def _stamp(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Participants:
    """Mixed into StandIn, which holds `people`, `strict`, `outcomes`, `declarations`, `lock`.

    `people` is the one store of DfE's participants: DfE id -> {"full_name", "enrolments" (course
    identifier -> the enrolment as DfE lists it), "changes" (participant_id_changes), "order",
    "updated_at"}. `enrol` and `change_id` make it; withdraw, defer, resume and change-schedule change
    it (and its updated_at, so `dfe sync` reads the change next); GET participants/npq lists it.
    """

    def enrol(self, full_name: str, email: str | None, course: str, *, dfe_id: str | None = None,
              schedule: str | None = "npq-leadership-autumn", cohort: int | None = 2022, status: str = "active",
              funded_place: bool | None = None, when: datetime | None = None) -> str:
        """A participant DfE lists (made, or given another enrolment); their DfE id."""
        with self.lock:
            return self._enrol(full_name, email, course, dfe_id=dfe_id, schedule=schedule, cohort=cohort,
                               status=status, funded_place=funded_place, when=when)

    def _enrol(self, full_name, email, course, *, dfe_id=None, schedule=None, cohort=None, status="active",
               funded_place=None, when=None, application: str | None = None) -> str:
        dfe_id = dfe_id or str(uuid.uuid4())
        when = when or datetime.now(timezone.utc)
        person = self.people.setdefault(dfe_id, {"full_name": full_name, "enrolments": {}, "changes": [],
                                                 "order": len(self.people)})
        person["enrolments"].pop(course, None)  # a new enrolment lists last
        person["enrolments"][course] = {
            "email": email, "course_identifier": course, "schedule_identifier": schedule,
            "cohort": None if cohort is None else str(cohort), "cohort_suffix": "a",
            "npq_application_id": application or str(uuid.uuid4()), "eligible_for_funding": True,
            "training_status": status, "school_urn": "100000", "targeted_delivery_funding_eligibility": False,
            "withdrawal": None, "deferral": None, "created_at": _stamp(when), "funded_place": funded_place}
        person["updated_at"] = when
        return dfe_id

    def change_id(self, old: str, new: str, when: datetime | None = None) -> None:
        """DfE merges participant `old` into `new` (which it lists from then on, with the change)."""
        when = when or datetime.now(timezone.utc)
        with self.lock:
            person = self.people.pop(old)
            person["changes"].append({"from_participant_id": old, "to_participant_id": new, "changed_at": _stamp(when)})
            person["updated_at"] = when
            self.people[new] = person

    def enrolment(self, person: str, course: str) -> dict | None:
        """The participant's enrolment on the course as DfE holds it, or None when DfE has none. Not strict,
        DfE recognises anyone on any course: an enrolment with no schedule is made on first use."""
        found = self.people.get(person, {}).get("enrolments", {}).get(course)
        if found is None and not self.strict:
            self._enrol("", None, course, dfe_id=person, schedule=None, cohort=None)
            found = self.people[person]["enrolments"][course]
        return found

    def schedule_of(self, person: str, course: str) -> tuple[str, int] | None:
        """(schedule, cohort year) of the enrolment DfE holds, when it holds both."""
        e = self.people.get(person, {}).get("enrolments", {}).get(course)
        if e is None or not e["schedule_identifier"] or e["cohort"] is None:
            return None
        return e["schedule_identifier"], int(e["cohort"])

    def known(self, person: str) -> bool:
        return person in self.people

    def participant(self, dfe_id: str) -> dict:
        """A participant as DfE lists one (GET participants/npq and participants/npq/{id})."""
        person = self.people[dfe_id]
        return {"id": dfe_id, "type": "npq-participant", "attributes": {
            "full_name": person["full_name"], "previous_names": [], "teacher_reference_number": None,
            "updated_at": _stamp(person["updated_at"]), "npq_enrolments": list(person["enrolments"].values()),
            "participant_id_changes": person["changes"]}}

    def participant_request(self, method: str, path: str, body, args):
        parts = path.split("/")  # participants, npq, [id, [action]]
        if method == "GET" and len(parts) == 3:
            with self.lock:
                return (200, {"data": self.participant(parts[2])}, {}) if self.known(parts[2]) else (
                    404, NOT_FOUND, {})
        verb = parts[3] if len(parts) == 4 else None
        if not ((method == "PUT" and verb in ACTIONS) or (method == "POST" and verb == "outcomes")):
            return 404, NOT_FOUND, {}
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("attributes"), dict) or not data["attributes"]:
            return 400, BAD_REQUEST, {}
        with self.lock:
            if not self.known(parts[2]) and self.strict:
                return 404, NOT_FOUND, {}
            if verb == "outcomes":
                return self.outcome(parts[2], data["attributes"])
            return self.act(parts[2], verb, data["attributes"])

    def _declarations_of(self, person: str, course: str) -> list[dict]:
        return [d["attributes"] for d in self.declarations.values()
                if d["attributes"].get("participant_id") == person and d["attributes"].get("course_identifier") == course]

    def act(self, person: str, action: str, attributes: dict):
        course = attributes.get("course_identifier")
        e = self.enrolment(person, course) if course in COURSE_GROUP else None
        if e is None:
            return _refused("course_identifier", COURSE_UNKNOWN)
        refusal = getattr(self, "_" + action.replace("-", "_"))(person, course, e, attributes)
        if refusal:
            return _refused(*refusal)
        self.people[person]["updated_at"] = datetime.now(timezone.utc)
        return 200, {"data": self.participant(person)}, {}

    def _withdraw(self, person, course, e, attributes):
        if attributes.get("reason") not in DFE_WITHDRAWAL_REASONS:
            return "reason", BAD_REASON
        if e["training_status"] == "withdrawn":
            return "participant_id", TEXTS["withdrawn already"]
        if not any(d["declaration_type"] == "started" for d in self._declarations_of(person, course)):
            return "participant_id", TEXTS["not started"]
        e["training_status"] = "withdrawn"
        e["withdrawal"] = {"reason": attributes["reason"], "date": _stamp(datetime.now(timezone.utc))}
        return None

    def _defer(self, person, course, e, attributes):
        if attributes.get("reason") not in DFE_DEFERRAL_REASONS:
            return "reason", BAD_REASON
        if e["training_status"] == "deferred":
            return "participant_id", TEXTS["deferred already"]
        if e["training_status"] == "withdrawn":
            return "participant_id", TEXTS["withdrawn already"]
        if not self._declarations_of(person, course):
            return "participant_id", TEXTS["no declarations"]
        e["training_status"] = "deferred"
        e["deferral"] = {"reason": attributes["reason"], "date": _stamp(datetime.now(timezone.utc))}
        return None

    def _resume(self, person, course, e, attributes):
        if e["training_status"] == "active":
            return "participant_id", TEXTS["active already"]
        e["training_status"], e["withdrawal"], e["deferral"] = "active", None, None
        return None

    def _change_schedule(self, person, course, e, attributes):
        schedule, cohort = attributes.get("schedule_identifier"), attributes.get("cohort")
        cohort = int(cohort) if str(cohort or "").isdigit() else None if e["cohort"] is None else int(e["cohort"])
        if not schedule or (cohort is not None and schedule not in schedules_of(cohort)):
            return "schedule_identifier", TEXTS["schedule missing"]
        if e["training_status"] == "withdrawn":
            return "participant_id", TEXTS["withdrawn already"]
        if group_of(schedule) != COURSE_GROUP[course]:
            return "schedule_identifier", TEXTS["schedule not for course"]
        if schedule == e["schedule_identifier"] and cohort == (None if e["cohort"] is None else int(e["cohort"])):
            return "schedule_identifier", TEXTS["same schedule"]
        start = starts(schedule, cohort) if cohort is not None else None
        for d in self._declarations_of(person, course):
            if d["state"] in BILLABLE and (d["declaration_type"] not in allowed_types(schedule) or (
                    start is not None and str(d["declaration_date"])[:10] <= start.isoformat())):
                return "schedule_identifier", TEXTS["invalidates"]
        e["schedule_identifier"], e["cohort"] = schedule, None if cohort is None else str(cohort)
        return None

    def outcome(self, person: str, a: dict):
        course, state, when = a.get("course_identifier"), a.get("state"), a.get("completion_date")
        if not course:
            return _refused("course_identifier", TEXTS["course missing"])
        if self.enrolment(person, course) is None or COURSE_GROUP.get(course) not in ("leadership", "specialist"):
            return _refused("course_identifier", COURSE_UNKNOWN)
        if not state:
            return _refused("state", TEXTS["state missing"])
        if state not in ("passed", "failed"):
            return _refused("state", TEXTS["state"])
        if not when:
            return _refused("completion_date", TEXTS["date missing"])
        found = re.search(r"\d{4}-\d{2}-\d{2}", str(when))
        if not found:
            return _refused("completion_date", TEXTS["date format"])
        if date.fromisoformat(found.group()) > datetime.now(timezone.utc).date():
            return _refused("completion_date", TEXTS["date future"])
        completed = [d for d in self._declarations_of(person, course)
                     if d["declaration_type"] == "completed" and d["state"] in BILLABLE]
        if not completed:
            return _refused("participant_id", TEXTS["no completed"])
        for d in completed:
            d["has_passed"] = state == "passed"
        outcome = {"state": state, "completion_date": f"{found.group()}T00:00:00+00:00",
                   "course_identifier": course, "participant_id": person}
        self.outcomes.append(outcome)
        return 200, {"data": {"id": f"outcome-{len(self.outcomes)}", "type": "participant-outcome",
                              "attributes": outcome}}, {}
