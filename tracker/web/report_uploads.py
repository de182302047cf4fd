"""A partner's report uploaded as it came (Teams, Zoom, Moodle): reviewed, then imported.

The upload page keeps a file it recognises as a report (`take`) and comes here instead of the plain
preview. An attendance report proposes a register: the person chooses the event, date, group and
minimum minutes, sees each mark with its minutes, the group's absentees and the people not
matched, says who an unmatched attendee is ("This is ..."), and confirms. Moodle's completion
report proposes credits for the course and cohort chosen. Both are proposed and imported by
imports/from_report.py, as the command line does (all or nothing, once, audited, recomputed),
with marked_by the signed-in person. Reports are proposed in the request whatever their size:
Teams and Zoom reports are small, and the proposal depends on what the person chooses.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect, GovTextInput
from sqlalchemy import select
from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ..clock import now
from ..extensions import db
from ..imports.base import ImportResult
from ..imports.from_report import course_activities, course_of, import_completions, import_register, report_format
from ..imports.proposals import credits as credits_proposal
from ..imports.proposals.register import Options
from ..imports.reading import FileProblem
from ..imports.reports import RegisterExport
from ..imports.reports.registry import BY_NAME, identify
from ..imports.serial import IN_A_REQUEST, Busy, serialised
from ..imports.who import people
from ..models import Participant, PendingUpload
from ..models.people import participant_id_in
from ..refusal import Refusal
from ..registers import uploads
from ..registers.report_reviews import groups_of, proposed_event, record_other_email
from ..registers.sessions import training_events
from ..rules.facts import ABSENT, CONTINGENCY
from ..words import MARK_LABELS, newly_met_summary
from .access import ANYONE, access, own_partner_id
from .fields import DayMonthYear
from .uploads import _context, _expired, _imported, _pending_or_404

bp = Blueprint("report_uploads", __name__, url_prefix="/uploads/report")

REPORT_EXTENSIONS = (".csv", ".xlsx", ".txt")  # Moodle's attendance export may be a .txt
FIELDS = {"event": "event", "session-date": "session_date", "minimum-minutes": "minimum", "course": "group",
          "cohort": "group"}  # a refusal's field (the command line's option) as the page's


def take(kind: str, filename: str, content: bytes, moment):
    """For the upload page: a report of the kind is kept and reviewed here (a redirect); a file that
    is no file of the kind's own columns either is refused, naming the reports expected (a message);
    None for any other file, which the upload page checks as before."""
    if kind not in ("attendance", "credits") or not content or len(content) > uploads.MAX_BYTES:
        return None
    try:
        found = report_format(content, kind)
    except FileProblem as problem:
        return str(problem)
    if found is None:
        problem = uploads.file_problem(filename, content)
        if problem is None or content.startswith(uploads.XLSX_SIGNATURE):
            return None  # the upload page checks it as a file of the kind's own columns
        try:
            identify(content)
        except FileProblem as unknown:  # nor is it a report: say which reports are read
            return f"{problem}. {unknown}"
        return None
    if not filename.lower().endswith(REPORT_EXTENSIONS):
        return "The selected file must be a CSV, XLSX or TXT file"
    pending = uploads.keep(kind, filename, content, current_user.id, own_partner_id(), ImportResult(kind), moment,
                           report_format=found.name)
    db.session.commit()
    return redirect(url_for("report_uploads.review", token=pending.token))


class RegisterForm(FlaskForm):
    event = SelectField("Training event", widget=GovSelect(), validate_choice=False,
                        description="Course, block and event. At a joint webinar, each course's own event of that "
                                    "block and title is marked")
    session_date = DayMonthYear("Session date", optional=True)
    groups = SelectMultipleField("Group", widget=GovCheckboxesInput(), validate_choice=False,
                                 description="The courses and cohorts the session was for: their participants not in "
                                             "the report are marked absent")
    minimum = IntegerField("Minimum minutes present", widget=GovTextInput(),
                           validators=[Optional(), NumberRange(0, 24 * 60, "Enter minutes from 0 to 1440")],
                           description="Present at least this long is attended; less is absent")
    excused = RadioField("Moodle's E (excused) is", widget=GovRadioInput(), default=ABSENT,
                         choices=[SelectChoice(ABSENT, MARK_LABELS[ABSENT]),
                                  SelectChoice(CONTINGENCY, MARK_LABELS[CONTINGENCY])])


class CreditsForm(FlaskForm):
    group = SelectField("Course and cohort", widget=GovSelect(), validate_choice=False,
                        description="The course and cohort whose learners the report shows")


def _group_choices(partner_id: int | None) -> list[SelectChoice]:
    return [SelectChoice(f"{code}:{cohort}", f"{code}, cohort {cohort}") for code, cohort in groups_of(partner_id)]


def _groups(values) -> tuple[tuple[str, int], ...]:
    found = []
    for value in values or ():
        code, _, cohort = str(value).partition(":")
        if not cohort.isdigit():
            raise Refusal("groups", "Choose the group from the list")
        found.append((code, int(cohort)))
    return tuple(found)


def _report(pending: PendingUpload):
    """The report as its format reads it; a FileProblem for a file that cannot be read."""
    return BY_NAME[pending.report_format].read(pending.content)


def _dry_run(pending: PendingUpload, run):
    """The import as it would be, written and rolled back (imports/serial.py: in turn with imports)."""
    try:
        with serialised(pending.partner_id, IN_A_REQUEST):
            try:
                imported = run(dry_run=True)
                uploads.with_changes_described(imported.result)  # read before the rollback
                return imported
            finally:
                db.session.rollback()
    except Busy:
        db.session.rollback()
        raise Refusal(None, uploads.BUSY_MESSAGE) from None


def _confirm(pending: PendingUpload, run):
    """Import once, as a file of the kind is confirmed (registers/uploads.py: claim, then confirm)."""
    token, filename, pending_id = pending.token, pending.filename, pending.id

    def imported(content, name, ctx):
        try:
            return run(dry_run=False, ctx=ctx).result
        except (Refusal, FileProblem) as problem:  # the choices no longer hold: nothing is written
            result = ImportResult(pending.kind)
            result.errors.append(str(problem))
            return result

    moment = now()
    if uploads.claim(pending, moment):
        result = uploads.confirm(pending, _context(), IN_A_REQUEST, run=imported)
        if result is None:
            flash("Nothing was imported: the database was busy. Confirm the import again.")
            return redirect(url_for("report_uploads.review", token=token))
        if not result.ok:
            flash(f"Nothing was imported: {result.errors[0]}")
            return redirect(url_for("report_uploads.review", token=token))
        flash(_imported(filename, result), "success")
        return redirect(url_for("uploads.index"))
    pending = uploads.outcome_of(pending_id)
    if pending is not None and pending.state == uploads.IMPORTED:
        flash(_imported(filename, uploads.stored_result(pending)), "success")
        return redirect(url_for("uploads.index"))
    return redirect(url_for("uploads.preview", token=token))


@bp.route("/<token>", methods=["GET", "POST"])
@access(ANYONE)
def review(token: str):
    pending = _pending_or_404(token)
    if pending.report_format is None or pending.state != uploads.WAITING:
        return redirect(url_for("uploads.preview", token=token))
    if uploads.expired(pending, now()):
        return _expired(pending)
    if pending.kind == "attendance":
        return _register(pending)
    return _credits(pending)


def _names(refs) -> dict[str, str]:
    refs = list(refs)
    if not refs:
        return {}
    query = select(Participant.participant_id, Participant.full_name).where(participant_id_in(refs))
    if own_partner_id() is not None:
        query = query.where(Participant.partner_id == own_partner_id())
    return dict(db.session.execute(query).all())


def _register(pending: PendingUpload, action: str | None = None):
    found = BY_NAME[pending.report_format]
    partner_id = own_partner_id()
    form = RegisterForm(formdata=request.form if request.method == "POST" else None)
    events = training_events()
    form.event.choices = [SelectChoice("", "Choose a training event")] + [
        SelectChoice(str(e.activity_id), e.label) for e in events]
    form.groups.choices = _group_choices(partner_id)
    problem = None
    try:
        report = _report(pending)
    except FileProblem as unreadable:
        report, problem = None, str(unreadable)
    export = isinstance(report, RegisterExport)
    if report is not None and request.method == "GET":
        event = proposed_event(getattr(report, "title", None), events)
        form.event.data = str(event.activity_id) if event else ""
        if not export:
            form.session_date.data = report.date
            form.minimum.data = (report.minutes + 1) // 2 if report.minutes is not None else None
    if not export:
        del form.excused
    shown = {}
    if report is not None and (request.method == "GET" or form.validate_on_submit()):
        shown = _proposed_register(pending, found, form, events, action or request.form.get("action", "update"))
        if not isinstance(shown, dict):
            return shown  # confirmed, or matched: a redirect
    title = "Check the proposed register"
    return render_template("uploads/report_register.html", title=title, form=form, pending=pending,
                           format_title=found.title, problem=problem, export=export, report=report,
                           mark_labels=MARK_LABELS, **shown)


def _proposed_register(pending, found, form, events, action: str):
    """The proposal for the form's choices; a redirect once confirmed, or after "This is ..."."""
    by_id = {str(e.activity_id): e for e in events}
    event = by_id.get(form.event.data or "")
    if event is None:
        form.event.errors = [*form.event.errors, "Choose the training event the report is of"]
        return {}
    try:
        groups = _groups(form.groups.data)
        options = Options(form.session_date.data, form.minimum.data, groups,
                          form.excused.data if "excused" in form else ABSENT)

        def run(dry_run: bool, ctx=None):
            return import_register(pending.content, pending.filename, found, ctx or _context(), event=event.title,
                                   block=event.block, options=options, dry_run=dry_run, forecast=True)

        if action.startswith("match-"):
            return _match(pending, run, action, groups, form)
        imported = _dry_run(pending, run)
        if action == "confirm" and request.method == "POST":
            if not imported.proposed.marks:
                flash("Nothing was imported: no one in the report is a participant of the group")
            elif imported.result.ok:
                return _confirm(pending, run)
    except Refusal as refusal:
        db.session.rollback()
        if refusal.field == "this_is":  # about one person in the report: said above the page, proposed again
            flash(refusal.message)
            return _register(pending, "update")
        field = form._fields.get(FIELDS.get(refusal.field or "", refusal.field or "")) or form.event
        field.errors = [*field.errors, refusal.message]
        return {}
    proposed = imported.proposed
    if form.minimum.data is None and proposed.minimum is not None:
        form.minimum.data = proposed.minimum
    in_report = [m for m in proposed.marks if m.row is not None]
    not_in_report = [m for m in proposed.marks if m.row is None]
    offered = sorted(people(pending.partner_id, groups).people, key=lambda p: p.participant_id) \
        if groups or pending.partner_id is not None else []
    names = _names([m.person.participant_id for m in proposed.marks] + [p.participant_id for p in offered])
    items = [{"value": p.participant_id, "text": f"{names.get(p.participant_id, '')} ({p.participant_id})"}
             for p in offered]
    return dict(result=imported.result, proposed=proposed, in_report=sorted(in_report, key=_order),
                not_in_report=sorted(not_in_report, key=_order), offered=offered, offered_items=items, names=names,
                event=event, **_preview(imported.result))


def _preview(result: ImportResult) -> dict:
    """What the usual preview shows of a check: its problems, the records it would change and the
    outputs it would meet."""
    return dict(problems=uploads.problems(result.errors), meets=newly_met_summary(result.newly_met.counts()),
                shown_met=uploads.SHOWN_MET, shown_changes=uploads.SHOWN_CHANGES)


def _order(mark):
    return mark.session_date, mark.person.participant_id


def _match(pending, run, action: str, groups, form):
    """ "This is ...": the unmatched attendee (by their place in the proposal) is the participant
    chosen; their address is recorded as the participant's other email, and the page proposes again."""
    index = action.removeprefix("match-")
    chosen = request.form.get(f"this-is-{index}", "")
    if not index.isdigit() or not chosen:
        raise Refusal("this_is", "Choose who the person is from the list beside them, then press This is them")
    proposed = _dry_run(pending, run).proposed
    if int(index) >= len(proposed.unmatched):
        abort(404)
    who = proposed.unmatched[int(index)]
    if chosen not in {p.participant_id for p in people(pending.partner_id, groups).people}:
        raise Refusal("this_is", "Choose a participant of the group")
    person = record_other_email(chosen, who.email, pending.partner_id, current_user.email)
    db.session.commit()
    flash(f"{who.email} is now an other email of {person.full_name} ({person.participant_id}): the register is "
          "proposed again with them matched", "success")
    return _register(pending, "update")


def _credits(pending: PendingUpload):
    found = BY_NAME[pending.report_format]
    form = CreditsForm(formdata=request.form if request.method == "POST" else None)
    form.group.choices = [SelectChoice("", "Choose the course and cohort")] + _group_choices(own_partner_id())
    problem, shown = None, {}
    try:
        report = _report(pending)
    except FileProblem as unreadable:
        report, problem = None, str(unreadable)
    if report is not None and form.validate_on_submit():
        shown = _proposed_credits(pending, found, form, report, request.form.get("action", "update"))
        if not isinstance(shown, dict):
            return shown
    return render_template("uploads/report_credits.html", title="Check the proposed credits", form=form,
                           pending=pending, format_title=found.title, problem=problem, **shown)


def _proposed_credits(pending, found, form, report, action: str):
    try:
        if not form.group.data:
            raise Refusal("group", "Choose the course and cohort")
        ((code, cohort),) = _groups([form.group.data])
        facts = course_of(_context(), code, cohort)

        def run(dry_run: bool, ctx=None):
            return import_completions(pending.content, pending.filename, found, ctx or _context(), course=code,
                                      cohort=cohort, dry_run=dry_run, forecast=True)

        imported = _dry_run(pending, run)
        if action == "confirm":
            if not imported.proposed.credits:
                flash("Nothing was imported: no learner in the report is a participant of the course and cohort "
                      "with an activity completed")
            elif imported.result.ok:
                return _confirm(pending, run)
    except Refusal as refusal:
        db.session.rollback()
        form.group.errors = [*form.group.errors, refusal.message]
        return {}
    columns = credits_proposal.columns(report, course_activities(facts.course.id))
    return dict(result=imported.result, proposed=imported.proposed, code=code, cohort=cohort,
                matched=[(column, activity) for column, activity in zip(report.activities, columns) if activity],
                **_preview(imported.result))
