"""Who is at risk of missing their next output at their pace (rules/pace.py), for the dashboard and the list.

Only active participants whose next output is not late yet and whose review date is within the
rule's horizon are looked at: their evidence is read in bulk, a few queries per 2,000.
"""
from __future__ import annotations

from datetime import date, timedelta

from ..rules.facts import ACTIVE
from ..rules.next_steps import next_steps
from ..rules.pace import HORIZON_DAYS, Risk, at_risk, need_of, pace_of
from ..rules.status import DUE_SOON, NONE, met_by
from .book import Book
from .collection import collector_paused
from .evidence import each_evidence
from .next_steps import CHUNK, syllabuses
from .standing import Standing

# What pace and need read: the need (rules/pace.need_of) depends on the credits alone, never on the
# videos or assessments next_steps also reads, so those are not fetched.
EVIDENCE = ("credits", "registers")


def _judged(s: Standing, as_of: date) -> bool:
    if s.status != ACTIVE or s.escalation.state not in (NONE, DUE_SOON):
        return False
    nxt = next((o for o in s.outputs if not met_by(o.met, as_of)), None)
    review = nxt.spec.review_date if nxt else None
    return review is not None and as_of <= review <= as_of + timedelta(days=HORIZON_DAYS)


def at_risk_by_participant(found: list[Standing], as_of: date, book: Book | None = None) -> dict[int, Risk]:
    """participant pk -> their risk, for those of `found` at risk."""
    with collector_paused():
        book = book or Book()
        courses = syllabuses(book)
        judged = {s.pk: s for s in found if _judged(s, as_of)}
        ids = sorted(judged)
        risks: dict[int, Risk] = {}
        # At least one pass, even for nobody, so that a page's query count never depends on who is on it.
        for start in range(0, max(len(ids), 1), CHUNK):
            for pk, evidence in each_evidence(ids[start : start + CHUNK], book, EVIDENCE):
                s = judged[pk]
                content = book.courses[s.course_id].content
                starts = book.cohort_starts[s.cohort]
                steps = next_steps(s.status, [o.spec for o in s.outputs], [o.met for o in s.outputs], content,
                                   courses[s.course_id], evidence, as_of, starts)
                need = need_of(steps) if steps is not None else None
                if need is None:
                    continue
                risk = at_risk(need, pace_of(content, evidence.credits, evidence.registers, as_of, starts), as_of)
                if risk is not None:
                    risks[pk] = risk
        return risks
