"""Users: EDT admins invite anyone; partner leads invite facilitators of their own partner."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from sqlalchemy import select
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..accounts.users import create_user
from ..clock import now
from ..extensions import db
from ..models import DeliveryPartner, User
from ..models.accounts import EDT_ADMIN, FACILITATOR, PARTNER_LEAD, ROLE_NAMES, ROLES
from .access import access
from .refusals import attempt

bp = Blueprint("admin", __name__, url_prefix="/users")
INVITERS = (EDT_ADMIN, PARTNER_LEAD)


class InviteForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(), validators=[DataRequired("Enter their full name"), Length(max=120)])
    email = EmailField("Email address", widget=GovTextInput(), validators=[
        DataRequired("Enter their email address"), Email("Enter an email address like name@example.org")])
    role = SelectField("Role", widget=GovSelect(), validators=[DataRequired("Choose a role")])
    partner = SelectField("Delivery partner", widget=GovSelect(), validate_choice=False)


def _visible_users():
    query = select(User).order_by(User.email)
    if current_user.role != EDT_ADMIN:
        query = query.where(User.partner_id == current_user.partner_id)
    return db.session.scalars(query).all()


def _invited_partner_id(form: InviteForm) -> int | None:
    """EDT admins choose the partner; a partner lead invites into their own."""
    if current_user.role != EDT_ADMIN:
        return current_user.partner_id
    code = form.partner.data
    return db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == code)) if code else None


@bp.route("/", methods=["GET", "POST"])
@access(INVITERS)
def users():
    form = InviteForm()
    if current_user.role == EDT_ADMIN:
        form.role.choices = [SelectChoice(r, ROLE_NAMES[r]) for r in ROLES]
        partners = db.session.scalars(select(DeliveryPartner).order_by(DeliveryPartner.code)).all()
        form.partner.choices = [SelectChoice("", "None (EDT staff)")] + [SelectChoice(p.code, f"{p.code} – {p.name}") for p in partners]
    else:
        form.role.choices = [SelectChoice(FACILITATOR, ROLE_NAMES[FACILITATOR]), SelectChoice(PARTNER_LEAD, ROLE_NAMES[PARTNER_LEAD])]
        form.partner.choices = [SelectChoice(current_user.partner.code, current_user.partner.code)]
    invite_link = None
    invited = []
    if attempt(form, lambda: invited.extend(create_user(
            form.email.data, form.name.data, form.role.data, now(), partner_id=_invited_partner_id(form),
            invited_by=current_user.id, actor=current_user.email))):
        user, token = invited
        invite_link = url_for("auth.accept_invitation", token=token, _external=True)
        flash(f"Invitation created for {user.email}. Send them this link (valid for 7 days): {invite_link}", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/users.html", title="Users", form=form, users=_visible_users(), role_names=ROLE_NAMES)
