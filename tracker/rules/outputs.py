"""met_on: the earliest date each output's criteria hold (DOMAIN.md, "When is an output met?").

met_on depends on evidence and the schedule only, never on today's date, so callers
store it and recompute it when a participant's evidence or the reference data changes.
"""
from __future__ import annotations

from datetime import date

from .facts import (
    ATTENDED,
    CONTINGENCY,
    FINAL,
    FIRST,
    MODERATED,
    RETENTION,
    SELF_STUDY,
    VIDEO_THRESHOLD,
    Content,
    Evidence,
    OutputMet,
    OutputSpec,
)

# DfE's order of preference for the evidence basis.
BASIS_ORDER = ("register", "self-study", "progress", "video", "credits-90", "assessment")


def compute_outputs(schedule: list[OutputSpec], content: Content, evidence: Evidence) -> list[OutputMet]:
    """One OutputMet per output of the schedule, in order."""
    credits = sorted(evidence.credits, key=lambda c: c.completed_on)
    attended = sorted(
        (r for r in evidence.registers if r.mark in (ATTENDED, CONTINGENCY)), key=lambda r: r.session_date
    )
    first_video = _first_full_views(evidence)
    results: list[OutputMet] = []
    previous: OutputMet | None = None
    prior_review: date | None = None
    for spec in schedule:
        if spec.kind == FIRST:
            met = _first_output(spec, content, credits, attended, first_video)
        elif previous is None or previous.met_on is None:
            met = OutputMet(spec.number, None)
        elif spec.kind == RETENTION:
            anchor = max(d for d in (prior_review, previous.met_on) if d is not None)
            met = _retention_output(spec, anchor, content, credits, attended, first_video)
        elif spec.kind == FINAL:
            met = _final_output(spec, previous.met_on, content, credits, evidence)
        else:
            met = OutputMet(spec.number, None)
        results.append(met)
        previous, prior_review = met, spec.review_date
    return results


def _first_full_views(evidence: Evidence) -> dict[int, date]:
    """For each block, the first date its video introduction was watched to the threshold."""
    first: dict[int, date] = {}
    for view in evidence.videos:
        if view.percent >= VIDEO_THRESHOLD and (view.block not in first or view.viewed_on < first[view.block]):
            first[view.block] = view.viewed_on
    return first


def _capped(content: Content, activity_id: int, credits: int) -> int:
    return min(credits, content.credits.get(activity_id, 0))


def _conclude(number: int, candidates: dict[str, date | None], registers_on_day: list) -> OutputMet:
    dates = [d for d in candidates.values() if d is not None]
    if not dates:
        return OutputMet(number, None)
    met_on = min(dates)
    basis = tuple(name for name in BASIS_ORDER if candidates.get(name) == met_on)
    # "Acceptable, not preferred": nothing DfE prefers held that day, only a video view and/or
    # a contingency mark (so contingency plus video is flagged too).
    attended = "register" in basis and any(
        r.mark != CONTINGENCY for r in registers_on_day if r.session_date == met_on
    )
    preferred = attended or "self-study" in basis or "progress" in basis
    return OutputMet(number, met_on, basis, not preferred)


def _first_output(spec, content, credits, attended, first_video) -> OutputMet:
    self_study = next(
        (
            c.completed_on
            for c in credits
            if c.credits > 0 and content.components.get(c.activity_id) == SELF_STUDY
        ),
        None,
    )
    candidates = {
        "register": attended[0].session_date if attended else None,
        "self-study": self_study,
        "video": first_video.get(1),
    }
    return _conclude(spec.number, candidates, attended)


def _retention_output(spec, anchor: date, content, credits, attended, first_video) -> OutputMet:
    best_at_anchor: dict[int, int] = {}
    progress = None
    for c in credits:
        value = _capped(content, c.activity_id, c.credits)
        if c.completed_on <= anchor:
            best_at_anchor[c.activity_id] = max(best_at_anchor.get(c.activity_id, 0), value)
        elif value > best_at_anchor.get(c.activity_id, 0):
            progress = c.completed_on
            break
    later = [r for r in attended if r.session_date > anchor]
    videos = [d for d in first_video.values() if d > anchor]
    candidates = {
        "register": later[0].session_date if later else None,
        "progress": progress,
        "video": min(videos) if videos else None,
    }
    return _conclude(spec.number, candidates, later)


def credits_reached(content: Content, credits: list, share_tenths: int = 9) -> date | None:
    """The first date the score reaches share_tenths/10 of the course total (integers only)."""
    if content.total is None:
        return None
    best: dict[int, int] = {}
    score = 0
    for index, c in enumerate(credits):
        value = _capped(content, c.activity_id, c.credits)
        if value > best.get(c.activity_id, 0):
            score += value - best.get(c.activity_id, 0)
            best[c.activity_id] = value
        last_of_day = index + 1 == len(credits) or credits[index + 1].completed_on != c.completed_on
        if last_of_day and score * 10 >= content.total * share_tenths:
            return c.completed_on
    return None


def score_on(content: Content, credits: list, on: date) -> int:
    """score(t): the sum over activities of the largest credits recorded on or before t."""
    best: dict[int, int] = {}
    for c in credits:
        if c.completed_on <= on:
            best[c.activity_id] = max(best.get(c.activity_id, 0), _capped(content, c.activity_id, c.credits))
    return sum(best.values())


def _final_output(spec, previous_met_on: date, content, credits, evidence: Evidence) -> OutputMet:
    if content.total is None:
        return OutputMet(spec.number, None)
    reached = credits_reached(content, credits)
    assessed = min(
        (a.recorded_on for a in evidence.assessments if a.status == MODERATED and a.result),
        default=None,
    )
    if reached is None or assessed is None:
        return OutputMet(spec.number, None)
    return OutputMet(spec.number, max(previous_met_on, reached, assessed), ("credits-90", "assessment"))


def assessment_result(assessments: list, on: date) -> bool | None:
    """has_passed for a completed declaration: the latest moderated result on or before `on`."""
    results = sorted((a.recorded_on, a.result) for a in assessments if a.status == MODERATED and a.result and a.recorded_on <= on)
    return None if not results else results[-1][1] == "pass"
