"""The facts the rules read: a course's schedule and content, a participant's evidence.

A record of evidence is a named tuple: a recompute of everyone makes millions of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

# Output kinds, in the order they occur in a schedule.
FIRST = "first"
RETENTION = "retention"
FINAL = "final"
COACHING = "coaching"  # EHCO: criteria not yet published

ATTENDED = "attended"
ABSENT = "absent"
CONTINGENCY = "contingency"
REGISTER_MARKS = (ATTENDED, ABSENT, CONTINGENCY)

SELF_STUDY = "self-study"
TRAINING_EVENT = "training-event"
COMPONENTS = (
    SELF_STUDY,
    TRAINING_EVENT,
    "event-survey",
    "recorded-webinar",
    "podcast",
    "end-of-block-survey",
    "end-of-programme-survey",
)

MODERATED = "moderated"
ASSESSMENT_STATUSES = ("not-submitted", "submitted", "marked", MODERATED)
ASSESSMENT_RESULTS = ("pass", "fail")

def title_key(title: str) -> str:
    """Activity titles match ignoring case and repeated spaces."""
    return re.sub(r"\s+", " ", title).strip().casefold()


ACTIVE = "active"
DEFERRED = "deferred"
WITHDRAWN = "withdrawn"
PARTICIPANT_STATUSES = (ACTIVE, DEFERRED, WITHDRAWN)

VIDEO_THRESHOLD = 90  # percent of a block's video introduction


def dated_in_future(day: date, today: date) -> bool:
    """Evidence carries the day the engagement happened; a day after today is refused."""
    return day > today


def dated_before_start(day: date, start: date) -> bool:
    """Evidence dated before the participant's cohort started is refused (DfE refuses such declarations)."""
    return day < start


def before_start(day: date, cohort: int, start: date) -> str:
    return f"{day.isoformat()} is before cohort {cohort} started ({start.isoformat()})"


def start_moved_past_evidence(cohort: int, start: date, participants: int) -> str | None:
    """A cohort's start may move later only while no participant has evidence dated before it."""
    if not participants:
        return None
    who = "1 participant has" if participants == 1 else f"{participants} participants have"
    return f"{who} evidence for cohort {cohort} dated before {start.isoformat()}"


@dataclass(frozen=True)
class OutputSpec:
    number: int
    name: str
    kind: str
    review_date: date | None  # None while the schedule is unpublished (EHCO)


@dataclass(frozen=True)
class Content:
    """What a course offers: credit value and component of each activity by id.

    ``total`` is None when some of the course's content is still TBC.
    """

    credits: dict[int, int]
    components: dict[int, str]
    total: int | None


class Credit(NamedTuple):
    activity_id: int
    credits: int
    completed_on: date


class Register(NamedTuple):
    activity_id: int
    session_date: date
    mark: str


class VideoView(NamedTuple):
    block: int
    percent: float
    viewed_on: date


class Assessment(NamedTuple):
    status: str
    result: str | None
    recorded_on: date


@dataclass
class Evidence:
    credits: list[Credit] = field(default_factory=list)
    registers: list[Register] = field(default_factory=list)
    videos: list[VideoView] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)


@dataclass(frozen=True)
class OutputMet:
    """When an output's criteria were first satisfied, and on what evidence."""

    number: int
    met_on: date | None
    basis: tuple[str, ...] = ()
    not_preferred: bool = False  # rests on video alone or a contingency mark alone
