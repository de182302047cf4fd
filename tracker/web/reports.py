"""The partnership-meeting report in the browser: choose partner and date, download the PDF."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..clock import today
from ..extensions import db
from ..models import DeliveryPartner, PartnershipMeeting
from ..reports import partnership_pdf
from .access import ANYONE, access, own_partner_id, partner_or_404

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _partners() -> list[DeliveryPartner]:
    query = select(DeliveryPartner).order_by(DeliveryPartner.code)
    if own_partner_id() is not None:
        query = query.where(DeliveryPartner.id == own_partner_id())
    return db.session.scalars(query).all()


def _next_meeting(partner_id: int) -> date | None:
    return db.session.scalar(
        select(PartnershipMeeting.meeting_date)
        .where(PartnershipMeeting.partner_id == partner_id, PartnershipMeeting.meeting_date >= today())
        .order_by(PartnershipMeeting.meeting_date)
        .limit(1)
    )


@bp.get("/")
@access(ANYONE)
def index():
    partners = _partners()
    chosen = request.args.get("partner") or (current_user.partner.code if current_user.partner else "")
    errors = {}
    meeting = request.args.get("date", "")
    if "date" in request.args:
        try:
            date.fromisoformat(meeting)
        except ValueError:
            errors["date"] = "Enter the meeting date as YYYY-MM-DD, for example 2023-03-01"
    if not meeting and chosen:
        partner = next((p for p in partners if p.code == chosen), None)
        upcoming = _next_meeting(partner.id) if partner else None
        meeting = (upcoming or today()).isoformat()
    return render_template("reports_web/index.html", title="Partnership meeting report", partners=partners,
                           chosen=chosen, meeting=meeting or today().isoformat(), errors=errors)


@bp.get("/partnership.pdf")
@access(ANYONE)
def partnership():
    partner = partner_or_404(request.args.get("partner", ""))
    try:
        meeting = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return index()
    pdf = partnership_pdf(partner.code, meeting)
    filename = f"partnership-report-{partner.code}-{meeting.isoformat()}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
