"""Reference data into the database: the shipped files at `init`, or EDT's folder (`reference load`).

Reference data belongs to EDT once installed (DOMAIN.md). `install` (what `init` runs) adds
what is new in the shipped files - a course with its content, a cohort, a schedule output, a
block window - and never changes a row the database has; it reports the rows where the two
differ. `load_folder` makes the database hold exactly what an EDT folder says, checked as a
whole first: a folder with any problem changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from ..audit import record
from ..engagement.book import Book, title_key
from ..engagement.recompute import recompute
from ..extensions import db
from ..models import (Activity, Block, BlockWindow, Cohort, Course, CreditRecord, Participant, RegisterEntry,
                      RegisterSession, ScheduleOutput)
from ..rules.reference import cohort_problems
from .folder import KEYS, Reference, describe, keyed_cells, read_folder, snapshot, write_folder
from .starts import start_problem

DATA = Path(__file__).parent / "data"


class ReferenceError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Installed:
    added: dict[str, int] = field(default_factory=dict)  # file -> rows added
    differences: list[str] = field(default_factory=list)  # shipped rows the database holds otherwise


@dataclass
class Loaded:
    changed: dict[str, int] = field(default_factory=dict)  # file -> rows created, updated or removed
    recomputed: int = 0
    participants: tuple[int, ...] = ()  # to recompute, when the load left it to its caller


class _Writer:
    """Writes Reference rows to the tables, auditing each change when `actor` is given."""

    def __init__(self, actor: str | None):
        self.actor = actor
        self.changed: dict[str, int] = {}
        self.courses = {c.code: c for c in db.session.scalars(select(Course))}
        self.blocks = {(b.course_id, b.number): b for b in db.session.scalars(select(Block))}
        self.activities = {(a.block_id, title_key(a.title)): a for a in db.session.scalars(select(Activity))}
        self.cohorts = {c.number: c for c in db.session.scalars(select(Cohort))}
        self.schedules = {(o.cohort, o.course_group, o.number): o for o in db.session.scalars(select(ScheduleOutput))}
        self.windows = {(w.cohort, w.course_group, w.block): w for w in db.session.scalars(select(BlockWindow))}
        self.touched_courses: set[str] = set()
        self.touched_schedules: set[tuple[int, str]] = set()

    def _put(self, file: str, entity: str, thing, values: dict, identity: dict) -> None:
        before = {k: getattr(thing, k) for k in values} if thing.id is not None else None
        if before == values:
            return
        for name, value in values.items():
            setattr(thing, name, value)
        db.session.add(thing)
        db.session.flush()
        self.changed[file] = self.changed.get(file, 0) + 1
        if self.actor:
            record(self.actor, "update" if before else "create", entity, thing.id,
                   before=None if before is None else {**identity, **before}, after={**identity, **values})

    def _remove(self, file: str, entity: str, thing, identity: dict) -> None:
        if self.actor:
            record(self.actor, "delete", entity, thing.id, before=identity)
        db.session.delete(thing)
        db.session.flush()
        self.changed[file] = self.changed.get(file, 0) + 1

    def course(self, row, printed_total) -> None:
        course = self.courses.get(row.code) or Course(code=row.code)
        self.courses[row.code] = course
        values = {"name": row.name, "course_group": row.course_group, "outputs": row.outputs,
                  "dfe_identifier": row.dfe_identifier, "cohorts": row.cohorts, "printed_total": printed_total}
        if course.id is not None and (course.outputs, course.printed_total) != (row.outputs, printed_total):
            self.touched_courses.add(row.code)
        self._put("courses", "course", course, values, {"course": row.code})

    def block(self, code: str, number: int, total) -> None:
        course = self.courses[code]
        block = self.blocks.get((course.id, number)) or Block(course_id=course.id, number=number)
        self.blocks[(course.id, number)] = block
        if block.printed_total != total or block.id is None:
            self.touched_courses.add(code)
        self._put("block_totals", "block", block, {"printed_total": total}, {"course": code, "block": number})

    def activity(self, row) -> None:
        block = self.blocks[(self.courses[row.course].id, row.block)]
        activity = self.activities.get((block.id, title_key(row.title))) or Activity(block_id=block.id)
        self.activities[(block.id, title_key(row.title))] = activity
        values = {"position": row.position, "component": row.component, "title": row.title,
                  "duration": row.duration, "credits": row.credits}
        if activity.id is None or (activity.credits, activity.component) != (row.credits, row.component):
            self.touched_courses.add(row.course)
        self._put("content", "activity", activity, values, {"course": row.course, "block": row.block})

    def remove_activity(self, key) -> None:
        activity = self.activities.pop(key)
        block = activity.block
        self.touched_courses.add(block.course.code)
        self._remove("content", "activity", activity, {"course": block.course.code, "block": block.number,
                                                       "title": activity.title, "credits": activity.credits})

    def cohort(self, row) -> None:
        cohort = self.cohorts.get(row.number) or Cohort(number=row.number)
        self.cohorts[row.number] = cohort
        values = {"name": row.name, "start_date": row.start_date, "specialist_schedule": row.specialist_schedule,
                  "leadership_schedule": row.leadership_schedule}
        before = None if cohort.name is None else {k: getattr(cohort, k) for k in values}
        if before == values:
            return
        for name, value in values.items():
            setattr(cohort, name, value)
        db.session.add(cohort)
        db.session.flush()
        self.changed["cohorts"] = self.changed.get("cohorts", 0) + 1
        if self.actor:
            record(self.actor, "update" if before else "create", "cohort", row.number,
                   before=before and {"cohort": row.number, **before}, after={"cohort": row.number, **values})

    def schedule(self, row) -> None:
        key = (row.cohort, row.course_group, row.output)
        output = self.schedules.get(key) or ScheduleOutput(cohort=row.cohort, course_group=row.course_group,
                                                           number=row.output)
        self.schedules[key] = output
        values = {"name": row.name, "percentage": row.percentage, "review_date": row.review_date,
                  "invoice_date": row.invoice_date, "payment_date": row.payment_date}
        if output.id is None or output.review_date != row.review_date:
            self.touched_schedules.add(key[:2])
        self._put("schedules", "schedule_output", output, values,
                  {"cohort": row.cohort, "course_group": row.course_group, "output": row.output})

    def window(self, row) -> None:
        key = (row.cohort, row.course_group, row.block)
        window = self.windows.get(key) or BlockWindow(cohort=row.cohort, course_group=row.course_group, block=row.block)
        self.windows[key] = window
        self._put("block_windows", "block_window", window, {"opens": row.opens, "closes": row.closes},
                  {"cohort": row.cohort, "course_group": row.course_group, "block": row.block})

    def remove_window(self, key) -> None:
        window = self.windows.pop(key)
        self._remove("block_windows", "block_window", window,
                     {"cohort": window.cohort, "course_group": window.course_group, "block": window.block,
                      "opens": window.opens, "closes": window.closes})


def _shipped(folder: Path) -> Reference:
    data, problems = read_folder(folder)
    if problems:
        raise ReferenceError(problems)
    return data


def install(folder: Path = DATA) -> Installed:
    """Add what is new in the shipped files; report, never overwrite, what differs. The caller commits."""
    shipped = _shipped(folder)
    held = snapshot()
    fresh = not held.courses and not held.cohorts
    writer = _Writer(None if fresh else "init")
    for code, row in shipped.courses.items():
        if code in held.courses:
            continue
        writer.course(row, shipped.course_totals.get(code))
        for (course, number), total in shipped.block_totals.items():
            if course == code:
                writer.block(code, number, total)
        for activity in shipped.content.values():
            if activity.course == code:
                writer.activity(activity)
    for number, row in shipped.cohorts.items():
        if number not in held.cohorts:
            writer.cohort(row)
    for key, row in shipped.schedules.items():
        if key not in held.schedules:
            writer.schedule(row)
    for key, row in shipped.windows.items():
        if key not in held.windows:
            writer.window(row)
    db.session.flush()
    installed = Installed(added=writer.changed)
    if not fresh:
        after = snapshot()
        problems = after.problems()
        if problems:
            raise ReferenceError(problems)
        installed.differences = differences(shipped, after)
    return installed


def differences(shipped: Reference, held: Reference) -> list[str]:
    """One line per row where the shipped files and the database differ."""
    lines = []
    ours, theirs = keyed_cells(shipped), keyed_cells(held)
    for name in KEYS:
        for key, values in ours[name].items():
            place = shipped.where.get((name, key[0] if len(key) == 1 else key), f"{name}.csv")
            other = theirs[name].get(key)
            if other is None:
                lines.append(f"{place}: {describe(name, values)[len(name) + 6:]}: not in the database")
                continue
            for column, value in values.items():
                if other[column] != value:
                    lines.append(f"{place}: {column}: shipped {value}, the database has {other[column]}")
        for key, values in theirs[name].items():
            if key not in ours[name]:
                lines.append(f"{describe(name, values)}: only in the database")
    return lines


def _removal_problems(folder: Reference, held: Reference) -> list[str]:
    problems = []
    for code in held.courses:
        if code not in folder.courses:
            problems.append(f"courses.csv: {code}: missing (a course cannot be removed)")
    for key in held.block_totals:
        if key not in folder.block_totals and key[0] in folder.courses:
            problems.append(f"block_totals.csv: {key[0]} block {key[1]}: missing (a block cannot be removed)")
    for number in held.cohorts:
        if number not in folder.cohorts:
            problems.append(f"cohorts.csv: cohort {number}: missing (a cohort cannot be removed)")
    for key in held.schedules:
        if key not in folder.schedules and key[0] in folder.cohorts:
            problems.append(f"schedules.csv: cohort {key[0]} {key[1]} output {key[2]}: missing "
                            "(a schedule output cannot be removed)")
    return problems


def _used(activity_id: int) -> int:
    return sum(db.session.scalar(select(func.count()).select_from(model).where(model.activity_id == activity_id))
               for model in (CreditRecord, RegisterEntry, RegisterSession))


def _database_problems(folder: Reference, held: Reference, writer: _Writer) -> list[str]:
    """What the folder would do to participants and evidence that the database holds."""
    problems = _removal_problems(folder, held)
    taken = db.session.execute(select(Course.code, Participant.cohort, func.count()).join(
        Participant, Participant.course_id == Course.id).group_by(Course.code, Participant.cohort)).all()
    in_course: dict[str, list[int]] = {}
    for code, cohort, _ in taken:
        in_course.setdefault(code, []).append(cohort)
    for code, row in folder.courses.items():
        before = held.courses.get(code)
        where = folder.at("courses", code)
        if before and code in in_course:
            for column in ("course_group", "outputs"):
                if getattr(before, column) != getattr(row, column):
                    problems.append(f"{where}: {column}: {code} has participants, so its {column} stays "
                                    f"{getattr(before, column)}")
        problems += [f"{where}: cohorts: {p}" for p in
                     cohort_problems(code, [int(c) for c in row.cohorts.split()], sorted(in_course.get(code, [])))]
    for number, row in folder.cohorts.items():
        before = held.cohorts.get(number)
        if before and row.start_date > before.start_date:
            problem = start_problem(number, row.start_date)
            if problem:
                problems.append(f"{folder.at('cohorts', number, 'start_date')}: {problem}")
    for key, activity in writer.activities.items():
        block = activity.block
        folder_key = (block.course.code, block.number, key[1])
        if folder_key not in folder.content and block.course.code in folder.courses:
            used = _used(activity.id)
            if used:
                problems.append(f"content.csv: {block.course.code} block {block.number} '{activity.title}': missing, "
                                f"but {used} records of evidence use it (an activity in use cannot be removed)")
    return problems


def _checked(folder: Path, actor: str | None) -> tuple[Reference, Reference, _Writer]:
    """The folder's data, the database's, and a writer: or ReferenceError naming every problem."""
    data, problems = read_folder(folder)
    if problems:
        raise ReferenceError(problems)
    held = snapshot()
    writer = _Writer(actor)
    problems = _database_problems(data, held, writer)
    if problems:
        raise ReferenceError(problems)
    return data, held, writer


def folder_changes(folder: Path) -> list[str]:
    """What loading the folder would change, one line per row (its file and key), checked as load_folder checks
    it (ReferenceError when it could not be loaded); nothing is written."""
    data, held, _ = _checked(folder, None)
    ours, theirs = keyed_cells(data), keyed_cells(held)
    lines = []
    for name in KEYS:
        for key, values in ours[name].items():
            other = theirs[name].get(key)
            if other is None:
                lines.append(f"{describe(name, values)}: added")
                continue
            lines += [f"{describe(name, values)}: {column} {other[column]} becomes {value}"
                      for column, value in values.items() if other[column] != value]
        lines += [f"{describe(name, values)}: removed" for key, values in theirs[name].items() if key not in ours[name]]
    return lines


def load_folder(folder: Path, actor: str, recompute_now: bool = True) -> Loaded:
    """Make the reference data what the folder says, or raise ReferenceError and change nothing.

    Audited as `actor`; met_on is recomputed for the participants of every course whose content
    changed and of every cohort and course group whose review dates changed (recompute_now=False:
    Loaded.participants lists them, for the caller to recompute). The caller commits.
    """
    data, held, writer = _checked(folder, actor)
    for key in [k for k, a in writer.activities.items()
                if (a.block.course.code, a.block.number, k[1]) not in data.content]:
        writer.remove_activity(key)
    for code, row in data.courses.items():
        writer.course(row, data.course_totals.get(code))
    for (code, number), total in data.block_totals.items():
        writer.block(code, number, total)
    for activity in data.content.values():
        writer.activity(activity)
    for row in data.cohorts.values():
        writer.cohort(row)
    for row in data.schedules.values():
        writer.schedule(row)
    for key in [k for k in writer.windows if k not in data.windows]:
        writer.remove_window(key)
    for row in data.windows.values():
        writer.window(row)
    db.session.flush()
    ids = _affected(writer)
    if not recompute_now:
        return Loaded(writer.changed, 0, tuple(ids))
    return Loaded(writer.changed, recompute(ids, Book()) if ids else 0)


def _affected(writer: _Writer) -> list[int]:
    ids: set[int] = set()
    if writer.touched_courses:
        ids |= set(db.session.scalars(select(Participant.id).join(Course, Participant.course_id == Course.id)
                                      .where(Course.code.in_(writer.touched_courses))))
    for cohort, group in writer.touched_schedules:
        ids |= set(db.session.scalars(select(Participant.id).join(Course, Participant.course_id == Course.id)
                                      .where(Participant.cohort == cohort, Course.course_group == group)))
    return sorted(ids)


def export_folder(folder: Path) -> list[Path]:
    """Write the reference data as it stands, EDT's edits included."""
    return write_folder(snapshot(), folder)


def load_reference(folder: Path = DATA) -> Installed:
    """What `init` runs: the shipped reference data into a new database, or what is new into an existing one."""
    return install(folder)

