"""The emails an account gets, with the links that carry its one-use code after "#" (the URL's
fragment, which browsers never send to the server, so it never reaches an access log)."""
from __future__ import annotations

from ..escalation.mailer import MailServer, Postbox
from ..models import User
from ..models.accounts import ROLE_NAMES
from ..words import INVITATION_EMAIL_BODY, INVITATION_EMAIL_SUBJECT, RESET_EMAIL_BODY, RESET_EMAIL_SUBJECT

INVITATION_PAGE = "/invitations"
RESET_PAGE = "/password/reset"


def link(base_url: str, page: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{page}#{token}"


def send_invitation(server: MailServer, user: User, base_url: str, token: str, inviter: str) -> None:
    """Emails the invitation; raises mailer.NotSent, in words, when it cannot go."""
    body = INVITATION_EMAIL_BODY.format(name=user.name, inviter=inviter, role=ROLE_NAMES[user.role],
                                        link=link(base_url, INVITATION_PAGE, token),
                                        page=base_url.rstrip("/") + INVITATION_PAGE, code=token)
    with Postbox(server) as box:
        box.send(user.email, INVITATION_EMAIL_SUBJECT, body)


def send_reset(server: MailServer, user: User, base_url: str, token: str) -> None:
    body = RESET_EMAIL_BODY.format(name=user.name, link=link(base_url, RESET_PAGE, token),
                                   page=base_url.rstrip("/") + RESET_PAGE, code=token)
    with Postbox(server) as box:
        box.send(user.email, RESET_EMAIL_SUBJECT, body)


def email_reset(email: str, base_url: str) -> None:
    """A reset link to the account with this email, if there is one (run by a worker: the page that
    asked answers the same, as fast, whether or not the account exists)."""
    from flask import current_app

    from ..clock import now
    from ..extensions import db
    from .users import request_reset

    server = MailServer.from_config(current_app.config)
    made = request_reset(email, now()) if server is not None else None
    db.session.commit()
    if made is not None:
        user, token = made
        send_reset(server, user, base_url, token)  # NotSent fails the task, which Huey logs
