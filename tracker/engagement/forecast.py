"""What an import changes: the outputs of the participants it touches that it newly meets by a date.

The stored met_on of the touched participants is read before and after their recompute (the
import's own, engagement/recompute.py); an output met by the date after it and not before it is
newly met. An upload's check of evidence writes nothing: it reads each touched participant's
stored evidence, adds the file's records to it in memory and finds the recompute's verdicts on
that (newly_met_with), so the preview says what confirming would do with the very rules that
will do it. Other kinds' checks import and recompute in a transaction they roll back.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import OutputRecord, Participant
from ..rules.facts import Evidence
from .book import Book
from .recompute import each_verdict

CHUNK = 2000


def stored_met_on(pks: Iterable[int]) -> dict[tuple[int, int], date | None]:
    """(participant, output number) -> the stored met_on."""
    ids = sorted(set(pks))
    record = OutputRecord.__table__.c
    found: dict[tuple[int, int], date | None] = {}
    for start in range(0, len(ids), CHUNK):
        for pid, number, met_on in db.session.execute(
            select(record.participant_id, record.number, record.met_on)
            .where(record.participant_id.in_(ids[start : start + CHUNK]))
        ):
            found[(pid, number)] = met_on
    return found


@dataclass(frozen=True, order=True)
class Met:
    """One output an import newly meets."""

    output: int
    participant_id: str
    full_name: str
    met_on: date


@dataclass(frozen=True)
class NewlyMet:
    """The outputs an import newly meets by as_of, by output then participant."""

    as_of: date | None = None
    met: tuple[Met, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.met)

    def counts(self) -> dict[int, int]:
        """Output number -> how many participants newly meet it, in output order."""
        return dict(sorted(Counter(m.output for m in self.met).items()))

    def to_text(self) -> str:
        """For the pending upload's `meets` column."""
        if self.as_of is None:
            return ""
        return json.dumps({"as_of": self.as_of.isoformat(),
                           "met": [[m.output, m.participant_id, m.full_name, m.met_on.isoformat()] for m in self.met]},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str | None) -> NewlyMet:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(date.fromisoformat(data["as_of"]),
                   tuple(Met(output, ref, name, date.fromisoformat(on)) for output, ref, name, on in data["met"]))


def newly_met(before: dict[tuple[int, int], date | None], pks: Iterable[int], as_of: date) -> NewlyMet:
    """The outputs of these participants met by as_of now that were not met by as_of in `before`."""
    return _newly(before, stored_met_on(pks), as_of)


def newly_met_with(changes: dict[int, tuple[list, list]], field: str, book: Book, as_of: date) -> NewlyMet:
    """The outputs of the participants in changes that their recompute would newly meet by as_of
    if, in their stored evidence of the Evidence field `field`, the first facts of changes[pid]
    were replaced by the second: each one's evidence read and amended in memory, and the
    recompute's own verdicts found (engagement/recompute.each_verdict), without writing."""
    ids = sorted(changes)
    before = stored_met_on(ids)

    def amend(pid: int, evidence: Evidence) -> None:
        gone, added = changes[pid]
        facts = getattr(evidence, field)
        for fact in gone:
            facts.remove(fact)
        facts.extend(added)

    after: dict[tuple[int, int], date | None] = {}
    for start in range(0, len(ids), CHUNK):
        for pid, verdicts in each_verdict(ids[start : start + CHUNK], book, amend):
            for met in verdicts:
                after[(pid, met.number)] = met.met_on
    return _newly(before, after, as_of)


def _newly(before: dict[tuple[int, int], date | None], after: dict[tuple[int, int], date | None],
           as_of: date) -> NewlyMet:
    met: list[tuple[int, int, date]] = []
    for (pid, number), met_on in after.items():
        was = before.get((pid, number))
        if met_on is not None and met_on <= as_of and (was is None or was > as_of):
            met.append((pid, number, met_on))
    wanted = sorted({pid for pid, _, _ in met})
    people: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        for pid, ref, name in db.session.execute(
            select(Participant.id, Participant.participant_id, Participant.full_name)
            .where(Participant.id.in_(wanted[start : start + CHUNK]))
        ):
            people[pid] = (ref, name)
    return NewlyMet(as_of, tuple(sorted(Met(number, *people[pid], met_on) for pid, number, met_on in met)))
