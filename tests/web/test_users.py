"""The Users page: invite with a form that accepts its own first state, resend an invitation,
change a role, deactivate and reactivate; partner leads only for their own partner's people."""
from __future__ import annotations

import html
import re

import html5lib
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, User

from .conftest import PASSWORD, signed_in


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def user_id(email) -> int:
    return db.session.scalar(select(User.id).where(User.email == email))


def first_state(page: str) -> dict[str, str]:
    """What the invite form submits when nothing is changed: each select's selected (or first) option."""
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page)
    state = {}
    for select_el in tree.iter("select"):
        options = list(select_el.iter("option"))
        chosen = next((o for o in options if o.get("selected") is not None), options[0])
        state[select_el.get("name")] = chosen.get("value")
    return state


def field_error(page: str, field: str) -> str:
    """The error message shown on a field, and the error summary's link to it."""
    assert f'href="#{field}"' in page, f"the error summary does not link to {field}"
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>\s*([^<]+)', page)
    assert match, f"no error on the {field} field"
    return match.group(1).strip()


def test_the_invite_form_has_no_role_until_one_is_chosen(app, as_edt_admin):
    state = first_state(text(as_edt_admin.get("/users/")))
    assert state == {"role": "", "partner": ""}
    page = text(as_edt_admin.post("/users/", {"name": "New Staff", "email": "new@edt.example", **state}))
    assert field_error(page, "role") == "Choose a role"
    assert db.session.scalar(select(User).where(User.email == "new@edt.example")) is None
    response = as_edt_admin.post("/users/", {"name": "New Staff", "email": "new@edt.example", **state,
                                             "role": "edt-staff"})
    assert response.status_code == 302
    assert db.session.scalar(select(User.role).where(User.email == "new@edt.example")) == "edt-staff"


def test_a_partner_role_without_a_partner_is_an_error_on_the_partner_field(app, as_edt_admin):
    page = text(as_edt_admin.post("/users/", {"name": "N", "email": "n@south.example", "role": "partner-lead",
                                              "partner": ""}))
    assert field_error(page, "partner") == "Choose the delivery partner of a partner lead or facilitator"
    assert 'id="email-error"' not in page
    page = text(as_edt_admin.post("/users/", {"name": "N", "email": "n@edt.example", "role": "edt-admin",
                                              "partner": "SOUTH"}))
    assert field_error(page, "partner").startswith("EDT staff and admins have no delivery partner")
    assert db.session.scalar(select(User).where(User.email.in_(["n@south.example", "n@edt.example"]))) is None


def test_an_existing_email_is_an_error_on_the_email_field(app, as_edt_admin):
    page = text(as_edt_admin.post("/users/", {"name": "L", "email": "LEAD@north.example", "role": "edt-staff",
                                              "partner": ""}))
    assert field_error(page, "email") == "an account for lead@north.example already exists"


def test_a_partner_leads_invite_form_has_no_role_until_one_is_chosen_too(app, as_north_lead):
    state = first_state(text(as_north_lead.get("/users/")))
    assert state == {"role": ""}
    assert field_error(text(as_north_lead.post("/users/", {"name": "Fac Two", "email": "fac2@north.example",
                                                           **state})), "role") == "Choose a role"
    assert as_north_lead.post("/users/", {"name": "Fac Two", "email": "fac2@north.example",
                                          "role": "facilitator"}).status_code == 302


def invite_link(page: str) -> str:
    match = re.search(r'value="http://localhost/invitations#([A-Za-z0-9_-]+)"', page)
    assert match, "no invitation link shown"
    return match.group(1)


def test_resending_an_invitation_replaces_the_old_link(app, as_edt_admin):
    first = invite_link(text(as_edt_admin.post("/users/", {"name": "Nia", "email": "nia@north.example",
                                                           "role": "facilitator", "partner": "NORTH"},
                                               follow_redirects=True)))
    nia = user_id("nia@north.example")
    page = text(as_edt_admin.post(f"/users/{nia}/invitation", {}, form_url=f"/users/{nia}", follow_redirects=True))
    assert "Invitation made again for nia@north.example" in page
    second = invite_link(page)
    assert second != first
    from .conftest import Browser

    visitor = Browser(app.test_client())
    assert "This invitation has expired or has been used" in text(visitor.post("/invitations", {"code": first}))
    assert visitor.post("/invitations", {"code": second}).headers["Location"] == "/invitations/password"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == str(nia))
                             .order_by(AuditEvent.id.desc()).limit(1)) == "resend-invitation"


def test_there_is_no_invitation_to_resend_once_a_password_is_set(app, as_edt_admin):
    lead = user_id("lead@north.example")
    assert "Resend invitation" not in text(as_edt_admin.get(f"/users/{lead}"))
    page = text(as_edt_admin.post(f"/users/{lead}/invitation", {}, form_url=f"/users/{lead}", follow_redirects=True))
    assert "has already set a password: there is no invitation to resend" in page


def test_an_edt_admin_changes_a_role_and_the_user_signs_in_to_the_new_one(app, as_edt_admin):
    staff = signed_in(app, "staff@edt.example")
    staff_id = user_id("staff@edt.example")
    response = as_edt_admin.post(f"/users/{staff_id}/role", {"role": "partner-lead", "partner": "SOUTH"},
                                 form_url=f"/users/{staff_id}", follow_redirects=True)
    assert "Staff is now Partner lead of SOUTH." in text(response)
    changed = db.session.get(User, staff_id)
    db.session.refresh(changed)
    assert (changed.role, changed.partner.code) == ("partner-lead", "SOUTH")
    assert staff.get("/overview").status_code == 302  # signed out: the old role's session ended
    again = signed_in(app, "staff@edt.example")
    assert again.get("/overview").status_code == 403


def test_a_role_change_that_does_not_fit_the_partner_is_refused_on_the_partner_field(app, as_edt_admin):
    lead = user_id("lead@north.example")
    page = text(as_edt_admin.post(f"/users/{lead}/role", {"role": "edt-admin", "partner": "NORTH"},
                                  form_url=f"/users/{lead}"))
    assert field_error(page, "partner").startswith("EDT staff and admins have no delivery partner")
    assert db.session.scalar(select(User.role).where(User.id == lead)) == "partner-lead"


def test_a_deactivated_user_shows_as_such_and_can_be_reactivated(app, as_edt_admin):
    fac = user_id("facilitator@north.example")
    as_edt_admin.post(f"/users/{fac}/deactivate", {}, form_url=f"/users/{fac}")
    assert "Deactivated" in text(as_edt_admin.get("/users/"))
    assert signed_in_refused(app, "facilitator@north.example")
    as_edt_admin.post(f"/users/{fac}/reactivate", {}, form_url=f"/users/{fac}")
    assert signed_in(app, "facilitator@north.example")


def signed_in_refused(app, email) -> bool:
    from .conftest import Browser

    browser = Browser(app.test_client())
    return browser.post("/sign-in", {"email": email, "password": PASSWORD}).status_code == 200


def test_a_partner_lead_manages_only_their_own_partners_facilitators_and_leads(app, as_north_lead):
    fac = user_id("facilitator@north.example")
    assert as_north_lead.post(f"/users/{fac}/role", {"role": "partner-lead"}, form_url=f"/users/{fac}").status_code == 302
    assert db.session.scalar(select(User.role).where(User.id == fac)) == "partner-lead"
    token = as_north_lead.csrf("/users/")
    for other in ("lead@south.example", "staff@edt.example", "admin@edt.example", "lead@north.example"):
        other_id = user_id(other)
        assert as_north_lead.get(f"/users/{other_id}").status_code == 404, other
        assert as_north_lead.client.post(f"/users/{other_id}/deactivate",
                                         data={"csrf_token": token}).status_code == 404, other
    assert db.session.scalar(select(User.active).where(User.email == "lead@south.example")) is True
    refused = text(as_north_lead.post(f"/users/{fac}/role", {"role": "edt-admin"}, form_url=f"/users/{fac}"))
    assert "Not a valid choice" in refused
