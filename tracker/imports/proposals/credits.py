"""Credits proposed from Moodle's activity completion report (INTERCHANGE.md `import credits FILE
--course CODE --cohort K`).

The report has no block column and its activity titles repeat across blocks, so its columns are
matched to the course's activities by title in order: the n-th column titled `Survey` is the
course's n-th activity titled `Survey` (titles compared ignoring case and repeated spaces). Any
`Completed ...` state earns the activity's full credits, dated the cell's date; `Not completed
...` earns nothing, whatever its date. Learners are found by participant id where the report
shows one (an identity field `Participant ID` or Moodle's `ID number`), else by address, among
the course and cohort's participants.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ...rules.facts import title_key
from ..reports import CompletionReport
from .matching import People, Person, Unmatched

ID_FIELDS = ("Participant ID", "ID number")


@dataclass(frozen=True)
class CourseActivity:
    block: int
    title: str


@dataclass(frozen=True)
class ProposedCredit:
    person: Person
    activity: CourseActivity
    on: datetime | None  # None: Moodle gave no date (the importer refuses it)
    row: int


@dataclass
class ProposedCredits:
    credits: list[ProposedCredit] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # column titles that are no activity of the course
    unmatched: list[Unmatched] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def columns(report: CompletionReport, activities: Sequence[CourseActivity]) -> list[CourseActivity | None]:
    """The course's activity for each of the report's activity columns, in order; None for none."""
    of_title: dict[str, list[CourseActivity]] = {}
    for activity in activities:
        of_title.setdefault(title_key(activity.title), []).append(activity)
    seen: dict[str, int] = {}
    found = []
    for column in report.activities:
        key = title_key(column.title)
        nth = seen[key] = seen.get(key, 0) + 1
        same = of_title.get(key, [])
        found.append(same[nth - 1] if nth <= len(same) else None)
    return found


def propose(report: CompletionReport, activities: Sequence[CourseActivity], people: People) -> ProposedCredits:
    matched = columns(report, activities)
    proposed = ProposedCredits(problems=[str(problem) for problem in report.problems])
    proposed.unknown = [column.title for column, activity in zip(report.activities, matched) if activity is None]
    for learner in report.learners:
        ref = next((value for value in map(learner.field, ID_FIELDS) if value), None)
        person = people.find([learner.email], ref)
        if person is None:
            proposed.unmatched.append(Unmatched(learner.name, learner.email, None))
            continue
        proposed.credits.extend(
            ProposedCredit(person, activity, completion.on, learner.row)
            for activity, completion in zip(matched, learner.completions)
            if activity is not None and completion.completed)
    return proposed
