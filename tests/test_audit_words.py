"""The audit trail's words: names for people, plain words for actions, fields and values."""
from __future__ import annotations

import re
from pathlib import Path

from tracker.imports.kinds import names as import_kinds
from tracker.words import (
    AUDIT_ACTION_LABELS as ACTIONS, AUDIT_ENTITY_LABELS as THINGS, AUDIT_VERB_LABELS as VERBS, AuditNames as Names,
    audit_action as what, audit_details as details, audit_who as who,
)

NAMES = Names(people={"lead@north.example": "Nadia North", "admin@edt.example": "Alex Admin"},
              activities={7: "NPQLT Live Webinar"}, blocks={3: 2}, courses={1: "NPQLT"})
TRACKER = Path(__file__).resolve().parents[1] / "tracker"


def test_people_are_named_and_the_trackers_own_actors_are_said_in_words():
    assert who("lead@north.example", NAMES) == "Nadia North"
    assert who("demo", NAMES) == "Demo data loader"
    assert who("command line", NAMES) == "Command line (flask import)"
    assert who("left@north.example", NAMES) == "left@north.example"  # a person no longer in the tracker


def test_every_action_the_tracker_records_has_words():
    """Scans the whole package for the actions it audits, so a new one is given words."""
    recorded, things = set(), set()
    for source in TRACKER.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for action, entity in re.findall(r'\b(?:record|record_at_once|audit)\(\s*[\w.]+,\s*"([a-z-]+)",\s*("[\w-]+")?', text):
            recorded.add(action)
            if action in VERBS and entity:
                things.add(entity.strip('"'))
        recorded |= {m for pair in re.findall(r"'(confirm)' if .* else '(decline)'", text) for m in pair}
        if re.search(r'"create" if .* else "update"', text):
            recorded |= {"create", "update"}
    recorded = {f"{a}-withdrawal" if a in ("confirm", "decline") else a for a in recorded}
    assert {"log-contact", "agree-extension", "create", "update", "import", "change-role", "dfe-api"} <= recorded
    assert recorded <= set(ACTIONS) | set(VERBS) | {"import"}, recorded - set(ACTIONS) - set(VERBS)
    assert {"activity", "cohort", "block_window"} <= things
    assert things <= set(THINGS) | set(import_kinds()), things - set(THINGS) - set(import_kinds())


def test_the_administrators_actions_read_as_what_happened():
    assert what("change-role", "user") == "User's role changed"
    assert what("update", "schedule_output") == "Output review date changed"
    assert what("delete", "block_window") == "Block completion window removed"
    assert what("dfe-api", "dfe-request") == "Request to DfE's API"
    assert what("declaration-reopen", "declaration") == "Voided DfE declaration reopened"


def test_actions_read_as_what_happened():
    assert what("agree-extension", "extension") == "Extended deadline agreed"
    assert what("log-contact", "contact_attempt") == "Contact logged"
    assert what("update", "attendance") == "Register mark changed"
    assert what("create", "assessments") == "Assessment added"
    assert what("import", "video-views") == "Video views imported from a file"


def test_an_import_reads_as_the_registry_names_the_kinds_records():
    assert [what("import", kind) for kind in import_kinds()] == [
        "Participants imported from a file", "Credits imported from a file", "Register marks imported from a file",
        "Video views imported from a file", "Assessments imported from a file",
        "DfE declaration states imported from a file",
    ]
    assert what("import", "moodle-grades") == "Moodle grades imported from a file"  # a kind no longer registered


def test_a_new_record_lists_its_values_without_a_before():
    lines = details("contact_attempt", None, {"contacted_on": "2023-02-27", "method": "phone",
                                             "outcome": "no-response", "note": ""}, NAMES)
    assert lines == ["Date of contact: 27 Feb 2023", "How: Phone call", "Outcome: No response"]
    assert details("extension", None, {"output": 2, "deadline": "2023-03-31", "note": "By phone"}, NAMES) == [
        "Output: Output 2", "Extended deadline: 31 Mar 2023", "Note: By phone"]


def test_a_change_shows_before_and_after_and_what_it_is_about():
    lines = details("attendance", {"mark": "absent", "marked_by": "lead@north.example"},
                    {"activity_id": 7, "session_date": "2022-03-04", "mark": "contingency",
                     "marked_by": "lead@north.example", "register_session": 12, "file": "r.csv"}, NAMES)
    assert lines == ["Activity: NPQLT Live Webinar", "Mark: Absent → Contingency activity",
                     "Session date: 4 Mar 2022", "File: r.csv"]
    assert details("participant", {"school_contract_signed": False, "course_id": 1},
                   {"school_contract_signed": True, "course_id": 1}, NAMES) == ["School contract signed: No → Yes"]
    assert details("withdrawal_request", {"state": "proposed"}, {"state": "confirmed", "decided_by": "admin@edt.example"},
                   NAMES) == ["Decided by: Alex Admin", "State: Proposed → Confirmed"]
    assert details("video-views", {"percent": "89.5"}, {"block_id": 3, "percent": "95"}, NAMES) == [
        "Block: Block 2", "Watched: 89.5% → 95%"]


def test_a_request_to_dfe_reads_as_the_request_and_the_answer():
    lines = details("dfe-request", None, {"method": "POST", "path": "/api/v3/participant-declarations",
                                          "query": {}, "request": {"data": {"type": "participant-declaration"}},
                                          "status": 422, "answer": "Already declared"}, NAMES)
    assert {"Method: POST", "Address: /api/v3/participant-declarations"} <= set(lines)
    assert "DfE's answer code: 422" in lines and "DfE's answer: Already declared" in lines
    assert 'Sent: {"data": {"type": "participant-declaration"}}' in lines
