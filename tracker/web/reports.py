"""The partnership-meeting report in the browser: choose partner and date; the PDF is made by a
job (tracker/jobs) whose page offers it to download."""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from sqlalchemy import select
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..clock import now, today
from ..extensions import db
from ..jobs import start
from ..jobs.kinds import PARTNERSHIP_REPORT
from ..models import DeliveryPartner, Job, PartnershipMeeting
from ..models.jobs import DONE, QUEUED, RUNNING
from .access import ANYONE, access, own_partner_id, partner_or_404
from .fields import DayMonthYear

bp = Blueprint("reports", __name__, url_prefix="/reports")


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    partner = SelectField("Delivery partner", widget=GovSelect(), choices=[], validate_choice=False)
    date = DayMonthYear("Meeting date", description="The report is worked out as of this date. For example, 24 11 2026")


def _partners() -> list[DeliveryPartner]:
    query = select(DeliveryPartner).order_by(DeliveryPartner.code)
    if own_partner_id() is not None:
        query = query.where(DeliveryPartner.id == own_partner_id())
    return db.session.scalars(query).all()


RECENT_DAYS = 56  # a meeting held in the last 8 weeks is still offered: its report may be wanted again


def _meetings(partner_id: int) -> list[PartnershipMeeting]:
    """The partner's meetings to offer: those of the last 8 weeks and every one ahead, in date order."""
    return db.session.scalars(
        select(PartnershipMeeting)
        .where(PartnershipMeeting.partner_id == partner_id,
               PartnershipMeeting.meeting_date >= today() - timedelta(days=RECENT_DAYS),
               PartnershipMeeting.cancelled_at.is_(None))
        .order_by(PartnershipMeeting.meeting_date, PartnershipMeeting.id)
    ).all()


def _form() -> tuple[ReportForm, DeliveryPartner | None, list[PartnershipMeeting]]:
    form = ReportForm(formdata=request.args)
    partners = _partners()
    form.partner.choices = [SelectChoice(p.code, f"{p.code} – {p.name}") for p in partners]
    if not form.partner.data:
        form.partner.data = current_user.partner.code if current_user.partner else ""
    partner = next((p for p in partners if p.code == form.partner.data), None)
    meetings = _meetings(partner.id) if partner else []
    if "date" not in request.args:
        upcoming = [m.meeting_date for m in meetings if m.meeting_date >= today()]
        form.date.data = upcoming[0] if upcoming else today()
        form.date.raw_data, form.date.process_errors = None, []
    return form, partner, meetings


def _meeting_date(form: ReportForm) -> date | None:
    """The meeting date asked for: Day, Month and Year boxes, or one YYYY-MM-DD value (a saved link)."""
    values = request.args.getlist("date")
    if len(values) == 1:
        try:
            return date.fromisoformat(values[0].strip())
        except ValueError:
            pass
    return form.date.data if form.validate() else None


@bp.get("/")
@access(ANYONE)
def index(chosen: tuple | None = None):
    form, partner, meetings = chosen or _form()
    if "date" in request.args:
        form.validate()
    return render_template("reports_web/index.html", title="Partnership meeting report", form=form,
                           partner=partner, meetings=meetings, today=today())


@bp.get("/partnership.pdf")
@access(ANYONE)
def partnership():
    partner = partner_or_404(request.args.get("partner", ""))
    chosen = _form()
    meeting = _meeting_date(chosen[0])
    if meeting is None:
        return index(chosen)
    params = json.dumps({"partner": partner.code, "date": meeting.isoformat()}, sort_keys=True)
    job = _same_report(params) or start(PARTNERSHIP_REPORT, json.loads(params), actor=current_user.email,
                                        partner_id=partner.id)
    return redirect(url_for("jobs.show", job_id=job.id))


REUSED_FOR = timedelta(minutes=10)  # a report asked for again this soon is the one already made or under way


def _same_report(params: str) -> Job | None:
    """The user's own job for the same report, under way or made in the last few minutes: a second
    click (or a reload of the link) does not queue the same PDF again."""
    return db.session.scalar(
        select(Job).where(Job.kind == PARTNERSHIP_REPORT, Job.params == params, Job.started_by == current_user.email,
                          Job.state.in_((QUEUED, RUNNING, DONE)), Job.created_at >= now() - REUSED_FOR)
        .order_by(Job.id.desc()).limit(1))
