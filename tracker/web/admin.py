"""Users: EDT admins manage everyone; partner leads the facilitators and leads of their own partner.

Inviting, resending an invitation, changing a role, deactivating and reactivating; EDT admins can
also sign a user out everywhere. Deactivating, a role change and signing out everywhere end the
user's sessions at once (tracker/accounts/sessions.py).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from sqlalchemy import select
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..accounts import users as accounts
from ..accounts.emails import INVITATION_PAGE, link, send_invitation
from ..accounts.users import PARTNER_ROLES, create_user
from ..audit import record
from ..escalation.mailer import MailServer, NotSent
from ..clock import now
from ..extensions import db
from ..models import DeliveryPartner, User
from ..models.accounts import EDT_ADMIN, EDT_STAFF, FACILITATOR, PARTNER_LEAD, ROLE_NAMES
from ..refusal import Refusal
from .access import ADMIN, access
from .refusals import attempt

bp = Blueprint("admin", __name__, url_prefix="/users")
INVITERS = (EDT_ADMIN, PARTNER_LEAD)
ADMIN_ROLES = (EDT_STAFF, EDT_ADMIN, PARTNER_LEAD, FACILITATOR)
LEAD_ROLES = (FACILITATOR, PARTNER_LEAD)
NO_PARTNER = ""
PARTNER_HINT = "Partner leads and facilitators belong to a delivery partner; EDT staff and admins to none."


class RoleForm(FlaskForm):
    role = SelectField("Role", widget=GovSelect(), validators=[DataRequired("Choose a role")])
    partner = SelectField("Delivery partner", widget=GovSelect(), default=NO_PARTNER, description=PARTNER_HINT)


class InviteForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(), validators=[DataRequired("Enter their full name"), Length(max=120)])
    email = EmailField("Email address", widget=GovTextInput(), validators=[
        DataRequired("Enter their email address"), Email("Enter an email address like name@example.org")])
    role = SelectField("Role", widget=GovSelect(), validators=[DataRequired("Choose a role")])
    partner = SelectField("Delivery partner", widget=GovSelect(), default=NO_PARTNER, description=PARTNER_HINT)


def _is_admin() -> bool:
    return current_user.role == EDT_ADMIN


NO_ROLE = SelectChoice("", "Choose a role")


def _offer_roles_and_partners(form, *, choose: bool = False) -> None:
    """choose: the role starts unchosen, so no one is given a role by not looking (the invite form)."""
    first = [NO_ROLE] if choose else []
    if _is_admin():
        form.role.choices = first + [SelectChoice(r, ROLE_NAMES[r]) for r in ADMIN_ROLES]
        partners = db.session.scalars(select(DeliveryPartner).order_by(DeliveryPartner.code)).all()
        form.partner.choices = [SelectChoice(NO_PARTNER, "None (EDT staff)")] + [
            SelectChoice(p.code, f"{p.code} – {p.name}") for p in partners]
    else:
        form.role.choices = first + [SelectChoice(r, ROLE_NAMES[r]) for r in LEAD_ROLES]
        form.partner.choices = [SelectChoice(current_user.partner.code, current_user.partner.code)]
        form.partner.data = current_user.partner.code


def _chosen_partner_id(form) -> int | None:
    """EDT admins choose the partner; a partner lead's people belong to their own."""
    if not _is_admin():
        return current_user.partner_id
    code = form.partner.data
    return db.session.scalar(select(DeliveryPartner.id).where(DeliveryPartner.code == code)) if code else None


def _can_manage(user: User) -> bool:
    if user.id == current_user.id:
        return False
    return _is_admin() or (user.partner_id == current_user.partner_id and user.role in PARTNER_ROLES)


def _managed_or_404(user_id: int) -> User:
    """A user the signed-in person may manage; anyone else, themselves included, is not found."""
    user = db.session.get(User, user_id)
    if user is None or not _can_manage(user):
        abort(404)
    return user


def _visible_users():
    query = select(User).order_by(User.email)
    if not _is_admin():
        query = query.where(User.partner_id == current_user.partner_id)
    return db.session.scalars(query).all()


LINK_HELD = "invitation_link"  # shown once, on the next page, when the link was not emailed


def _deliver_invitation(user: User, token: str, verb: str) -> None:
    """Emails the invitation when email is set up; otherwise (or when it cannot go) the next page shows
    the link in a field to copy, and says why."""
    server = MailServer.from_config(current_app.config)
    base = current_app.config.get("PUBLIC_URL") or request.url_root
    if server is not None:
        try:
            send_invitation(server, user, base, token, current_user.name)
        except NotSent as failed:
            flash(f"Invitation {verb} for {user.email}, but the email did not go: {failed} "
                  "Send them the link below yourself.", "problem")
        else:
            record(current_user.email, "send-invitation", "user", user.id, after={"email": user.email})
            db.session.commit()
            flash(f"Invitation emailed to {user.email}. The link in it works once, for 7 days.", "success")
            return
    else:
        flash(f"Invitation {verb} for {user.email}. Email is not set up, so send them the link below yourself.",
              "success")
    session[LINK_HELD] = {"email": user.email, "link": link(base, INVITATION_PAGE, token)}


def _held_link() -> dict | None:
    return session.pop(LINK_HELD, None)


@bp.route("/", methods=["GET", "POST"])
@access(INVITERS)
def users():
    form = InviteForm()
    _offer_roles_and_partners(form, choose=True)
    invited = []
    if attempt(form, lambda: invited.extend(create_user(
            form.email.data, form.name.data, form.role.data, now(), partner_id=_chosen_partner_id(form),
            invited_by=current_user.id, actor=current_user.email))):
        user, token = invited
        _deliver_invitation(user, token, "created")
        return redirect(url_for("admin.users"))
    people = _visible_users()
    return render_template("admin/users.html", title="Users", form=form, users=people, role_names=ROLE_NAMES,
                           manageable={u.id for u in people if _can_manage(u)}, invitation=_held_link())


def _user_page(person: User, form: RoleForm):
    return render_template("admin/user.html", title=person.name, person=person, form=form, role_names=ROLE_NAMES,
                           can_sign_out=_is_admin(), invitation=_held_link())


@bp.get("/<int:user_id>")
@access(INVITERS)
def user(user_id: int):
    person = _managed_or_404(user_id)
    form = RoleForm(role=person.role, partner=person.partner.code if person.partner else NO_PARTNER)
    _offer_roles_and_partners(form)
    return _user_page(person, form)


@bp.post("/<int:user_id>/role")
@access(INVITERS)
def role(user_id: int):
    person = _managed_or_404(user_id)
    form = RoleForm()
    _offer_roles_and_partners(form)
    if attempt(form, lambda: accounts.change_role(person, form.role.data, _chosen_partner_id(form), current_user.email)):
        partner = f" of {person.partner.code}" if person.partner else ""
        flash(f"{person.name} is now {ROLE_NAMES[person.role]}{partner}. They sign in again to use the new role.", "success")
        return redirect(url_for("admin.user", user_id=person.id))
    return _user_page(person, form)


def _act(user_id: int, action, message) -> object:
    person = _managed_or_404(user_id)
    try:
        result = action(person)
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.message, "problem")
    else:
        db.session.commit()
        message(person, result)
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/<int:user_id>/deactivate")
@access(INVITERS)
def deactivate(user_id: int):
    return _act(user_id, lambda person: accounts.deactivate(person, current_user.email),
                lambda person, ended: flash(f"{person.name} is deactivated and cannot sign in. "
                                            f"Sessions ended: {ended}.", "success"))


@bp.post("/<int:user_id>/reactivate")
@access(INVITERS)
def reactivate(user_id: int):
    return _act(user_id, lambda person: accounts.reactivate(person, current_user.email),
                lambda person, _: flash(f"{person.name} can sign in again.", "success"))


@bp.post("/<int:user_id>/invitation")
@access(INVITERS)
def resend(user_id: int):
    return _act(user_id, lambda person: accounts.resend_invitation(person, now(), current_user.email),
                lambda person, token: _deliver_invitation(person, token, "made again"))


@bp.post("/<int:user_id>/sign-out")
@access(ADMIN)
def sign_out_everywhere(user_id: int):
    return _act(user_id, lambda person: accounts.sign_out_everywhere(person, current_user.email),
                lambda person, ended: flash(f"{person.name} is signed out everywhere. Sessions ended: {ended}.", "success"))
