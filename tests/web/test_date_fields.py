"""Every Day/Month/Year date on every form: its error in the summary links to (and so focuses) the Day box."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from werkzeug.datastructures import MultiDict

import tracker.web
from tracker.web.fields import DayMonthYear


def forms_with_dates():
    found = {}
    for info in pkgutil.iter_modules(tracker.web.__path__):
        module = importlib.import_module(f"tracker.web.{info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, FlaskForm) and value.__module__ == module.__name__:
                dates = [key for key, field in vars(value).items() if getattr(field, "field_class", None) is DayMonthYear]
                if dates:
                    found[f"{info.name}.{name}"] = (value, dates)
    return found


def test_the_forms_with_dates_are_all_found():
    assert {"actions.ContactForm", "actions.ExtensionForm", "assessments.AssessmentForm", "registers.NewRegisterForm",
            "reference.ScheduleForm", "reports.ReportForm"} <= set(forms_with_dates())


def test_a_date_error_in_the_summary_links_to_the_day_box_of_that_date(app):
    for label, (form_class, dates) in forms_with_dates().items():
        for values in (["", "", ""], ["31", "2", "2023"]):
            with app.test_request_context("/", method="POST"):
                form = form_class(formdata=MultiDict([(name, value) for name in dates for value in values]),
                                  meta={"csrf": False})
                for name in dates:
                    form[name].validate(form)
                links = {link["href"]: link["text"] for link in wtforms_errors(form)["errorList"]}
                for name in dates:
                    field = form[name]
                    if field.optional and not any(values):
                        assert not field.errors, (label, name)  # an optional date left empty is no date
                        continue
                    assert links.get(f"#{name}-day") == field.errors[0], (label, name, links)
                    html = str(field())
                    day_box = re.search(rf'<input[^>]*\bid="{name}-day"[^>]*>', html)
                    assert day_box and f'name="{name}"' in day_box.group(0), (label, html)
                    ids = re.findall(r'\bid="([^"]+)"', html)
                    assert len(ids) == len(set(ids)), (label, ids)
