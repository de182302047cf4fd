"""Course content, schedules and prices: EDT staff read them, EDT admins correct and complete them.

Every change goes through tracker/reference/editing.py, which checks it as the loader checks
its files, audits it and recomputes the participants it affects.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import base64
import binascii
import hashlib

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovTextInput
from sqlalchemy import select
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..engagement.book import Book
from ..extensions import db
from ..jobs import start as start_job
from ..jobs.kinds import RECOMPUTE
from ..models.jobs import DONE
from ..models import Activity, Block, BlockWindow, Cohort, Course, ScheduleOutput
from ..models.accounts import EDT_ADMIN
from ..reference import content_file
from ..reference.loader import ReferenceError, folder_changes, load_folder
from ..registers.uploads import clean_filename
from ..reference.editing import (Outcome, add_activity, complete_block, edit_activity, edit_schedule, edit_start,
                                 set_price, set_totals, set_window)
from ..refusal import Refusal
from ..rules.facts import COMPONENTS
from .access import ADMIN, EDT, access
from .fields import DayMonthYear
from .refusals import done

bp = Blueprint("reference", __name__, url_prefix="/reference")

COMPONENT_NAMES = {c: c.replace("-", " ").capitalize() for c in COMPONENTS}
TBC_HINT = "A whole number, or TBC while it is not known"


class NumberOrTBC(StringField):
    """A whole number of credits, or TBC (stored as None)."""

    def __init__(self, label=None, validators=None, named=None, **kwargs):
        super().__init__(label, validators, widget=GovTextInput(), **kwargs)
        self.named = named  # what an error calls the field, when not its label

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw_data = [raw]
        self.data = None
        if raw == "" or raw.upper() == "TBC":
            return
        if not raw.isdigit():
            raise ValueError(f"{self.named or self.label.text} must be a whole number, or TBC")
        self.data = int(raw)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "TBC" if self.data is None else str(self.data)


class TotalsForm(FlaskForm):
    block_total = NumberOrTBC("Block's printed total", description=TBC_HINT)
    course_total = NumberOrTBC("Course's printed total", description=TBC_HINT)


class ActivityForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(), validators=[
        DataRequired("Enter the activity's title"), Length(max=200, message="Title must be 200 characters or fewer")])
    duration = StringField("Duration", widget=GovTextInput(), description="For example 1 hour, 40 minutes or Flexible",
                           validators=[Length(max=40, message="Duration must be 40 characters or fewer")])
    credits = NumberOrTBC("Credits", description=TBC_HINT)
    block_total = NumberOrTBC("Block's printed total", description=TBC_HINT)
    course_total = NumberOrTBC("Course's printed total", description=TBC_HINT)


def block_credits_form(block: Block, course: Course) -> FlaskForm:
    """One credits field per activity of the block (credits_<id>, labelled by its title), and the printed totals."""
    fields = {
        f"credits_{a.id}": NumberOrTBC(a.title, named=f"Credits of '{a.title}'",
                                       description=f"{COMPONENT_NAMES.get(a.component, a.component)}, {a.duration}")
        for a in block.activities
    }
    fields["block_total"] = NumberOrTBC("Block's printed total", description=TBC_HINT)
    fields["course_total"] = NumberOrTBC("Course's printed total", description=TBC_HINT)
    form_class = type("BlockCreditsForm", (FlaskForm,), fields)
    data = {f"credits_{a.id}": a.credits for a in block.activities}
    return form_class(data={**data, "block_total": block.printed_total, "course_total": course.printed_total})


class NewActivityForm(ActivityForm):
    component = SelectField("Component", widget=GovSelect(), validators=[DataRequired("Choose the component")])


class ScheduleForm(FlaskForm):
    review_date = DayMonthYear("Review date")
    invoice_date = DayMonthYear("Invoice sent date")
    payment_date = DayMonthYear("Payment on or after")


class StartForm(FlaskForm):
    start_date = DayMonthYear("Course start")


class WindowForm(FlaskForm):
    opens = DayMonthYear("Window opens")
    closes = DayMonthYear("Content to be completed by")


class PriceForm(FlaskForm):
    price = StringField("Price per teacher, in pounds", widget=GovTextInput(),
                        description="For example 1250.00. Leave empty when there is no price.")


class ContentFileForm(FlaskForm):
    file = FileField("Course content file", widget=GovFileInput(), validators=[FileRequired("Select the content file")],
                     description="A CSV file with the columns of content.csv: course, block, position, component, "
                                 "title, duration, credits")


class ConfirmContentForm(FlaskForm):
    """The file previewed, carried to Confirm, and a digest of the changes shown: the same file must
    still make the same changes."""
    filename = HiddenField()
    content = HiddenField()
    changes = HiddenField()


def _digest(changes: list[str]) -> str:
    return hashlib.sha256("\n".join(changes).encode()).hexdigest()


@dataclass(frozen=True)
class BlockView:
    block: Block
    known_sum: int  # credits of the activities whose credits are known
    tbc: int  # activities whose credits are TBC


def _course_or_404(code: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.code == code))
    if course is None:
        abort(404)
    return course


def _block_or_404(course: Course, number: int) -> Block:
    block = next((b for b in course.blocks if b.number == number), None)
    if block is None:
        abort(404)
    return block


def _block_url(course: Course, block: Block) -> str:
    return url_for("reference.course", code=course.code) + f"#block-{block.number}"


def _activity_page(form, course: Course, block: Block, activity: Activity | None, title: str):
    return render_template("reference/activity.html", title=title, form=form, course=course, block=block,
                           activity=activity, components=COMPONENT_NAMES)


def _is_admin() -> bool:
    return current_user.role == EDT_ADMIN


def _saved(what: str):
    """The message for a saved edit; the participants it can affect are recomputed by a job, started
    once the edit is committed (attempt() has committed it when it calls this)."""
    def message(outcome: Outcome) -> str:
        count = len(outcome.participants)
        if not count:
            return f"{what}."
        job = start_job(RECOMPUTE, {"participants": list(outcome.participants), "why": what}, actor=current_user.email,
                    partner_id=None)
        people = f"{count} participant{'s' if count != 1 else ''}"
        if job.state == DONE:
            return f"{what}. Outputs recomputed for {people}."
        return f"{what}. The outputs of {people} are being recomputed: Jobs shows how far it has got."
    return message


@bp.get("")
@access(EDT)
def index():
    book = Book()
    courses = db.session.scalars(select(Course).order_by(Course.code)).all()
    schedules = db.session.scalars(
        select(ScheduleOutput).order_by(ScheduleOutput.cohort, ScheduleOutput.course_group, ScheduleOutput.number)
    ).all()
    by_cohort: dict[int, list[ScheduleOutput]] = {}
    for row in schedules:
        by_cohort.setdefault(row.cohort, []).append(row)
    cohorts = {c.number: c for c in db.session.scalars(select(Cohort).order_by(Cohort.number))}
    return render_template("reference/index.html", title="Course content and schedules", courses=courses,
                           known={c.code: book.by_code[c.code].content.total for c in courses}, by_cohort=by_cohort,
                           cohorts=cohorts, admin=_is_admin())


@bp.get("/<id:code>")
@access(EDT)
def course(code: str):
    course = _course_or_404(code)
    facts = Book().by_code[code]
    blocks = [
        BlockView(b, sum(a.credits for a in b.activities if a.credits is not None),
                  sum(1 for a in b.activities if a.credits is None))
        for b in course.blocks
    ]
    return render_template("reference/course.html", title=f"{course.code} {course.name}", course=course, blocks=blocks,
                           total=facts.content.total, admin=_is_admin(), components=COMPONENT_NAMES)


@bp.route("/<id:code>/activities/<int:activity_id>", methods=["GET", "POST"])
@access(ADMIN)
def activity(code: str, activity_id: int):
    course = _course_or_404(code)
    found = db.session.get(Activity, activity_id)
    if found is None or found.block.course_id != course.id:
        abort(404)
    block = found.block
    form = ActivityForm(data={"title": found.title, "duration": found.duration, "credits": found.credits,
                              "block_total": block.printed_total, "course_total": course.printed_total})
    response = done(form, lambda: edit_activity(
        found, current_user.email, title=form.title.data, duration=form.duration.data or "", credits=form.credits.data,
        block_total=form.block_total.data, course_total=form.course_total.data),
        _saved(f"{course.code} block {block.number}: '{(form.title.data or '').strip()}' saved"),
        _block_url(course, block))
    return response or _activity_page(form, course, block, found, f"Change an activity of {course.code} block {block.number}")


@bp.route("/<id:code>/blocks/<int:number>/activities/new", methods=["GET", "POST"])
@access(ADMIN)
def new_activity(code: str, number: int):
    course = _course_or_404(code)
    block = _block_or_404(course, number)
    form = NewActivityForm(data={"block_total": block.printed_total, "course_total": course.printed_total})
    form.component.choices = [SelectChoice("", "Choose a component")] + [SelectChoice(v, label) for v, label in COMPONENT_NAMES.items()]
    response = done(form, lambda: add_activity(
        block, current_user.email, component=form.component.data, title=form.title.data,
        duration=form.duration.data or "", credits=form.credits.data, block_total=form.block_total.data,
        course_total=form.course_total.data),
        _saved(f"{course.code} block {block.number}: '{(form.title.data or '').strip()}' added"),
        _block_url(course, block))
    return response or _activity_page(form, course, block, None, f"Add an activity to {course.code} block {block.number}")


@bp.route("/<id:code>/blocks/<int:number>/totals", methods=["GET", "POST"])
@access(ADMIN)
def totals(code: str, number: int):
    course = _course_or_404(code)
    block = _block_or_404(course, number)
    form = TotalsForm(data={"block_total": block.printed_total, "course_total": course.printed_total})
    response = done(form, lambda: set_totals(block, current_user.email, block_total=form.block_total.data,
                                             course_total=form.course_total.data),
                     _saved(f"{course.code} block {block.number}: printed totals saved"),
                     _block_url(course, block))
    if response:
        return response
    return render_template("reference/totals.html", title=f"Printed totals of {course.code} block {block.number}",
                           form=form, course=course, block=block)


@bp.route("/<id:code>/blocks/<int:number>/credits", methods=["GET", "POST"])
@access(ADMIN)
def block_credits(code: str, number: int):
    """Every activity's credits of a block in one form: saved together or not at all."""
    course = _course_or_404(code)
    block = _block_or_404(course, number)
    if not block.activities:
        abort(404)
    form = block_credits_form(block, course)
    response = done(form, lambda: complete_block(
        block, current_user.email, {a: form[f"credits_{a.id}"].data for a in block.activities},
        block_total=form.block_total.data, course_total=form.course_total.data),
        _saved(f"{course.code} block {block.number}: credits saved"), _block_url(course, block))
    if response:
        return response
    return render_template("reference/block_credits.html", title=f"Credits of {course.code} block {block.number}",
                           form=form, course=course, block=block)


def _pounds(text: str | None) -> Decimal | None:
    """A price as typed ("£1,250.00"); blank is no price."""
    raw = (text or "").strip().lstrip("£").replace(",", "")
    try:
        value = None if raw == "" else Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if value is not None and not value.is_finite():
        raise Refusal("price", "Price per teacher must be an amount in pounds, like 1250.00")
    return value


@bp.route("/<id:code>/price", methods=["GET", "POST"])
@access(ADMIN)
def price(code: str):
    course = _course_or_404(code)
    current = course.price_per_teacher
    form = PriceForm(data={"price": "" if current is None else f"{current:.2f}"})
    response = done(form, lambda: set_price(course, current_user.email, _pounds(form.price.data)),
                     _saved(f"{course.code}: price per teacher saved"), url_for("reference.course", code=course.code))
    if response:
        return response
    return render_template("reference/price.html", title=f"Price per teacher of {course.code}", form=form, course=course)


@bp.route("/schedules/<int:cohort>/<id:group>/<int:output>", methods=["GET", "POST"])
@access(ADMIN)
def schedule(cohort: int, group: str, output: int):
    row = db.session.scalar(select(ScheduleOutput).where(
        ScheduleOutput.cohort == cohort, ScheduleOutput.course_group == group, ScheduleOutput.number == output))
    if row is None:
        abort(404)
    form = ScheduleForm(data={"review_date": row.review_date, "invoice_date": row.invoice_date,
                              "payment_date": row.payment_date})
    response = done(form, lambda: edit_schedule(row, current_user.email, review_date=form.review_date.data,
                                                invoice_date=form.invoice_date.data, payment_date=form.payment_date.data),
                     _saved(f"Cohort {cohort} {group} output {output}: dates saved"),
                     url_for("reference.index") + f"#cohort-{cohort}")
    if response:
        return response
    return render_template("reference/schedule.html", title=f"Dates of cohort {cohort} {group} output {output}",
                           form=form, row=row)


@bp.route("/cohorts/<int:cohort>/start", methods=["GET", "POST"])
@access(ADMIN)
def start(cohort: int):
    row = db.session.get(Cohort, cohort) or abort(404)
    form = StartForm(data={"start_date": row.start_date})
    response = done(form, lambda: edit_start(row, current_user.email, form.start_date.data),
                     _saved(f"Cohort {cohort}: course start saved"), url_for("reference.index") + f"#cohort-{cohort}")
    if response:
        return response
    return render_template("reference/start.html", title=f"Course start of cohort {cohort}", form=form, row=row)


GROUP_BLOCKS = {"specialist": 5, "leadership": 4}


@bp.get("/windows")
@access(EDT)
def windows():
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.number)).all()
    rows = {(w.cohort, w.course_group, w.block): w for w in db.session.scalars(select(BlockWindow))}
    return render_template("reference/windows.html", title="Block completion windows", cohorts=cohorts,
                           groups=GROUP_BLOCKS, rows=rows, admin=_is_admin())


@bp.route("/windows/<int:cohort>/<id:group>/<int:block>", methods=["GET", "POST"])
@access(ADMIN)
def window(cohort: int, group: str, block: int):
    row = db.session.get(Cohort, cohort)
    if row is None or block not in range(1, GROUP_BLOCKS.get(group, 0) + 1):
        abort(404)
    existing = db.session.scalar(select(BlockWindow).where(BlockWindow.cohort == cohort,
                                                           BlockWindow.course_group == group, BlockWindow.block == block))
    form = WindowForm(data={"opens": existing.opens, "closes": existing.closes} if existing else None)
    response = done(form, lambda: set_window(row, group, block, current_user.email, opens=form.opens.data,
                                             closes=form.closes.data),
                    f"Cohort {cohort} {group} block {block}: window saved", url_for("reference.windows") + f"#cohort-{cohort}")
    if response:
        return response
    return render_template("reference/window.html", title=f"Block {block} window of cohort {cohort} {group} courses",
                           form=form, cohort=row, group=group, block=block)


MOST_PROBLEMS = 50


def _content_changes(filename: str, content: bytes) -> tuple[list[str] | None, list[str]]:
    """(changes, []) when the file could be loaded, or (None, its problems), by the code `reference load` runs."""
    problem = content_file.file_problem(filename, content)
    if problem:
        return None, [problem]
    try:
        with content_file.folder_with_content(content) as folder:
            return folder_changes(folder), []
    except ReferenceError as error:
        problems = content_file.as_uploaded(error.problems, filename)
        if len(problems) > MOST_PROBLEMS:
            problems = problems[:MOST_PROBLEMS] + [f"and {len(problems) - MOST_PROBLEMS} more"]
        return None, problems


def _content_page(form, confirm=None, changes=None, filename=None, problems=None):
    return render_template("reference/content_file.html", title="Load a course content file", form=form,
                           confirm=confirm, changes=changes, filename=filename, problems=problems)


@bp.route("/content-file", methods=["GET", "POST"])
@access(ADMIN)
def content_upload():
    """Upload content.csv: checked and previewed, loaded only on Confirm."""
    form = ContentFileForm()
    if not form.validate_on_submit():
        return _content_page(form)
    filename = clean_filename(form.file.data.filename)
    content = form.file.data.read(content_file.MAX_BYTES + 1)
    changes, problems = _content_changes(filename, content)
    db.session.rollback()
    if problems:
        form.file.errors = [problems[0] if len(problems) == 1 else f"{filename} has {len(problems)} problems, listed below"]
        return _content_page(form, problems=problems if len(problems) > 1 else None)
    confirm = ConfirmContentForm(formdata=None, data={
        "filename": filename, "content": base64.b64encode(content).decode(), "changes": _digest(changes)})
    return _content_page(form, confirm, changes, filename)


@bp.post("/content-file/confirm")
@access(ADMIN)
def content_confirm():
    confirm = ConfirmContentForm()
    if not confirm.validate_on_submit():
        abort(400)
    filename = clean_filename(confirm.filename.data)
    try:
        content = base64.b64decode(confirm.content.data or "", validate=True)
    except binascii.Error:
        abort(400)
    changes, problems = _content_changes(filename, content)
    db.session.rollback()
    if problems or _digest(changes) != confirm.changes.data:
        flash("The course content changed after the preview: check the file again before loading it.")
        return redirect(url_for("reference.content_upload"))
    if not changes:
        flash(f"{filename} changes nothing.")
        return redirect(url_for("reference.index"))
    try:
        with content_file.folder_with_content(content) as folder:
            loaded = load_folder(folder, current_user.email, recompute_now=False)
    except ReferenceError:
        db.session.rollback()
        flash("The course content changed after the preview: check the file again before loading it.")
        return redirect(url_for("reference.content_upload"))
    db.session.commit()
    count = len(changes)
    flash(_saved(f"{filename} loaded: {count} change{'s' if count != 1 else ''}")(Outcome(loaded.participants)),
          "success")
    return redirect(url_for("reference.index"))


@bp.get("/content-file/content.csv")
@access(ADMIN)
def content_download():
    return Response(content_file.current(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=content.csv"})
