"""The delivery partner's dashboard: who to act on first (all, or only those at risk), then counts,
the next meeting, review dates ahead and output counts.

A partner user sees their own partner; EDT staff see all partners, or one with ?partner=CODE.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..clock import today
from ..engagement.next_steps_words import lead, short_why
from ..engagement.summary import ACTIONS_SHOWN
from ..engagement.pages import dashboard_view
from ..extensions import db
from ..models import DeliveryPartner
from .access import ANYONE, LEADS, access, partner_or_404

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@access(ANYONE)
def index():
    code = request.args.get("partner", "").strip().upper()
    partner = partner_or_404(code) if code else (None if current_user.is_edt else current_user.partner)
    partner_id = partner.id if partner else None
    # The same for everyone who may see this partner (or all partners) until the data changes.
    view = dashboard_view(today(), partner_id)
    at_risk_only = request.args.get("show") == "at-risk"
    listed = view.at_risk_actions() if at_risk_only else view.actions
    partners = db.session.scalars(select(DeliveryPartner).order_by(DeliveryPartner.code)).all() \
        if current_user.is_edt else []
    return render_template(
        "dashboard/index.html",
        title=f"Dashboard: {partner.name}" if partner else "Dashboard: all delivery partners",
        view=view,
        partner=partner,
        partners=partners,
        actions=listed[:ACTIONS_SHOWN],
        listed=listed,
        at_risk_only=at_risk_only,
        list_args={"partner": partner.code} if partner and current_user.is_edt else {},
        short_why=short_why,
        next_step=lead,
        can_select=current_user.role in LEADS,
    )
