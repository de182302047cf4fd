"""Partnership meetings: EDT schedules, moves and cancels them; a partner sees its own and its calendar."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..clock import now, today
from ..extensions import db
from ..formats import clock_time, long_date
from ..meetings import When, add_meeting, cancel_meeting, meetings_of, move_meeting, warnings
from ..meetings.calendar import partner_calendar
from ..models import DeliveryPartner, PartnershipMeeting
from .access import ANYONE, EDT, access, own_partner_id, partner_or_404
from .fields import DayMonthYear
from .refusals import done

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


class MoveForm(FlaskForm):
    meeting_date = DayMonthYear("Meeting date")
    start_time = StringField("Start time (optional)", widget=GovTextInput(),
                             description="UK time, for example 14:30 or 2:30pm. Leave empty for a meeting set for the day.")
    minutes = StringField("Length in minutes (optional)", widget=GovTextInput(),
                          description="An hour if left empty")
    online_link = StringField("Online link (optional)", widget=GovTextInput(),
                              description="The Teams or Zoom link to join the meeting, starting https://")
    note = TextAreaField("Note (optional)", widget=GovTextArea())

    def when(self) -> When:
        return When(self.start_time.data, self.minutes.data, self.online_link.data)


class MeetingForm(MoveForm):
    partner = SelectField("Delivery partner", widget=GovSelect(), validators=[DataRequired("Choose a delivery partner")])


class CancelForm(FlaskForm):
    note = TextAreaField("Why is it cancelled? (optional)", widget=GovTextArea())


def _partners() -> list[DeliveryPartner]:
    query = select(DeliveryPartner).order_by(DeliveryPartner.code)
    if own_partner_id() is not None:
        query = query.where(DeliveryPartner.id == own_partner_id())
    return db.session.scalars(query).all()


@bp.get("")
@access(ANYONE)
def index():
    partners = _partners()
    meetings = meetings_of(own_partner_id())
    gaps = {p.code: warnings(p.id, today()) for p in partners} if current_user.is_edt else {}
    return render_template("meetings/index.html", title="Partnership meetings", partners=partners,
                           meetings=meetings, gaps={k: v for k, v in gaps.items() if v}, as_of=today())


@bp.route("/new", methods=["GET", "POST"])
@access(EDT)
def new():
    form = MeetingForm(partner=request.args.get("partner", ""))
    form.partner.choices = [SelectChoice("", "Choose a delivery partner")] + [
        SelectChoice(p.code, f"{p.code} – {p.name}") for p in _partners()]
    partner = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == (form.partner.data or "")))
    response = done(form, lambda: add_meeting(partner, meeting_date=form.meeting_date.data, note=form.note.data,
                                              actor=current_user.email, when=form.when()),
                    lambda m: f"Meeting with {partner.code} scheduled for {long_date(m.meeting_date)}.",
                    url_for("meetings.index"))
    return response or render_template("meetings/new.html", title="Schedule a partnership meeting", form=form)


def _meeting_or_404(meeting_id: int) -> PartnershipMeeting:
    meeting = db.session.get(PartnershipMeeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


@bp.route("/<int:meeting_id>", methods=["GET", "POST"])
@access(EDT)
def move(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = MoveForm(data={"meeting_date": meeting.meeting_date, "note": meeting.note,
                          "start_time": clock_time(meeting.start_time), "minutes": meeting.minutes or "",
                          "online_link": meeting.online_link or ""})
    response = done(form, lambda: move_meeting(meeting, meeting_date=form.meeting_date.data, note=form.note.data,
                                               actor=current_user.email, when=form.when()),
                    "Meeting moved.", url_for("meetings.index"))
    return response or render_template("meetings/move.html", title="Move a partnership meeting", form=form,
                                       meeting=meeting)


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@access(EDT)
def cancel(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = CancelForm()
    response = done(form, lambda: cancel_meeting(meeting, note=form.note.data, actor=current_user.email),
                    "Meeting cancelled.", url_for("meetings.index"))
    return response or render_template("meetings/cancel.html", title="Cancel a partnership meeting", form=form,
                                       meeting=meeting)


@bp.get("/<id:code>.ics")
@access(ANYONE)
def calendar(code: str):
    partner = partner_or_404(code.upper())
    return Response(partner_calendar(partner, now(), today()), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="npq-meetings-{partner.code}.ics"'})
