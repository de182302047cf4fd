"""`import KIND FILE [--dry-run]`, and the reports people have (INTERCHANGE.md "Reports as people
have them"): `import attendance REPORT --event TITLE --block N [...]` and `import credits REPORT
--course CODE --cohort K [--partner CODE]`. What a file is comes from its content, never its name.
Any other file is read with its headings mapped: `--column FIELD=HEADING`, `--value FIELD=VALUE`."""
from __future__ import annotations

import io
import re
import sys

import click
from flask.cli import with_appcontext

from ..clock import today
from ..engagement.book import Book
from ..extensions import db
from ..imports import importer_for, kinds, run_import
from ..imports.base import Context
from ..imports.fields import DATE_ORDERS, DAY_FIRST
from ..imports.from_report import Imported, import_completions, import_register, report_format
from ..imports.mapping import ColumnMapping, option
from ..imports.proposals.matching import Unmatched
from ..imports.proposals.register import Options
from ..imports.reading import FileProblem
from ..imports.serial import serialised
from ..refusal import Refusal
from ..rules.facts import ABSENT, CONTINGENCY
from .params import ISODate, partner_id

ATTENDANCE_REPORT = ("event", "block", "session_date", "minimum_minutes", "groups", "dates", "excused")
CREDITS_REPORT = ("course", "cohort")


class Group(click.ParamType):
    """`COURSE:COHORT`, e.g. NPQLT:4."""

    name = "COURSE:COHORT"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        found = re.fullmatch(r"\s*([A-Za-z]+)\s*:\s*(\d+)\s*", value)
        if found is None:
            self.fail(f"'{value}' is not a course and cohort like NPQLT:4", param, ctx)
        return found[1].upper(), int(found[2])


class Pair(click.ParamType):
    """`FIELD=HEADING` (--column) or `FIELD=VALUE` (--value)."""

    def __init__(self, name: str):
        self.name = name

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            return option(value)
        except ValueError:
            self.fail(f"'{value}' is not {self.name}", param, ctx)


@click.command("import")
@click.argument("kind", type=click.Choice(kinds.names()))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and count without writing.")
@click.option("--partner", default=None, help="Match only this delivery partner's participants.")
@click.option("--event", default=None, help="Attendance report: the training event's title.")
@click.option("--block", type=int, default=None, help="Attendance report: the event's block.")
@click.option("--session-date", type=ISODate(), default=None,
              help="Attendance report: the session's date (default: the report's).")
@click.option("--minimum-minutes", type=click.IntRange(min=0), default=None,
              help="Attendance report: minutes present to count as attended (default: half the session).")
@click.option("--group", "groups", type=Group(), multiple=True,
              help="Attendance report: the register's group, COURSE:COHORT (repeatable); its participants "
                   "not in the report are absent.")
@click.option("--dates", type=click.Choice(DATE_ORDERS), default=None,
              help="How to read dates that could be read both ways, like 4/5/2023 (default: day-first).")
@click.option("--excused", type=click.Choice((ABSENT, CONTINGENCY)), default=ABSENT,
              help="Moodle attendance export: what its E (excused) is.")
@click.option("--course", default=None, help="Completion report: the course's code.")
@click.option("--cohort", type=int, default=None, help="Completion report: the cohort.")
@click.option("--column", "columns", type=Pair("FIELD=HEADING"), multiple=True,
              help="Read FIELD of the kind from the column headed HEADING (repeatable).")
@click.option("--value", "values", type=Pair("FIELD=VALUE"), multiple=True,
              help="Give FIELD the same VALUE on every row, e.g. block=2 (repeatable).")
@with_appcontext
def import_command(kind, file, dry_run, partner, columns, values, **report):
    """Import a CSV or XLSX file of KIND, or a Teams, Zoom or Moodle report."""
    mapping = ColumnMapping(columns, values)
    with open(file, "rb") as stream:
        data = stream.read()
    try:
        found = report_format(data, kind) if kind in ("attendance", "credits") else None
    except FileProblem as problem:
        _refuse([str(problem)])
    _check_options(kind, file, found, report, mapping)
    context = Context(today=today(), book=Book(), user="command line",
                      partner_id=partner_id(partner) if partner else None, dates=report["dates"] or DAY_FIRST)
    with serialised(context.partner_id):
        try:
            if found is None:
                imported = Imported(run_import(importer_for(kind, context), io.BytesIO(data), file,
                                               dry_run=dry_run, mapping=mapping), None)
            elif kind == "credits":
                imported = import_completions(data, file, found, context, course=report["course"],
                                              cohort=report["cohort"], dry_run=dry_run)
            else:
                options = Options(report["session_date"], report["minimum_minutes"], report["groups"],
                                  report["excused"])
                imported = import_register(data, file, found, context, event=report["event"], block=report["block"],
                                           options=options, dates=report["dates"], dry_run=dry_run)
        except (FileProblem, Refusal) as problem:
            db.session.rollback()
            _refuse([_said(problem)])
        result = imported.result
        if not result.ok or dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    if not result.ok:
        lines = result.error_lines()
        if any(line.startswith("row 1: missing column") for line in lines):
            lines.append(MAP_THEM)
        _refuse(lines)
    click.echo(("dry run: " if dry_run else "") + result.summary())
    if imported.proposed is not None:
        for line in _lines(kind, imported, report):
            click.echo(line)
        for problem in imported.proposed.problems:
            click.echo(f"not read: {problem}", err=True)


MAP_THEM = ("map the file's headings with --column FIELD=HEADING, or give a field one value for every row "
            "with --value FIELD=VALUE")


def _given(report: dict, names) -> list[str]:
    return [f"--{'group' if name == 'groups' else name.replace('_', '-')}" for name in names
            if report[name] not in (None, (), ABSENT)]


def _check_options(kind: str, file: str, found, report: dict, mapping: ColumnMapping) -> None:
    """The options a report needs are given, and none that the file has no use for."""
    if found is None:
        given = _given(report, [name for name in report if name != "dates"])
        if given:
            raise click.UsageError(f"{given[0]} is for a Teams, Zoom or Moodle report, and "
                                   f"{click.format_filename(file)} is a file of {kind} columns")
        return
    if mapping:
        raise click.UsageError(f"--{'column' if mapping.columns else 'value'} is for a file of other columns, "
                               f"and {click.format_filename(file)} is {found.title}")
    needed, unused = ((("event", "block"), CREDITS_REPORT) if kind == "attendance"
                      else (CREDITS_REPORT, ATTENDANCE_REPORT))
    missing = [f"--{name}" for name in needed if report[name] is None]
    if missing:
        raise click.UsageError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required to import "
                               f"{found.title}")
    if _given(report, unused):
        raise click.UsageError(f"{_given(report, unused)[0]} is not used with {found.title}")


def _said(problem: Exception) -> str:
    """A refusal names the option at fault; a file problem is the file's."""
    if isinstance(problem, Refusal) and problem.field:
        return f"--{problem.field}: {problem.message}"
    return str(problem)


def _refuse(lines: list[str]):
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def _named(person: Unmatched) -> str:
    name = f"{person.name} <{person.email}>" if person.email else person.name
    return name if person.minutes is None else f"{name}: {person.minutes} minutes"


def _lines(kind: str, imported: Imported, report: dict) -> list[str]:
    """After the counts: what the report held that is not in the import."""
    proposed = imported.proposed
    lines = []
    if kind == "credits":
        code = report["course"].strip().upper()
        lines += [f"not an activity of {code}: {title}" for title in proposed.unknown]
    lines += [f"not matched: {_named(person)}" for person in proposed.unmatched]
    if kind == "attendance":
        lines += [f"below {proposed.minimum} minutes: {mark.person.participant_id}: {mark.minutes} minutes"
                  for mark in proposed.below]
    return lines


COMMANDS = (import_command,)
