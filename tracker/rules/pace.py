"""At risk, before it is late: who will not meet their next output by its review date at their pace.

A participant's pace is what they did over the last PACE_WEEKS: the credits their score rose by
(score(D) - score(D - 4 weeks), so re-doing a credited activity adds nothing) and the training
sessions they attended (or did the contingency activity for). Their need is what the engine asks
of output k (rules/next_steps.py, DOMAIN.md "Next steps"): one new credit or one session for
Output 1 or a retention output, counted from counts_from; for the final output the credits still
needed for 90% (sessions only help through the credits they carry; the assessment is EDT's step,
not the participant's pace). At that pace, over the days from counts_from to the review date
(both counted), they are at risk when neither route reaches the need.

Only review dates in the next HORIZON_DAYS are judged (the half-term until the next partnership
meeting but one); after the review date a participant is late (escalation), never at risk.
Integers throughout: earned x days left < needed x days measured.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .facts import ATTENDED, CONTINGENCY, FINAL, Content, Credit, Register
from .next_steps import CREDITS_90, NextSteps
from .outputs import score_on

PACE_WEEKS = 4
HORIZON_DAYS = 42
MEASURED_AT_LEAST = 7  # days of a cohort needed before a pace means anything


@dataclass(frozen=True)
class Pace:
    """What a participant did in the `days` up to and including as_of."""

    credits: int  # how far their score rose
    sessions: int  # training sessions attended or made up by the contingency activity
    days: int  # days measured: PACE_WEEKS, or fewer when the cohort started since

    def per_week(self, amount: int) -> float:
        return amount * 7 / self.days if self.days else 0.0


@dataclass(frozen=True)
class Need:
    """What output k still asks for, and the days in which it can be done."""

    output: int
    review_date: date
    counts_from: date  # evidence before this does not count for output k
    credits: int  # credits that would meet it (0: the participant already has them)
    sessions: int | None  # sessions that would meet it; None: sessions alone cannot (final output)


@dataclass(frozen=True)
class Risk:
    output: int
    review_date: date
    days_left: int
    credits: int  # credits needed
    sessions: int | None
    pace: Pace


def pace_of(content: Content, credits: list[Credit], registers: list[Register], as_of: date,
            cohort_start: date, weeks: int = PACE_WEEKS) -> Pace | None:
    """The participant's pace over the last `weeks` (since the cohort start if later); None when fewer
    than a week of the cohort has passed."""
    since = max(as_of - timedelta(weeks=weeks), cohort_start - timedelta(days=1))
    days = (as_of - since).days
    if days < MEASURED_AT_LEAST:
        return None
    earned = score_on(content, credits, as_of) - score_on(content, credits, since)
    sessions = sum(1 for r in registers if r.mark in (ATTENDED, CONTINGENCY) and since < r.session_date <= as_of)
    return Pace(max(earned, 0), sessions, days)


def need_of(steps: NextSteps) -> Need | None:
    """What output k needs, read from the engine's next steps (None when no review date is set)."""
    if steps.review_date is None:
        return None
    if steps.why.kind == FINAL:
        needed = next((o.needed for o in steps.options if o.option == CREDITS_90), 0)
        return Need(steps.output, steps.review_date, steps.counts_from, needed or 0, None)
    return Need(steps.output, steps.review_date, steps.counts_from, 1, 1)


def at_risk(need: Need, pace: Pace | None, as_of: date) -> Risk | None:
    """The risk of missing output k by its review date at this pace, or None."""
    if pace is None or need.credits <= 0 or not pace.days:
        return None
    if as_of > need.review_date or (need.review_date - as_of).days > HORIZON_DAYS:
        return None  # late (escalation's business), or too far ahead to judge
    days_left = max((need.review_date - max(need.counts_from, as_of)).days + 1, 0)
    by_credits = pace.credits * days_left >= need.credits * pace.days
    by_sessions = need.sessions is not None and pace.sessions * days_left >= need.sessions * pace.days
    if by_credits or by_sessions:
        return None
    return Risk(need.output, need.review_date, days_left, need.credits, need.sessions, pace)
