"""What an import would change, in words: each stored record it updates, with the old and new values,
and who set the old value where the record knows (a register mark made in the browser).

Every importer decides created, updated or unchanged in one place (Importer.plan, and the
participants' and declaration states' own apply) and lists each update in ImportResult.changes
as (kind, participant pk, stored values, new values). `described` turns the first of them into
lines a person reads; an upload stores those with its check (registers/uploads.py), so the
preview says what confirming would overwrite. It only reads: the participants, the activities
and, for register marks, the browser's audit events.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..formats import long_date
from ..models import Activity, AuditEvent, Block, Course, Participant, RegisterEntry

KEPT = 1000  # changes kept with an upload's check: the preview shows the first SHOWN, changes.csv all kept
CHUNK = 2000


@dataclass(frozen=True)
class Change:
    participant_id: str
    full_name: str
    record: str  # e.g. "NPQLT Block 2 Face-to-face, 3 March 2026"
    before: str
    after: str
    set_by: str = ""  # who set the old value, when the record knows


@dataclass(frozen=True)
class Changes:
    """The first changes of an import and how many there are in all."""

    count: int = 0
    listed: tuple[Change, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return self.count > 0

    def to_text(self) -> str:
        """For the pending upload's `changes` column."""
        if not self.count:
            return ""
        return json.dumps({"count": self.count, "changes": [list(astuple(c)) for c in self.listed]},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str | None) -> Changes:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(data["count"], tuple(Change(*row) for row in data["changes"]))


def described(changes: list[tuple], most: int | None = None) -> Changes:
    """The first `most` (KEPT) of an import's changes (ImportResult.changes) in words, and their count."""
    first = changes[:KEPT if most is None else most]
    if not first:
        return Changes(len(changes))
    names = _names(pk for _, pk, _, _ in first)
    known = {"activities": _activities(after["activity_id"] for _, _, _, after in first if "activity_id" in after),
             "courses": dict(db.session.execute(select(Course.id, Course.code)).all())}
    marks = _browser_marks([(pk, after) for kind, pk, _, after in first if kind == "attendance"])
    lines = []
    for kind, pk, before, after in first:
        ref, name = names.get(pk, ("", ""))
        name = before.get("full_name", name)  # a participants file's check has written the new name
        record, old, new = _DESCRIBE.get(kind, _values)(before, after, known)
        set_by = _marked(before, marks.get(_mark_key(pk, after))) if kind == "attendance" else ""
        lines.append(Change(ref, name, record, old, new, set_by))
    return Changes(len(changes), tuple(lines))


def _chunks(values: Iterable) -> Iterable[list]:
    values = sorted(set(values))
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _names(pks: Iterable[int]) -> dict[int, tuple[str, str]]:
    found = {}
    for chunk in _chunks(pks):
        found.update((pk, (ref, name)) for pk, ref, name in db.session.execute(
            select(Participant.id, Participant.participant_id, Participant.full_name).where(Participant.id.in_(chunk))))
    return found


def _activities(ids: Iterable[int]) -> dict[int, str]:
    """Activity id -> "NPQLT Block 2 Face-to-face"."""
    found = {}
    for chunk in _chunks(ids):
        query = (select(Activity.id, Course.code, Block.number, Activity.title)
                 .join(Block, Activity.block_id == Block.id).join(Course, Block.course_id == Course.id)
                 .where(Activity.id.in_(chunk)))
        found.update((aid, f"{code} Block {number} {title}") for aid, code, number, title in db.session.execute(query))
    return found


def _mark_key(pk: int, after: dict) -> tuple:
    return pk, after["activity_id"], after["session_date"]


def _browser_marks(marks: list[tuple[int, dict]]) -> dict[tuple, tuple]:
    """(participant, activity, date) -> (when, mark, marked by) of the latest mark saved in a
    browser register for the stored entries these changes update."""
    wanted = {_mark_key(pk, after) for pk, after in marks}
    entries = {}
    for chunk in _chunks(pk for pk, _ in marks):
        query = (select(RegisterEntry.id, RegisterEntry.participant_id, RegisterEntry.activity_id,
                        RegisterEntry.session_date)
                 .where(RegisterEntry.participant_id.in_(chunk), RegisterEntry.session_id.is_not(None)))
        entries.update((str(eid), (pk, aid, day)) for eid, pk, aid, day in db.session.execute(query)
                       if (pk, aid, day) in wanted)
    found: dict[tuple, tuple] = {}
    for chunk in _chunks(entries):
        query = (select(AuditEvent.entity_id, AuditEvent.at, AuditEvent.after)
                 .where(AuditEvent.entity == "attendance", AuditEvent.entity_id.in_(chunk))
                 .order_by(AuditEvent.at, AuditEvent.id))
        for eid, at, after in db.session.execute(query):
            saved = json.loads(after or "{}")
            found[entries[eid]] = (at, saved.get("mark"), saved.get("marked_by"))
    return found


def _marked(before: dict, browser: tuple | None) -> str:
    """Who set a stored mark: the browser register it was saved in, when the latest save there is
    the stored mark; else the marked_by it was imported with."""
    if browser is not None and (browser[1], browser[2]) == (before["mark"], before["marked_by"]):
        return f"marked by {before['marked_by']} in the browser on {long_date(browser[0].date())}"
    return f"marked by {before['marked_by']}" if before.get("marked_by") else ""


def _changed(before: dict, after: dict, words: dict[str, str]) -> tuple[str, str]:
    """The values that change, each "name value", old then new."""
    names = [name for name in before if before[name] != after.get(name)]
    def shown(values):
        return ", ".join(f"{words.get(name, name.replace('_', ' '))} {_text(values.get(name))}" for name in names)
    return shown(before), shown(after)


def _text(value) -> str:
    if value is None or value == "" or value == ():
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return long_date(value)
    if isinstance(value, (tuple, list)):
        return ";".join(map(str, value))
    return str(value)


def _attendance(before, after, known):
    record = f"{known['activities'].get(after['activity_id'], '')}, {long_date(after['session_date'])}"
    if before["mark"] == after["mark"]:
        return record, *_changed(before, after, {"marked_by": "marked by"})
    return record, before["mark"], after["mark"]


def _credits(before, after, known):
    record = f"{known['activities'].get(after['activity_id'], '')}, completed {long_date(after['completed_on'])}"
    return record, *_changed(before, after, {})


def _video_views(before, after, _):
    return f"video, viewed {long_date(after['viewed_on'])}", *_changed(before, after, {"percent": "percent watched"})


def _assessments(before, after, _):
    return f"assessment recorded {long_date(after['recorded_on'])}", *_changed(before, after, {})


def _participant(before, after, known):
    words = {"course_id": "course", "partner": "delivery partner", "school_contract_signed_on": "school contract signed on",
             "sponsorship_agreement_signed_on": "sponsorship agreement signed on"}
    courses = known["courses"]
    before, after = ({**values, "course_id": courses.get(values.get("course_id"), values.get("course_id"))}
                     for values in (before, after))
    return "participant", *_changed(before, after, words)


def _declaration_state(before, after, _):
    return f"{after['declaration_type']} declaration", *_changed(before, after, {"declaration_id": "declaration id"})


def _values(before, after, _):
    return "", *_changed(before, after, {})


_DESCRIBE = {"attendance": _attendance, "credits": _credits, "video-views": _video_views,
             "assessments": _assessments, "participant": _participant, "declaration-states": _declaration_state}
