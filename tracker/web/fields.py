"""Form fields shared by the pages."""
from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field


class DayMonthYearInput(GovDateInput):
    """GOV.UK's date input, grouped under the field's name: its Day box carries the field's id,
    so the error summary's link (to the field's id) lands on the Day box."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.name)
        return super().__call__(field, **kwargs)


class DayMonthYear(Field):
    """GOV.UK's three boxes (day, month, year) read as one date; messages name the field in words."""

    widget = DayMonthYearInput()

    def __init__(self, label, optional: bool = False, **kwargs):
        """optional: three empty boxes are no date (None) rather than a problem."""
        kwargs.setdefault("description", "For example, 27 3 2023")
        super().__init__(label, **kwargs)
        self.noun = label[0].lower() + label[1:]
        if "id" not in kwargs:
            self.id = f"{self.name}-day"
        self.optional = optional

    def _value(self):
        return ""  # the widget reads raw_data or data itself

    def process_formdata(self, valuelist):
        parts = [str(value).strip() for value in valuelist]
        if len(parts) != 3:
            parts = (parts + ["", "", ""])[:3]
            self.raw_data = parts
        if not any(parts):
            if self.optional:
                self.data = None
                return
            raise ValueError(f"Enter the {self.noun}")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(f"The {self.noun} must be a real date, like 27 3 2023") from None
