"""People who sign in, and the sign-in attempts that rate limiting counts."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import DeliveryPartner

PARTNER_LEAD = "partner-lead"
FACILITATOR = "facilitator"
EDT_STAFF = "edt-staff"
EDT_ADMIN = "edt-admin"
ROLES = (PARTNER_LEAD, FACILITATOR, EDT_STAFF, EDT_ADMIN)
ROLE_NAMES = {
    PARTNER_LEAD: "Partner lead",
    FACILITATOR: "Facilitator",
    EDT_STAFF: "EDT staff",
    EDT_ADMIN: "EDT admin",
}


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_partner.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    invite_expires_at: Mapped[datetime | None]
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # "Forgotten your password?": the hash of the one link that works, until it expires or is used
    reset_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    reset_expires_at: Mapped[datetime | None]
    partner: Mapped[DeliveryPartner | None] = relationship()

    @property
    def is_edt(self) -> bool:
        return self.role in (EDT_STAFF, EDT_ADMIN)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active


class SignInAttempt(db.Model):
    """A password that was checked (attempts refused by throttling are not checked, so not here)."""
    __tablename__ = "sign_in_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class SignInThrottle(db.Model):
    """Password checks counted for an account from an address, or for an address across accounts
    (tracker/accounts/signin.py): how many, the latest, and when the next may be made."""
    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    checks: Mapped[int]
    last_at: Mapped[datetime]
    next_at: Mapped[datetime]


class UserSession(db.Model):
    """A signed-in session, held on the server: the cookie carries only its token, so ending the row
    ends the session wherever the cookie was copied."""
    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    client: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
