"""EDT's DfE page: the last sync with DfE and the button to sync again, DfE's enrolments the tracker
does not have (each can be added for a chosen partner), the tracker's active participants DfE does
not have, and each partner's DfE id chosen from DfE's list; DfE's statements by month with the
declarations on each. Partner users never reach them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..clock import today
from ..declarations.from_dfe import add_to_tracker
from ..declarations.money import statements_by_month
from ..declarations.sync import choose_dfe_id, next_statement, not_at_dfe, not_in_tracker
from ..extensions import db
from ..jobs import kinds
from ..models import DeliveryPartner
from ..models.dfe import DfeDeliveryPartner, DfeEnrolment, DfeSync
from ..refusal import Refusal
from ..words import DECLARATION_STATE_LABELS, DFE_API_NOT_SET_UP
from .access import ADMIN, EDT, access
from .declarations import _configured, _job_page

bp = Blueprint("dfe", __name__, url_prefix="/dfe")


@bp.get("")
@access(EDT)
def index():
    last = db.session.scalar(select(DfeSync).where(DfeSync.finished_at.is_not(None))
                             .order_by(DfeSync.started_at.desc()).limit(1))
    partners = db.session.scalars(select(DeliveryPartner).order_by(DeliveryPartner.code)).all()
    at_dfe = db.session.scalars(select(DfeDeliveryPartner).order_by(DfeDeliveryPartner.name)).all()
    return render_template("dfe/index.html", title="DfE", last=last, missing=not_in_tracker(), absent=not_at_dfe(),
                           partners=partners, at_dfe=at_dfe, names={p.dfe_id: p.name for p in at_dfe},
                           is_admin=current_user.role == "edt-admin")


@bp.get("/statements")
@access(EDT)
def statements():
    months, unknown = statements_by_month()
    return render_template("dfe/statements.html", title="DfE's statements", months=months, unknown=unknown,
                           state_labels=DECLARATION_STATE_LABELS, as_of=today(), next=next_statement(today()))


@bp.post("/sync")
@access(ADMIN)
def sync_with_dfe():
    if not _configured(DFE_API_NOT_SET_UP):
        return redirect(url_for("dfe.index"))
    return _job_page(kinds.SYNC_WITH_DFE, {"actor": current_user.email})


@bp.post("/enrolments/<int:enrolment_id>/add")
@access(ADMIN)
def add(enrolment_id: int):
    enrolment = db.session.get(DfeEnrolment, enrolment_id) or abort(404)
    partner = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == request.form.get("partner", "")))
    try:
        if partner is None:
            raise Refusal("partner", f"Choose the delivery partner of {enrolment.full_name}")
        participant = add_to_tracker(enrolment, partner, request.form.get("participant_id", ""), current_user.email)
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return redirect(url_for("dfe.index", _anchor=f"enrolment-{enrolment_id}"))
    db.session.commit()
    flash(f"{participant.full_name} was added to the tracker as {participant.participant_id} of {partner.code}",
          "success")
    return redirect(url_for("participants.show", participant_id=participant.participant_id))


@bp.post("/partners")
@access(ADMIN)
def choose_partner_id():
    partner = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == request.form.get("partner", "")))
    if partner is None:
        abort(404)
    dfe_id = request.form.get("dfe_id", "") or None
    if dfe_id and dfe_id != partner.dfe_id and db.session.scalar(select(DfeDeliveryPartner.id).where(DfeDeliveryPartner.dfe_id == dfe_id)) is None:
        flash("Choose one of DfE's delivery partners", "error")
        return redirect(url_for("dfe.index", _anchor="partners"))
    choose_dfe_id(partner, dfe_id, current_user.email)
    db.session.commit()
    flash(f"{partner.code} is now known at DfE as {partner.dfe_id}" if dfe_id else
          f"{partner.code} is now known at DfE by no id", "success")
    return redirect(url_for("dfe.index", _anchor="partners"))
