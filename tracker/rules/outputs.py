"""met_on: the earliest date each output's criteria hold (DOMAIN.md, "When is an output met?").

met_on depends on evidence and the schedule only, never on today's date, so callers
store it and recompute it when a participant's evidence or the reference data changes.
"""
from __future__ import annotations

from datetime import date
from operator import attrgetter

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


def compute_outputs(schedule: list[OutputSpec], content: Content, evidence: Evidence,
                    kept: tuple[OutputMet, ...] = ()) -> list[OutputMet]:
    """One OutputMet per output of the schedule, in order.

    kept: verdicts of the leading outputs that stand as they are (met before a deferral from
    which the participant moved to this schedule's cohort); the outputs after them are computed.
    """
    credits = sorted(evidence.credits, key=attrgetter("completed_on"))
    attended = sorted(
        (r for r in evidence.registers if r.mark in (ATTENDED, CONTINGENCY)), key=attrgetter("session_date")
    )
    first_video = _first_full_views(evidence)
    scored: list[tuple[date, int, int]] | None = None  # made once, when a later output needs it
    results: list[OutputMet] = []
    previous: OutputMet | None = None
    prior_review: date | None = None
    for index, spec in enumerate(schedule):
        if index < len(kept):
            met = kept[index]
        elif spec.kind == FIRST:
            met = _first_output(spec, content, credits, attended, first_video)
        elif previous is None or previous.met_on is None:
            met = OutputMet(spec.number, None)
        elif spec.kind == RETENTION:
            anchor = max(d for d in (prior_review, previous.met_on) if d is not None)
            scored = _scored(content, credits) if scored is None else scored
            met = _retention_output(spec, anchor, scored, attended, first_video)
        elif spec.kind == FINAL:
            scored = _scored(content, credits) if scored is None else scored
            met = _final_output(spec, previous.met_on, content, scored, evidence)
        else:
            met = OutputMet(spec.number, None)
        results.append(met)
        previous, prior_review = met, spec.review_date
    return results


def _first_full_views(evidence: Evidence) -> dict[int, date]:
    """For each block, the first date its video introduction was watched to the threshold."""
    first: dict[int, date] = {}
    for view in evidence.videos:
        if video_counts(view.percent) and (view.block not in first or view.viewed_on < first[view.block]):
            first[view.block] = view.viewed_on
    return first


def _capped(content: Content, activity_id: int, credits: int) -> int:
    return min(credits, content.credits.get(activity_id, 0))


def _scored(content: Content, credits: list) -> list[tuple[date, int, int]]:
    """(completed on, activity, credits capped at the activity's value) in date order."""
    limits = content.credits
    scored = []
    for c in credits:
        limit = limits.get(c.activity_id, 0)
        scored.append((c.completed_on, c.activity_id, c.credits if c.credits < limit else limit))
    return scored


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


def _retention_output(spec, anchor: date, scored, attended, first_video) -> OutputMet:
    best_at_anchor: dict[int, int] = {}
    progress = None
    for on, activity, value in scored:
        if on <= anchor:
            if value > best_at_anchor.get(activity, 0):
                best_at_anchor[activity] = value
        elif value > best_at_anchor.get(activity, 0):
            progress = on
            break
    later = [r for r in attended if r.session_date > anchor]
    videos = [d for d in first_video.values() if d > anchor]
    candidates = {
        "register": later[0].session_date if later else None,
        "progress": progress,
        "video": min(videos) if videos else None,
    }
    return _conclude(spec.number, candidates, later)


FINAL_SHARE_TENTHS = 9  # the final output needs 90% of the course's credits


def reaches_final_share(score: int, total: int) -> bool:
    """score x 10 >= total x 9, in integers: 90% of 249 needs 225, not 224."""
    return score * 10 >= total * FINAL_SHARE_TENTHS


def credits_needed(total: int) -> int:
    """The fewest whole credits that reach the final output's share of `total`."""
    return -(-total * FINAL_SHARE_TENTHS // 10)


def video_counts(percent: float) -> bool:
    """A view of a block's video introduction counts from the threshold (89.9% does not)."""
    return percent >= VIDEO_THRESHOLD


def credits_reached(content: Content, credits: list) -> date | None:
    """The first date the score reaches the final output's share of the course total.

    credits: in date order.
    """
    if content.total is None:
        return None
    return _reached(_scored(content, credits), content.total)


def _reached(scored: list[tuple[date, int, int]], total: int) -> date | None:
    best: dict[int, int] = {}
    score = 0
    last = len(scored) - 1
    for index, (on, activity, value) in enumerate(scored):
        gain = value - best.get(activity, 0)
        if gain > 0:
            score += gain
            best[activity] = value
        # the score as of a day counts only once that day's records are all in
        if reaches_final_share(score, total) and (index == last or scored[index + 1][0] != on):
            return on
    return None


def score_on(content: Content, credits: list, on: date) -> int:
    """score(t): the sum over activities of the largest credits recorded on or before t."""
    best: dict[int, int] = {}
    for c in credits:
        if c.completed_on <= on:
            best[c.activity_id] = max(best.get(c.activity_id, 0), _capped(content, c.activity_id, c.credits))
    return sum(best.values())


def _final_output(spec, previous_met_on: date, content, scored, evidence: Evidence) -> OutputMet:
    if content.total is None:
        return OutputMet(spec.number, None)
    reached = _reached(scored, content.total)
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
