"""The browser: Jinja set-up, security, and the blueprints, registered by the app factory."""
from __future__ import annotations

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader


def register_web(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from . import errors, filters, inputs, security
    from .auth import bp as auth_bp
    from .ids import IdConverter

    from govuk_frontend_wtf.main import WTFormsHelpers

    security.init_app(app)
    inputs.init_app(app)
    errors.init_app(app)
    filters.init_app(app)
    WTFormsHelpers(app)
    app.add_template_global(navigation)
    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(auth_bp)
    for blueprint in _feature_blueprints():
        app.register_blueprint(blueprint)


BLUEPRINTS = ("home", "admin", "dashboard", "participants", "registers", "uploads", "mapping", "actions", "overview",
              "assessments", "reference", "declarations", "reports", "meetings", "help", "emails", "jobs",
              "report_uploads", "dfe", "dfe_changes")


def _feature_blueprints():
    """Each feature lives in its own module with a `bp`, listed in BLUEPRINTS; a missing one is an error."""
    from importlib import import_module

    for name in BLUEPRINTS:
        yield import_module(f"{__name__}.{name}").bp


def navigation() -> list[tuple[str, str]]:
    """The service navigation for the signed-in user: (endpoint, label)."""
    from flask_login import current_user

    items = [("dashboard.index", "Dashboard"), ("participants.index", "Participants"),
             ("registers.index", "Registers"), ("uploads.index", "Uploads"), ("reports.index", "Reports"),
             ("meetings.index", "Meetings"), ("jobs.index", "Jobs")]
    if current_user.is_edt:
        items += [("overview.index", "All partners"), ("actions.withdrawals", "Withdrawals"),
                  ("assessments.index", "Assessments"), ("declarations.index", "Declarations"), ("dfe.index", "DfE"),
                  ("reference.index", "Course content")]
    if current_user.role == "edt-admin":
        items.append(("admin.users", "Users"))
    if current_user.role == "partner-lead":
        items.append(("admin.users", "Users"))
    return items
