"""Deferral and withdrawal dates (DOMAIN.md "Deferral and withdrawal dates").

A deferral runs from the day it starts up to the day the participant returns: evidence dated on
or after the start and before the return does not count (the day of return counts again; a
deferral not yet returned from excludes everything from its start). Evidence dated after a
confirmed withdrawal does not count; the day of withdrawal itself does.

On return EDT may move the participant to a later cohort of the same course: outputs met
before the deferral began keep their met_on, and every later output follows the new cohort's
schedule, its anchor computed from the new review dates.

Escalation after a return: a review date that passed while the participant was deferred
(on or after the deferral's start, before the return) is taken, for escalation only, as the
day of return. So a participant returning on 1 September 2022 whose Output 2 review was
23 June 2022 is "due soon" on the day they return and "in the window" for the 21 days after it,
and is escalated only if nothing meets the output by then. Statuses (met late, not met) keep the
real review dates: they are about payment, not about chasing.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .facts import Content, Evidence, OutputMet, OutputSpec
from .outputs import compute_outputs


@dataclass(frozen=True)
class DeferralPeriod:
    starts: date
    returns: date | None  # None: not yet returned
    from_cohort: int | None = None  # set when EDT moved the participant to a later cohort on return
    to_cohort: int | None = None

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.returns is None or day < self.returns)


@dataclass(frozen=True)
class Periods:
    deferrals: tuple[DeferralPeriod, ...] = ()
    withdrawn_on: date | None = None  # the date of a confirmed withdrawal

    def counts(self, day: date) -> bool:
        """Whether evidence dated `day` counts."""
        if self.withdrawn_on is not None and day > self.withdrawn_on:
            return False
        return not any(d.covers(day) for d in self.deferrals)

    @property
    def moves(self) -> tuple[DeferralPeriod, ...]:
        """The deferrals that ended with a move to another cohort, in date order."""
        return tuple(sorted((d for d in self.deferrals if d.to_cohort is not None and d.returns is not None),
                            key=lambda d: d.starts))

    def deferred_on(self, day: date) -> bool:
        return any(d.covers(day) for d in self.deferrals)


NO_PERIODS = Periods()


def counting(evidence: Evidence, periods: Periods) -> Evidence:
    """The evidence that counts: none dated inside a deferral or after a confirmed withdrawal."""
    if periods == NO_PERIODS:
        return evidence
    keep = periods.counts
    return Evidence(
        credits=[c for c in evidence.credits if keep(c.completed_on)],
        registers=[r for r in evidence.registers if keep(r.session_date)],
        videos=[v for v in evidence.videos if keep(v.viewed_on)],
        assessments=[a for a in evidence.assessments if keep(a.recorded_on)],
    )


def outputs_with_periods(schedules: dict[int, list[OutputSpec]], cohort: int, content: Content,
                         evidence: Evidence, periods: Periods) -> list[OutputMet]:
    """met_on of each output of `cohort`'s schedule, honouring deferrals, moves and a withdrawal.

    schedules: cohort -> the course's schedule in that cohort, for the cohort now and every
    cohort the participant was moved from.
    """
    counted = counting(evidence, periods)
    moves = periods.moves
    if not moves:
        return compute_outputs(schedules[cohort], content, counted)
    kept: tuple[OutputMet, ...] = ()
    current = moves[0].from_cohort
    for move in moves:
        results = compute_outputs(schedules[current], content, counted, kept=kept)
        kept = tuple(_met_before(results, move.starts))
        current = move.to_cohort
    return compute_outputs(schedules[cohort], content, counted, kept=kept)


def _met_before(results: list[OutputMet], day: date) -> list[OutputMet]:
    """The leading outputs met before `day`."""
    kept = []
    for met in results:
        if met.met_on is None or met.met_on >= day:
            break
        kept.append(met)
    return kept


def review_for_escalation(review: date, periods: Periods) -> date:
    """A review date that passed while the participant was deferred counts, for chasing, from the return."""
    for deferral in periods.deferrals:
        if deferral.returns is not None and deferral.starts <= review < deferral.returns:
            return deferral.returns
    return review


def escalation_schedule(schedule: list[OutputSpec], periods: Periods) -> list[OutputSpec]:
    """The schedule escalation reads: review dates passed during a deferral moved to the return."""
    if not periods.deferrals:
        return schedule
    return [spec if spec.review_date is None else replace(spec, review_date=review_for_escalation(spec.review_date, periods))
            for spec in schedule]
