"""Moodle's activity completion report, `report/progress` (FORMATS.md section 6), from either
download: "spreadsheet format (UTF-8 .csv)" (comma) or "Excel-compatible format (.csv)" (UTF-16LE
with BOM, TAB). Every cell is quoted; the header row begins with the separator (nothing over the
name column), then the identity fields shown (default `Email address`), then two columns per
activity, its name and its "expected completed on" date; each learner's row has the full name, the
identity fields, then a state and a date per activity.

Decisions (FORMATS.md sections 6, 9.5, 9.6, INTERCHANGE.md "import credits"):
- Activities are read by position, never keyed by title: titles repeat across blocks, and there is
  no block column. `Activity.position` counts them from 1 in the file's order.
- Where the identity fields end is found from the content: the first split after which every
  learner's state cells are completion states (and the header's date cells are dates or empty).
- `completed` is any `Completed ...` state: `Completed`, `(achieved pass grade)`, `(did not
  achieve pass grade)`, `(set by <teacher>)`. `Not completed ...` is not, whatever its date: a
  date alone never means completed. The date is Moodle's `%F %T` in the viewer's zone (Moodle 2.x's
  long `userdate()` text reads too). An unknown state is a row problem.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from ..reading import NO_LIMITS, FileProblem, Limits, header_key
from .results import Activity, Completion, CompletionReport, Learner, RowProblem
from .text import Head, Row, email_key, table

STATE = re.compile(r"(?P<not>Not )?Completed(?: \((?:(?P<pass>achieved pass grade)|(?P<fail>did not achieve pass "
                   r"grade)|set by (?P<by>.*))\))?", re.IGNORECASE)
SAMPLE = 50  # learners whose states place the activity columns (all are read, and checked, after)
DATE_FORMATS = ("%A, %d %B %Y, %I:%M %p", "%d %B %Y, %I:%M %p")


def recognise(head: Head) -> bool:
    """The header row begins with its separator, then a heading; the first learner's row, if any,
    holds a completion state."""
    first = head.first
    if not (len(first) > 1 and first[0] in ",\t" and first[1] not in ",\t"):
        return False
    return len(head.lines) < 2 or any(STATE.fullmatch(cell) for cell in head.cells(1))


@lru_cache(maxsize=65536)
def _date(text: str) -> datetime:
    """Moodle's `%F %T` (ISO, read fast: a large report holds hundreds of thousands), or its 2.x text."""
    if text[:1].isdigit() and text[4:5] == "-":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(" ".join(text.split()), form)
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date")


def _width(header: Row, learners: list[Row], first: int) -> int:
    """How wide the table is: the widest row, and one more when the last date is empty (a row's
    trailing empty cells are dropped when it is read)."""
    width = max([len(header.cells)] + [len(row.cells) for row in learners])
    return width + (width - first) % 2


def _fits(header: Row, learners: list[Row], fields: int) -> bool:
    """Whether `fields` identity columns leave activity pairs: a date (or nothing) over each second
    column, and, when the states must be known (learners given), a completion state in each first."""
    first = 1 + fields
    width = _width(header, learners, first)
    if width <= first:
        return False
    for column in range(first + 1, width, 2):
        if header.cell(column):
            try:
                _date(header.cell(column))
            except ValueError:
                return False
    return all(STATE.fullmatch(row.cell(column)) for row in learners for column in range(first, width, 2))


def read(data: bytes, *, dates: str | None = None, limits: Limits = NO_LIMITS) -> CompletionReport:
    """`dates` is accepted for a common signature and not needed: Moodle writes ISO dates."""
    rows = table(data, limits)
    header, learners = rows[0], rows[1:]
    fields = next((n for n in range(len(header.cells)) if _fits(header, learners[:SAMPLE], n)), None)
    if fields is None:  # a state the tracker does not know (a translated Moodle?): split by the header alone
        fields = next((n for n in range(len(header.cells)) if _fits(header, [], n)), None)
    if fields is None:
        raise FileProblem("This looks like Moodle's activity completion report, but its columns do not pair up as "
                          "an activity and a date after the name and identity columns: download it again from "
                          "Reports > Activity completion")
    first = 1 + fields
    width = _width(header, learners, first)
    problems: list[RowProblem] = []
    activities = []
    for position, column in enumerate(range(first, width, 2), start=1):
        expected = header.cell(column + 1)
        activities.append(Activity(position, header.cell(column), _date(expected) if expected else None))
    headings = tuple(header.cells[1:first])
    email_at = next((i for i, h in enumerate(headings, start=1) if header_key(h) in {"emailaddress", "email"}), None)
    people = []
    columns = range(first, width, 2)
    for row in learners:
        cells = row.cells + [""] * (width - len(row.cells))
        pairs = [_completion(cells[column], cells[column + 1]) for column in columns]
        for activity, (_, wrong) in zip(activities, pairs) if any(wrong for _, wrong in pairs) else ():
            problems.extend(RowProblem(row.number, f"{row.label}: {row.cell(0)}: {activity.title} "
                                                   f"(activity {activity.position}): {message}") for message in wrong)
        completions = [completion for completion, _ in pairs]
        people.append(Learner(row.number, row.cell(0), email_key(row.cell(email_at)) if email_at else None,
                              tuple((h, row.cell(i)) for i, h in enumerate(headings, start=1)), tuple(completions)))
    return CompletionReport("moodle-completion", headings, tuple(activities), tuple(people), tuple(problems))


@lru_cache(maxsize=65536)
def _completion(state: str, when: str) -> tuple[Completion, tuple[str, ...]]:
    """A cell pair read, and what is wrong with it; the same pair recurs thousands of times."""
    wrong = []
    on = None
    if when:
        try:
            on = _date(when)
        except ValueError as error:
            wrong.append(str(error))
    found = STATE.fullmatch(state)
    if found is None:
        wrong.append(f"'{state}' is not a completion state")
        return Completion(state, False, on, None), tuple(wrong)
    return Completion(state, not found["not"], on, found["by"]), tuple(wrong)
