"""Every route declares who may use it; partner users never see another partner's data."""
from __future__ import annotations

from tracker.web.access import PUBLIC


def test_every_route_declares_an_access_rule(app):
    unguarded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert unguarded == []


def test_only_sign_in_invitations_password_resets_health_and_the_favicon_are_public(app):
    public = sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and getattr(app.view_functions[rule.endpoint], "access_rule", None) == PUBLIC
    )
    assert public == ["/favicon.ico", "/health", "/invitations", "/invitations/password", "/password/forgotten",
                      "/password/reset", "/password/reset/new", "/sign-in"]
    assert not any("<" in path for path in public), "a public address carries no code or token"


def test_no_route_changes_state_on_get(app):
    """Routes that accept GET are read-only by convention: writes are POST-only routes or
    GET+POST form pages; this guards against a GET-only route named like an action."""
    verbs = ("delete", "confirm", "decline", "create", "record", "update", "import", "sign-out")
    for rule in app.url_map.iter_rules():
        if rule.methods >= {"GET"} and "POST" not in rule.methods:
            assert not any(v in rule.rule for v in verbs), rule.rule


def test_signed_out_visitors_are_sent_to_sign_in(app, two_partners):
    response = app.test_client().get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_security_headers_and_csp_nonce(app, two_partners):
    response = app.test_client().get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
