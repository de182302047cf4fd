"""Importers for credits, registers, video views and assessments (DOMAIN.md "Evidence")."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..exports import records as exports
from ..extensions import db
from ..models import AssessmentRecord, CreditRecord, Participant, RegisterEntry, VideoViewRecord
from ..models.people import participant_key
from ..rules.facts import (ASSESSMENT_RESULTS, ASSESSMENT_STATUSES, REGISTER_MARKS, TRAINING_EVENT, Assessment, Credit,
                           Register, VideoView, before_start, dated_before_start, dated_in_future)
from . import fields
from .base import Importer, RowError, parsed
from .book_lookup import find_activity, find_block
from .kinds import EDT_ONLY, EVERYONE, register
from .proposals.matching import People
from .who import people

SELF_REPORT_COHORTS = (1, 2)
SOURCES = ("platform", "self-report")
NAMING = {"participant_id": "a participant_id", "email": "an email"}


class EvidenceImporter(Importer):
    """Rows name a participant, by participant_id or by email (their email or one of their other
    emails, ignoring case; a row giving both must name the same participant); the partner's upload
    may only name its own.

    Cells repeat: a national file names a few hundred activities and a few hundred dates a
    million times. What depends only on such cells (and the course) is worked out once per
    distinct value and remembered (`_once`); a bad cell is not remembered, so every row
    that has it is reported. Cells that need not repeat (names, percentages) are not.
    """

    def __init__(self, context):
        super().__init__(context)
        query = select(Participant.participant_id, Participant.id, Participant.course_id, Participant.cohort)
        if context.partner_id is not None:
            query = query.where(Participant.partner_id == context.partner_id)
        self.participants = {participant_key(ref): (pk, course, cohort)
                             for ref, pk, course, cohort in db.session.execute(query)}
        self._known: dict[tuple, object] = {}
        self._people: People | None = None  # by address: read when a row first names one

    stand_ins = {"participant_id": "email"}

    def _once(self, key: tuple, work):
        if not self.cells_are_text:  # XLSX cells: True == 1 in Python, but not in a spreadsheet
            key = tuple((type(part), part) for part in key)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = work()
        return found

    def participant(self, row) -> tuple[int, int, int]:
        ref = fields.text(row.get("participant_id", ""))
        address = fields.text(row.get("email", ""))
        if not ref and not address:
            given = [name for name in ("participant_id", "email") if name in row]
            raise RowError(given[0], " or ".join(NAMING[name] for name in given) + " is required")
        if ref and participant_key(ref) not in self.participants:
            raise RowError("participant_id", f"'{ref}' is not a known participant")
        if address and ref:
            self._once(("email", participant_key(ref), address), lambda: self.agrees(ref, address))
        elif address:
            ref = self._once(("email", address), lambda: self.owner(address))
        return self.participants[participant_key(ref)]

    def named(self, row) -> str:
        """"EX004 Ada Lovelace" for a row naming a participant the file may name (by participant_id
        or email), else what the row gives."""
        ref = fields.text(row.get("participant_id", ""))
        address = fields.text(row.get("email", ""))
        if not ref and address:
            person = self.known().by_address([address])
            ref = person.participant_id if person is not None else ""
        found = self.participants.get(participant_key(ref)) if ref else None
        if found is None:
            return ref or address
        ref, name = db.session.execute(select(Participant.participant_id, Participant.full_name)
                                       .where(Participant.id == found[0])).one()
        return f"{ref} {name}"

    def known(self) -> People:
        if self._people is None:
            self._people = people(self.context.partner_id)
        return self._people

    def agrees(self, ref: str, address: str) -> bool:
        """A row naming both: the address must be one of that participant's."""
        if not self.known().uses(ref, address):
            owner = self.known().by_address([address])
            if owner is not None:
                raise RowError("email", f"'{address}' is the email of {owner.participant_id}, not of {ref}")
            raise RowError("email", f"'{address}' is not an email of {ref}")
        return True

    def owner(self, address: str) -> str:
        """The participant_id of the participant this address is the email or an other email of."""
        person = self.known().by_address([address])
        if person is None:
            if self.known().shared(address):
                raise RowError("email", f"'{address}' is the email of more than one participant: name the "
                                        "participant by participant_id")
            raise RowError("email", f"'{address}' is not the email of a known participant")
        return person.participant_id

    def on_or_before_today(self, row, column: str, cohort: int) -> date:
        """The row's date in `column`: not after today, and not before the participant's cohort started."""
        cell = row[column]
        if type(cell) is not str:  # an XLSX date or datetime: no parsing, and times need not repeat
            day = self._day(column, cell)
        else:
            day = self._once(("date", column, cell), lambda: self._day(column, cell))
        start = self.context.book.cohort_starts[cohort]
        if dated_before_start(day, start):
            raise RowError(column, before_start(day, cohort, start))
        return day

    def _day(self, column: str, cell) -> date:
        day = parsed(column, fields.a_date, cell, self.context.dates)
        if dated_in_future(day, self.context.today):
            raise RowError(column, f"{day.isoformat()} is in the future")
        return day

    def course(self, course_id: int):
        return self.context.book.courses[course_id]


@register("credits", "Activity credits (platform report)", records="Credits", uploaded_by=EVERYONE,
          export=exports.CREDITS)
class CreditsImporter(EvidenceImporter):
    required = ("participant_id", "block", "activity", "completed_on")
    optional = ("credits", "source")
    table = CreditRecord
    key_columns = ("participant_id", "activity_id", "completed_on")
    value_columns = ("credits", "source")
    evidence = "credits"

    def fact(self, key, values):
        return Credit(key[1], values[0], key[2])

    def parse(self, row):
        pk, course_id, cohort = self.participant(row)
        cells = (course_id, row["block"], row["activity"], row.get("credits", ""))
        activity_id, credits = self._once(("credits",) + cells, lambda: self.credited(course_id, row))
        cell = row.get("source", "")
        source = self._once(("source", cell, cohort), lambda: self.source(cell, cohort))
        completed = self.on_or_before_today(row, "completed_on", cohort)
        return (pk, activity_id, completed), (credits, source)

    def credited(self, course_id: int, row) -> tuple[int, int]:
        """(activity id, credits) from the row's block, activity and credits cells."""
        activity = find_activity(self.course(course_id), row, "activity")
        if activity.credits is None:
            raise RowError("activity", f"the credits of '{activity.title}' are still TBC")
        raw = fields.text(row.get("credits", ""))
        credits = activity.credits if raw == "" else parsed("credits", fields.a_whole_number, raw)
        if not 0 <= credits <= activity.credits:
            raise RowError("credits", f"{credits} is outside 0..{activity.credits} for '{activity.title}'")
        return activity.id, credits

    def source(self, cell, cohort: int) -> str:
        source = fields.text(cell).lower() or "platform"
        if source not in SOURCES:
            raise RowError("source", f"'{source}' is not one of {', '.join(SOURCES)}")
        if source == "self-report" and cohort not in SELF_REPORT_COHORTS:
            raise RowError("source", f"self-report exists for cohorts 1 and 2 only (participant is in cohort {cohort})")
        return source


@register("attendance", "Attendance (registers)", records="Register marks", uploaded_by=EVERYONE,
          export=exports.ATTENDANCE)
class AttendanceImporter(EvidenceImporter):
    required = ("participant_id", "block", "event", "session_date", "attendance")
    optional = ("marked_by",)
    table = RegisterEntry
    key_columns = ("participant_id", "activity_id", "session_date")
    value_columns = ("mark", "marked_by")
    stored_text = {"marked_by": RegisterEntry.marked_by}
    evidence = "registers"

    def fact(self, key, values):
        return Register(key[1], key[2], values[0])

    def parse(self, row):
        pk, course_id, cohort = self.participant(row)
        activity_id = self._once(("event", course_id, row["block"], row["event"]), lambda: self.event(course_id, row))
        cell = row["attendance"]
        mark = self._once(("attendance", cell), lambda: parsed("attendance", fields.one_of, cell, REGISTER_MARKS))
        session = self.on_or_before_today(row, "session_date", cohort)
        marked_by = fields.text(row.get("marked_by", "")) or None
        return (pk, activity_id, session), (mark, marked_by)

    def event(self, course_id: int, row) -> int:
        activity = find_activity(self.course(course_id), row, "event")
        if activity.component != TRAINING_EVENT:
            raise RowError("event", f"'{activity.title}' is not a training event (F2F session or live webinar)")
        return activity.id


@register("video-views", "Video views", uploaded_by=EVERYONE, export=exports.VIDEO_VIEWS)
class VideoViewsImporter(EvidenceImporter):
    required = ("participant_id", "block", "percent_watched", "viewed_on")
    table = VideoViewRecord
    key_columns = ("participant_id", "block_id", "viewed_on")
    value_columns = ("percent",)
    evidence = "videos"

    def __init__(self, context):
        super().__init__(context)
        self.block_numbers = {bid: number for facts in context.book.courses.values()
                              for number, bid in facts.blocks.items()}

    def fact(self, key, values):
        return VideoView(self.block_numbers[key[1]], values[0], key[2])

    def parse(self, row):
        pk, course_id, cohort = self.participant(row)
        block_id = self._once(("block", course_id, row["block"]), lambda: find_block(self.course(course_id), row))
        percent = parsed("percent_watched", fields.a_percent, row["percent_watched"])
        viewed = self.on_or_before_today(row, "viewed_on", cohort)
        return (pk, block_id, viewed), (percent,)


@register("assessments", "Assessments", uploaded_by=EDT_ONLY, export=exports.ASSESSMENTS)
class AssessmentsImporter(EvidenceImporter):
    required = ("participant_id", "status", "recorded_on")
    optional = ("result",)
    table = AssessmentRecord
    key_columns = ("participant_id", "recorded_on")
    value_columns = ("status", "result")
    evidence = "assessments"

    def fact(self, key, values):
        return Assessment(values[0], values[1], key[1])

    def parse(self, row):
        pk, _, cohort = self.participant(row)
        status = parsed("status", fields.one_of, row["status"], ASSESSMENT_STATUSES)
        raw = fields.text(row.get("result", ""))
        result = parsed("result", fields.one_of, raw, ASSESSMENT_RESULTS) if raw else None
        if result and status not in ("marked", "moderated"):
            raise RowError("result", f"a result needs status marked or moderated, not {status}")
        recorded = self.on_or_before_today(row, "recorded_on", cohort)
        return (pk, recorded), (status, result)
