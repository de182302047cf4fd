"""Small builders for the pure engine: a toy course, its schedules and a participant's evidence.

The toy course has a few activities whose numbers are easy to reason about:

    SELF_STUDY      self-study       5 credits
    OTHER_STUDY     self-study       3 credits
    WEBINAR         training event   6 credits
    F2F             training event  15 credits
    SURVEY          event survey     1 credit
"""
from __future__ import annotations

from datetime import date, timedelta

from tracker.rules.course import build_schedule
from tracker.rules.facts import (
    ABSENT,
    ATTENDED,
    CONTINGENCY,
    SELF_STUDY as SELF_STUDY_COMPONENT,
    TRAINING_EVENT,
    Assessment,
    Content,
    Credit,
    Evidence,
    OutputSpec,
    Register,
    VideoView,
)
from tracker.rules.outputs import compute_outputs

SELF_STUDY, OTHER_STUDY, WEBINAR, F2F, SURVEY = 1, 2, 3, 4, 5
TOY_CREDITS = {SELF_STUDY: 5, OTHER_STUDY: 3, WEBINAR: 6, F2F: 15, SURVEY: 1}
TOY_COMPONENTS = {
    SELF_STUDY: SELF_STUDY_COMPONENT,
    OTHER_STUDY: SELF_STUDY_COMPONENT,
    WEBINAR: TRAINING_EVENT,
    F2F: TRAINING_EVENT,
    SURVEY: "event-survey",
}

# Review dates of the toy schedules (cohort 3's, as shipped).
R1, R2, R3, R4 = date(2022, 11, 24), date(2023, 6, 22), date(2024, 1, 24), date(2024, 7, 24)
SPECIALIST_FINAL_REVIEW = date(2024, 2, 22)


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def toy_content(total: int | None = sum(TOY_CREDITS.values())) -> Content:
    return Content(dict(TOY_CREDITS), dict(TOY_COMPONENTS), total)


def content_of(credits: dict[int, int], components: dict[int, str] | None = None, total="sum") -> Content:
    components = components or {a: SELF_STUDY_COMPONENT for a in credits}
    return Content(credits, components, sum(credits.values()) if total == "sum" else total)


def specialist(r1: date = R1, r2: date = R2, r3: date = SPECIALIST_FINAL_REVIEW) -> list[OutputSpec]:
    return build_schedule(
        "specialist",
        [
            (1, "Teacher Validated and Training Commenced", r1),
            (2, "Retention Point", r2),
            (3, "Teacher Assessed, Mark Awarded and Moderated", r3),
        ],
    )


def leadership(r1: date = R1, r2: date = R2, r3: date = R3, r4: date = R4) -> list[OutputSpec]:
    return build_schedule(
        "leadership",
        [
            (1, "Teacher Validated and Training Commenced", r1),
            (2, "Retention Point", r2),
            (3, "Retention Point", r3),
            (4, "Teacher Assessed, Mark Awarded and Moderated", r4),
        ],
    )


def credit(on: date, activity: int = SELF_STUDY, credits: int | None = None) -> Credit:
    return Credit(activity, TOY_CREDITS.get(activity, 0) if credits is None else credits, on)


def attended(on: date, activity: int = WEBINAR) -> Register:
    return Register(activity, on, ATTENDED)


def absent(on: date, activity: int = WEBINAR) -> Register:
    return Register(activity, on, ABSENT)


def contingency(on: date, activity: int = WEBINAR) -> Register:
    return Register(activity, on, CONTINGENCY)


def video(on: date, percent: float = 100, block: int = 1) -> VideoView:
    return VideoView(block, percent, on)


def assessment(on: date, status: str = "moderated", result: str | None = "pass") -> Assessment:
    return Assessment(status, result, on)


def evidence(*records) -> Evidence:
    """Evidence from a mix of Credit, Register, VideoView and Assessment records."""
    found = Evidence()
    for record in records:
        {
            Credit: found.credits,
            Register: found.registers,
            VideoView: found.videos,
            Assessment: found.assessments,
        }[type(record)].append(record)
    return found


def outputs(*records, schedule: list[OutputSpec] | None = None, content: Content | None = None):
    return compute_outputs(schedule or specialist(), content or toy_content(), evidence(*records))


def output(number: int, *records, schedule=None, content=None):
    return outputs(*records, schedule=schedule, content=content)[number - 1]
