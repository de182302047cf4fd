"""Next steps: why a participant's next output is not met yet, and what would meet it.

DOMAIN.md, "Next steps". For an active participant as of D, k is the earliest output not met
by D; each option, dated counts_from, meets output k on that date on its own (for the final
output: every credits-90 row and the assessment row together). counts_from is never before the
cohort start: evidence dated earlier is refused, so no step may ask for it.

The options are those of the next steps CSV (INTERCHANGE.md) and never change with the words. Beside
them the rule says which training events have already been held for the participant's group (so
the words offer the contingency activity, not a session that took place) and, for the final
output, how many credits the course still has to earn.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from itertools import islice
from typing import NamedTuple

from .facts import (
    ACTIVE,
    FINAL,
    FIRST,
    MODERATED,
    RETENTION,
    SELF_STUDY,
    TRAINING_EVENT,
    Content,
    Evidence,
    OutputMet,
    OutputSpec,
)
from .outputs import credits_needed, video_counts
from .status import met_by

REGISTER = "register"
SELF_STUDY_OPTION = "self-study"
PROGRESS = "progress"
VIDEO = "video"
CREDITS_90 = "credits-90"
ASSESSMENT = "assessment"
OPTIONS = (REGISTER, SELF_STUDY_OPTION, PROGRESS, VIDEO, CREDITS_90, ASSESSMENT)
LISTED = 5  # at most this many register, self-study and progress options


@dataclass(frozen=True)
class Offered:
    """One activity of a course, in course order (block, then its place in the block)."""

    activity_id: int
    block: int
    position: int
    title: str
    component: str


@dataclass(frozen=True)
class Syllabus:
    """A course's activities in course order, and the blocks whose content is published."""

    activities: tuple[Offered, ...]
    published_blocks: tuple[int, ...]

    @cached_property
    def events(self) -> tuple[Option, ...]:
        """The register options: the course's first training events, the same for every participant."""
        return tuple(islice(
            (Option(REGISTER, a.block, a.activity_id, a.title) for a in self.activities if a.component == TRAINING_EVENT),
            LISTED,
        ))


class Option(NamedTuple):
    option: str
    block: int | None = None
    activity_id: int | None = None
    title: str = ""
    credits: int | None = None  # what the activity would add
    needed: int | None = None  # credits still needed (credits-90)


@dataclass(frozen=True)
class Why:
    """What stands between the participant and output k as of D."""

    kind: str  # first, retention or final
    previous: int | None = None  # retention: the output before k
    anchor: date | None = None  # retention: the last output point
    anchor_is_review: bool = False  # the anchor is the previous output's review date (not its met_on)
    score: int | None = None  # final: credits as of D
    required: int | None = None  # final: credits needed for 90%
    total: int | None = None  # final: the course total
    assessment_status: str | None = None  # final: latest assessment as of D
    assessment_result: str | None = None


class Held(NamedTuple):
    """A training event whose every session for the participant's group was before counts_from."""

    activity_id: int
    last_session: date


@dataclass(frozen=True)
class NextSteps:
    output: int
    output_name: str
    review_date: date | None
    counts_from: date  # never before as_of, nor before the cohort start
    why: Why
    options: tuple[Option, ...]
    as_of: date
    # training events among the options already held for the group: their contingency activity is the step
    held: tuple[Held, ...] = ()
    available: int | None = None  # final: the credits the course's unfinished activities could still add

    def held_on(self, activity_id: int | None) -> date | None:
        """The last session of this training event for the group, when every one was before counts_from."""
        return next((h.last_session for h in self.held if h.activity_id == activity_id), None)

    @property
    def to_earn(self) -> tuple[Option, ...]:
        """The final output's credits-90 options: every activity needed, in course order."""
        return tuple(o for o in self.options if o.option == CREDITS_90)


def next_steps(
    participant_status: str,
    schedule: list[OutputSpec],
    outputs: list[OutputMet],
    content: Content,
    syllabus: Syllabus,
    evidence: Evidence,
    as_of: date,
    cohort_start: date,
    sessions: Mapping[int, Sequence[date]] | None = None,
) -> NextSteps | None:
    """The next steps as of `as_of` for a participant of the cohort starting `cohort_start`, or None
    when there are none (DOMAIN.md). sessions: the dates of each training event (activity id) held,
    or due, for the participant's group (partner and cohort), as its registers show them."""
    made = _next_steps(participant_status, schedule, outputs, content, syllabus, evidence, as_of, cohort_start)
    if made is None or not sessions:
        return made
    return replace(made, held=held_before(made, sessions))


def held_before(steps: NextSteps, sessions: Mapping[int, Sequence[date]]) -> tuple[Held, ...]:
    """The events among the options whose sessions for the group were all before counts_from: none of
    them can be attended in time to count, so their contingency activity is the step."""
    held = []
    for activity in dict.fromkeys(o.activity_id for o in steps.options if o.activity_id is not None):
        dates = sessions.get(activity)
        if dates and max(dates) < steps.counts_from:
            held.append(Held(activity, max(dates)))
    return tuple(held)


def _next_steps(participant_status, schedule, outputs, content, syllabus, evidence, as_of, cohort_start):
    if participant_status != ACTIVE:
        return None
    earliest = max(as_of, cohort_start)  # counts_from of Output 1 and the final output
    previous: OutputMet | None = None
    prior_review: date | None = None
    for spec, met in zip(schedule, outputs):
        if met_by(met, as_of):
            previous, prior_review = met, spec.review_date
            continue
        if spec.kind == FIRST:
            return _first(spec, syllabus, content, evidence, as_of, earliest)
        if spec.kind == RETENTION and previous is not None:
            anchor = max(d for d in (prior_review, previous.met_on) if d is not None)
            return _retention(spec, previous.number, anchor, prior_review, syllabus, content, evidence, as_of, earliest)
        if spec.kind == FINAL and content.total is not None:
            return _final(spec, syllabus, content, evidence, as_of, earliest)
        return None  # coaching (criteria pending) or a final output whose total is unknown
    return None


def _best(content: Content, evidence: Evidence, on: date) -> dict[int, int]:
    """Each activity's largest credits (capped at its value) recorded on or before `on`."""
    limits = content.credits
    best: dict[int, int] = {}
    for activity, credits, completed_on in evidence.credits:
        if completed_on <= on:
            limit = limits.get(activity, 0)
            value = credits if credits < limit else limit
            if value > best.get(activity, 0):
                best[activity] = value
    return best


def _first(
    spec: OutputSpec, syllabus: Syllabus, content: Content, evidence: Evidence, as_of: date, counts_from: date
) -> NextSteps:
    credited = {activity for activity, credits, on in evidence.credits if credits > 0 and on <= as_of}
    study = tuple(islice((
        Option(SELF_STUDY_OPTION, a.block, a.activity_id, a.title, content.credits[a.activity_id])
        for a in syllabus.activities
        if a.component == SELF_STUDY and content.credits.get(a.activity_id) and a.activity_id not in credited
    ), LISTED))
    video = (Option(VIDEO, 1),) if 1 in syllabus.published_blocks else ()
    return NextSteps(spec.number, spec.name, spec.review_date, counts_from, Why(FIRST), syllabus.events + study + video,
                     as_of)


def _retention(spec, previous: int, anchor: date, prior_review, syllabus, content, evidence, as_of, earliest) -> NextSteps:
    counts_from = max(earliest, anchor + timedelta(days=1))
    before = counts_from - timedelta(days=1)
    at_anchor = _best(content, evidence, anchor)
    progress = tuple(islice((
        Option(PROGRESS, a.block, a.activity_id, a.title, value - at_anchor.get(a.activity_id, 0))
        for a in syllabus.activities
        if (value := content.credits.get(a.activity_id)) and at_anchor.get(a.activity_id, 0) < value
    ), LISTED))
    counted = {v.block for v in evidence.videos if video_counts(v.percent) and v.viewed_on <= before}
    videos = tuple(Option(VIDEO, b) for b in syllabus.published_blocks if b not in counted)
    why = Why(RETENTION, previous, anchor, anchor == prior_review)
    return NextSteps(spec.number, spec.name, spec.review_date, counts_from, why, syllabus.events + progress + videos,
                     as_of)


def _final(
    spec, syllabus: Syllabus, content: Content, evidence: Evidence, as_of: date, counts_from: date
) -> NextSteps:
    best = _best(content, evidence, as_of)
    score = sum(best.values())
    required = credits_needed(content.total)
    needed = required - score
    options: list[Option] = []
    missing_by_activity = {
        a.activity_id: content.credits.get(a.activity_id, 0) - best.get(a.activity_id, 0) for a in syllabus.activities
    }
    available = sum(m for m in missing_by_activity.values() if m > 0)
    if needed > 0:
        gathered = 0
        for a in syllabus.activities:
            if gathered >= needed:
                break
            missing = missing_by_activity[a.activity_id]
            if missing > 0:
                options.append(Option(CREDITS_90, a.block, a.activity_id, a.title, missing, needed))
                gathered += missing
    assessed = sorted(
        (a for a in evidence.assessments if a.recorded_on <= as_of), key=lambda a: a.recorded_on
    )
    if not any(a.status == MODERATED and a.result for a in assessed):
        options.append(Option(ASSESSMENT))
    latest = assessed[-1] if assessed else None
    why = Why(
        FINAL,
        score=score,
        required=required,
        total=content.total,
        assessment_status=latest.status if latest else None,
        assessment_result=latest.result if latest else None,
    )
    return NextSteps(spec.number, spec.name, spec.review_date, counts_from, why, tuple(options), as_of,
                     available=available)

