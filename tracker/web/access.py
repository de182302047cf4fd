"""Who may see what. Every route declares its rule with @access; data goes through scope().

A partner user sees only their own partner's participants and evidence: every query for
them is narrowed by `scoped()` and every single record is fetched by `participant_or_404`,
so another partner's URL is a 404, never a leak. tests/web/test_access.py walks every
route and fails when one has no rule.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select, select

from ..extensions import db
from ..models import DeliveryPartner, Participant
from ..models.people import participant_id_is
from ..models.accounts import EDT_ADMIN, EDT_STAFF, FACILITATOR, PARTNER_LEAD

PUBLIC = "public"
SIGNED_IN = "signed-in"
EDT = (EDT_STAFF, EDT_ADMIN)
ADMIN = (EDT_ADMIN,)
LEADS = (PARTNER_LEAD, EDT_STAFF, EDT_ADMIN)
ANYONE = (PARTNER_LEAD, FACILITATOR, EDT_STAFF, EDT_ADMIN)


def access(rule):
    """rule: PUBLIC, or a tuple of roles allowed (partner roles see only their own data)."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if rule != PUBLIC:
                if not current_user.is_authenticated:
                    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
                if current_user.role not in rule:
                    abort(403)
            return view(*args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate


def own_partner_id() -> int | None:
    """The partner the signed-in user is confined to, or None for EDT staff."""
    return None if current_user.is_edt else current_user.partner_id


def scoped(query: Select) -> Select:
    """Narrow a query that involves Participant to what the signed-in user may see."""
    partner = own_partner_id()
    return query if partner is None else query.where(Participant.partner_id == partner)


def participant_or_404(participant_ref: str) -> Participant:
    participant = db.session.scalar(scoped(select(Participant).where(participant_id_is(participant_ref))))
    if participant is None:
        abort(404)
    return participant


def partner_or_404(code: str) -> DeliveryPartner:
    partner = db.session.scalar(select(DeliveryPartner).where(DeliveryPartner.code == code))
    if partner is None or (own_partner_id() is not None and partner.id != own_partner_id()):
        abort(404)
    return partner


def guard_partner_id(partner_id: int | None) -> None:
    """404 unless the signed-in user may see records of this partner."""
    own = own_partner_id()
    if own is not None and partner_id != own:
        abort(404)


def require(condition: bool) -> None:
    if not condition:
        abort(404)
