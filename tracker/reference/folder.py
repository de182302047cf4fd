"""A reference folder (INTERCHANGE.md "Reference folder"): read and checked as a whole, or written.

`read_folder` turns the CSV files into a `Reference` and a list of problems, each naming the
file, its row (the header is row 1) and the field. `snapshot` is the same `Reference` read from
the database, so a folder, the shipped data and the database compare key by key.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from ..exports.cells import safe
from ..extensions import db
from ..imports.fields import control_character_problem, text
from ..imports.reading import FileProblem, text_encoding
from ..models import Activity, Block, BlockWindow, Cohort, Course, ScheduleOutput
from ..rules.facts import COMPONENTS
from ..rules.reference import BlockFacts, ScheduleFacts, content_problems, offering_problems, schedule_problems, window_problems

COLUMNS = {
    "courses": ("code", "name", "course_group", "outputs", "dfe_identifier", "cohorts"),
    "cohorts": ("cohort", "name", "start_date", "specialist_schedule", "leadership_schedule"),
    "schedules": ("cohort", "course_group", "output", "name", "percentage", "review_date", "invoice_date",
                  "payment_date"),
    "content": ("course", "block", "position", "component", "title", "duration", "credits"),
    "block_totals": ("course", "block", "total"),
    "course_totals": ("course", "total"),
    "block_windows": ("cohort", "course_group", "block", "opens", "closes"),
}
OPTIONAL = ("block_windows",)
GROUPS = ("specialist", "leadership", "coaching")
TBC = "TBC"


@dataclass(frozen=True)
class CourseRow:
    code: str
    name: str
    course_group: str
    outputs: int
    dfe_identifier: str
    cohorts: str


@dataclass(frozen=True)
class CohortRow:
    number: int
    name: str
    start_date: date
    specialist_schedule: str
    leadership_schedule: str


@dataclass(frozen=True)
class ScheduleRow:
    cohort: int
    course_group: str
    output: int
    name: str
    percentage: Decimal
    review_date: date
    invoice_date: date
    payment_date: date


@dataclass(frozen=True)
class ActivityRow:
    course: str
    block: int
    position: int
    component: str
    title: str
    duration: str
    credits: int | None


@dataclass(frozen=True)
class WindowRow:
    cohort: int
    course_group: str
    block: int
    opens: date
    closes: date


@dataclass
class Reference:
    """Reference data keyed as the files identify their rows."""

    courses: dict[str, CourseRow] = field(default_factory=dict)
    cohorts: dict[int, CohortRow] = field(default_factory=dict)
    schedules: dict[tuple[int, str, int], ScheduleRow] = field(default_factory=dict)
    content: dict[tuple[str, int, str], ActivityRow] = field(default_factory=dict)  # (course, block, title)
    block_totals: dict[tuple[str, int], int | None] = field(default_factory=dict)
    course_totals: dict[str, int | None] = field(default_factory=dict)
    windows: dict[tuple[int, str, int], WindowRow] = field(default_factory=dict)
    where: dict[tuple, str] = field(default_factory=dict)  # (file, key) -> "file.csv: row N"

    def at(self, file: str, key, column: str | None = None) -> str:
        place = self.where.get((file, key), f"{file}.csv")
        return f"{place}: {column}" if column else place

    def problems(self) -> list[str]:
        """The checks of rules/reference.py on the whole, each named by its file, row and field."""
        problems = []
        blocks: dict[str, list[BlockFacts]] = {}
        for (course, number), total in sorted(self.block_totals.items()):
            credits = tuple(a.credits for a in sorted(self.content.values(), key=lambda a: a.position)
                            if (a.course, a.block) == (course, number)) or (None,)
            facts = BlockFacts(course, number, total, credits)
            blocks.setdefault(course, []).append(facts)
            problems += [f"{self.at('block_totals', (course, number), 'total')}: {p}" for p in content_problems([facts], {})]
        for course, total in sorted(self.course_totals.items()):
            own = blocks.get(course, [])
            block_level = set(content_problems(own, {}))
            problems += [f"{self.at('course_totals', course, 'total')}: {p}"
                         for p in content_problems(own, {course: total}) if p not in block_level]
        for key in sorted({(c, g) for c, g, _ in self.schedules}):
            rows = [ScheduleFacts(r.cohort, r.course_group, r.output, r.review_date, r.invoice_date, r.payment_date)
                    for k, r in sorted(self.schedules.items()) if k[:2] == key]
            for problem in schedule_problems(rows):
                number = int(problem.split(":")[0].rsplit(" ", 1)[1])
                row = self.schedules[key + (number,)]
                column = ("review_date" if "not after" in problem else
                          "invoice_date" if not row.review_date < row.invoice_date else "payment_date")
                problems.append(f"{self.at('schedules', key + (number,), column)}: {problem}")
        offered = {c.code: (c.course_group, c.outputs, [int(n) for n in c.cohorts.split()]) for c in self.courses.values()}
        scheduled: dict[tuple[int, str], int] = {}
        for cohort, group, _ in self.schedules:
            scheduled[(cohort, group)] = scheduled.get((cohort, group), 0) + 1
        for problem in offering_problems(offered, list(self.cohorts), scheduled):
            problems.append(f"{self.at('courses', problem.split(':')[0], 'cohorts')}: {problem}")
        for key, window in sorted(self.windows.items()):
            problems += [f"{self.at('block_windows', key, column)}: {p}"
                         for column, p in window_problems(window.course_group, window.block, window.opens, window.closes)]
        return problems


class _Reader:
    def __init__(self, folder: Path):
        self.folder = folder
        self.problems: list[str] = []
        self.data = Reference()

    def rows(self, name: str):
        path = self.folder / f"{name}.csv"
        if not path.exists():
            if name not in OPTIONAL:
                self.problems.append(f"{name}.csv: the file is missing")
            return
        with open(path, "rb") as raw:
            try:
                encoding = text_encoding(raw)  # UTF-8 or Windows-1252, as every file the tracker reads
            except FileProblem as problem:
                self.problems.append(f"{name}.csv: {problem}")
                return
            try:
                yield from self._rows(name, io.TextIOWrapper(raw, encoding=encoding, newline=""))
            except csv.Error as error:
                self.problems.append(f"{name}.csv: not a readable CSV file: {error}")

    def _rows(self, name: str, handle):
        reader = csv.reader(handle)
        header = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in next(reader, [])]
        missing = [c for c in COLUMNS[name] if c not in header]
        if missing:
            self.problems.append(f"{name}.csv: row 1: {', '.join(missing)}: missing column")
            return
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            values = dict(zip(header, (text(c) for c in cells)))  # the ' an export put before =... taken off
            place = f"{name}.csv: row {number}"
            unstorable = [f"{place}: {c}: {problem}" for c in COLUMNS[name]
                          if (problem := control_character_problem(values.get(c, "")))]
            if unstorable:
                self.problems.extend(unstorable)
                continue
            yield place, {c: values.get(c, "") for c in COLUMNS[name]}

    def value(self, place: str, row: dict, column: str, parse):
        try:
            return parse(row[column])
        except ValueError as error:
            self.problems.append(f"{place}: {column}: {error}")
            raise _Bad from None

    def keep(self, file: str, store: dict, key, value, place: str) -> None:
        if key in store:
            self.problems.append(f"{place}: {COLUMNS[file][0]}: repeats {self.data.where[(file, key)]}")
            return
        store[key] = value
        self.data.where[(file, key)] = place


class _Bad(Exception):
    pass


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a whole number") from None


def _count(text: str) -> int:
    number = _whole(text)
    if number < 0:
        raise ValueError(f"{number} is less than 0")
    return number


def _count_or_tbc(text: str) -> int | None:
    if text.upper() == TBC:
        return None
    try:
        return _count(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a whole number or TBC") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _text(text: str) -> str:
    if not text:
        raise ValueError("is empty")
    return text


def _group(text: str) -> str:
    if text not in GROUPS:
        raise ValueError(f"'{text}' is not one of {', '.join(GROUPS)}")
    return text


def _component(text: str) -> str:
    if text not in COMPONENTS:
        raise ValueError(f"'{text}' is not one of {', '.join(COMPONENTS)}")
    return text


def _percentage(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number") from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"{text} is outside 0..100")
    return value


def _cohort_list(text: str) -> str:
    numbers = [_count(n) for n in text.split()]
    return " ".join(map(str, numbers))


def read_folder(folder: Path) -> tuple[Reference, list[str]]:
    """The folder's reference data and every problem found in it (an empty list: it may be loaded)."""
    reader = _Reader(Path(folder))
    data = reader.data

    def each(name, build):
        for place, row in reader.rows(name):
            try:
                build(place, row, lambda column, parse: reader.value(place, row, column, parse))
            except _Bad:
                continue

    def course(place, row, v):
        made = CourseRow(v("code", _text), v("name", _text), v("course_group", _group), v("outputs", _count),
                         v("dfe_identifier", _text), v("cohorts", _cohort_list))
        reader.keep("courses", data.courses, made.code, made, place)

    def cohort(place, row, v):
        made = CohortRow(v("cohort", _count), v("name", _text), v("start_date", _day),
                         v("specialist_schedule", _text), v("leadership_schedule", _text))
        reader.keep("cohorts", data.cohorts, made.number, made, place)

    def schedule(place, row, v):
        made = ScheduleRow(v("cohort", _count), v("course_group", _group), v("output", _count), v("name", _text),
                           v("percentage", _percentage), v("review_date", _day), v("invoice_date", _day),
                           v("payment_date", _day))
        if made.cohort not in data.cohorts:
            reader.problems.append(f"{place}: cohort: {made.cohort} is not in cohorts.csv")
            return
        reader.keep("schedules", data.schedules, (made.cohort, made.course_group, made.output), made, place)

    def known_course(place, code):
        if code not in data.courses:
            reader.problems.append(f"{place}: course: '{code}' is not in courses.csv")
            raise _Bad

    named_blocks: set[tuple[str, int]] = set()

    def block_total(place, row, v):
        code, number = v("course", _text), v("block", _count)
        named_blocks.add((code, number))
        total = v("total", _count_or_tbc)
        known_course(place, code)
        reader.keep("block_totals", data.block_totals, (code, number), total, place)

    def content(place, row, v):
        made = ActivityRow(v("course", _text), v("block", _count), v("position", _count), v("component", _component),
                           v("title", _text), row["duration"] or TBC, v("credits", _count_or_tbc))
        known_course(place, made.course)
        if (made.course, made.block) not in named_blocks:
            reader.problems.append(f"{place}: block: {made.course} block {made.block} is not in block_totals.csv")
            return
        from ..engagement.book import title_key

        reader.keep("content", data.content, (made.course, made.block, title_key(made.title)), made, place)

    def course_total(place, row, v):
        code, total = v("course", _text), v("total", _count_or_tbc)
        known_course(place, code)
        reader.keep("course_totals", data.course_totals, code, total, place)

    def window(place, row, v):
        made = WindowRow(v("cohort", _count), v("course_group", _group), v("block", _count), v("opens", _day),
                         v("closes", _day))
        if made.cohort not in data.cohorts:
            reader.problems.append(f"{place}: cohort: {made.cohort} is not in cohorts.csv")
            return
        reader.keep("block_windows", data.windows, (made.cohort, made.course_group, made.block), made, place)

    each("courses", course)
    each("cohorts", cohort)
    each("schedules", schedule)
    each("block_totals", block_total)
    each("content", content)
    each("course_totals", course_total)
    each("block_windows", window)
    problems = reader.problems
    if not problems:
        problems = data.problems()
    return data, problems


def snapshot() -> Reference:
    """The reference data the database holds, keyed as a folder's."""
    from ..engagement.book import title_key

    data = Reference()
    # in the order they were installed (the shipped files'), so an export's rows do not move after an edit
    courses = {c.id: c for c in db.session.scalars(select(Course).order_by(Course.id))}
    for course in courses.values():
        data.courses[course.code] = CourseRow(course.code, course.name, course.course_group, course.outputs,
                                              course.dfe_identifier, course.cohorts)
    blocks = {b.id: b for b in db.session.scalars(select(Block))}
    for block in blocks.values():
        data.block_totals[(courses[block.course_id].code, block.number)] = block.printed_total
    for course in courses.values():
        if course.printed_total is not None or any(b.course_id == course.id for b in blocks.values()):
            data.course_totals[course.code] = course.printed_total
    for activity in db.session.scalars(select(Activity)):
        block = blocks[activity.block_id]
        code = courses[block.course_id].code
        data.content[(code, block.number, title_key(activity.title))] = ActivityRow(
            code, block.number, activity.position, activity.component, activity.title, activity.duration,
            activity.credits)
    for cohort in db.session.scalars(select(Cohort)):
        data.cohorts[cohort.number] = CohortRow(cohort.number, cohort.name, cohort.start_date,
                                                cohort.specialist_schedule, cohort.leadership_schedule)
    for row in db.session.scalars(select(ScheduleOutput)):
        data.schedules[(row.cohort, row.course_group, row.number)] = ScheduleRow(
            row.cohort, row.course_group, row.number, row.name, Decimal(row.percentage), row.review_date,
            row.invoice_date, row.payment_date)
    for window in db.session.scalars(select(BlockWindow)):
        data.windows[(window.cohort, window.course_group, window.block)] = WindowRow(
            window.cohort, window.course_group, window.block, window.opens, window.closes)
    return data


def _cell(value) -> str:
    if value is None:
        return TBC
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def file_rows(data: Reference) -> dict[str, list[tuple]]:
    """Each file's rows, in the shipped files' order."""
    order = {code: i for i, code in enumerate(data.courses)}

    def by_course(code):
        return order.get(code, len(order)), code

    return {
        "courses": [(c.code, c.name, c.course_group, c.outputs, c.dfe_identifier, c.cohorts) for c in data.courses.values()],
        "cohorts": [(c.number, c.name, c.start_date, c.specialist_schedule, c.leadership_schedule)
                    for _, c in sorted(data.cohorts.items())],
        "schedules": [(r.cohort, r.course_group, r.output, r.name, r.percentage, r.review_date, r.invoice_date,
                       r.payment_date)
                      for _, r in sorted(data.schedules.items(), key=lambda kv: (kv[0][0], kv[0][1] != "specialist",
                                                                                 kv[0][1], kv[0][2]))],
        "content": [(a.course, a.block, a.position, a.component, a.title, a.duration, a.credits)
                    for a in sorted(data.content.values(), key=lambda a: (by_course(a.course), a.block, a.position))],
        "block_totals": [(course, block, total) for (course, block), total in
                         sorted(data.block_totals.items(), key=lambda kv: (by_course(kv[0][0]), kv[0][1]))],
        "course_totals": [(course, total) for course, total in
                          sorted(data.course_totals.items(), key=lambda kv: by_course(kv[0]))],
        "block_windows": [(w.cohort, w.course_group, w.block, w.opens, w.closes)
                          for _, w in sorted(data.windows.items())],
    }


KEYS = {
    "courses": ("code",), "cohorts": ("cohort",), "schedules": ("cohort", "course_group", "output"),
    "content": ("course", "block", "title"), "block_totals": ("course", "block"), "course_totals": ("course",),
    "block_windows": ("cohort", "course_group", "block"),
}


def keyed_cells(data: Reference) -> dict[str, dict[tuple, dict[str, str]]]:
    """file -> row key -> column -> cell as the file writes it; keys as in Reference (titles by title_key)."""
    from ..engagement.book import title_key

    cells: dict[str, dict[tuple, dict[str, str]]] = {}
    for name, rows in file_rows(data).items():
        found = cells[name] = {}
        for row in rows:
            values = dict(zip(COLUMNS[name], (_cell(v) for v in row)))
            key = tuple(int(values[c]) if c in ("cohort", "block", "output") else values[c] for c in KEYS[name])
            if name == "content":
                key = (key[0], key[1], title_key(key[2]))
            found[key] = values
    return cells


def describe(name: str, values: dict[str, str]) -> str:
    words = {"title": "'{}'", "block": "block {}", "output": "output {}", "cohort": "cohort {}"}
    return f"{name}.csv: " + " ".join(words.get(c, "{}").format(values[c]) for c in KEYS[name])


def write_folder(data: Reference, folder: Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in file_rows(data).items():
        path = folder / f"{name}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS[name])
            writer.writerows([safe(_cell(v)) for v in row] for row in rows)  # '=HYPERLINK(..) as every export
        written.append(path)
    return written
