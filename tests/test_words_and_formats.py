"""One home for words (tracker/words.py) and for date formats (tracker/formats.py)."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

from tracker import formats, words
from tracker.reports.pdf import _environment

ROOT = Path(__file__).resolve().parents[1]
DATE_FORMAT = re.compile(r"%[bBdYHM]")


def test_only_the_formats_module_writes_date_formats():
    writers = {str(path.relative_to(ROOT)) for path in [*(ROOT / "tracker").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]
               if DATE_FORMAT.search(path.read_text()) and "strptime" not in path.read_text()}
    assert writers == {"tracker/formats.py"}


def test_every_format_is_a_filter_on_the_pages_and_in_the_pdf(app):
    for name, function in formats.FILTERS.items():
        assert app.jinja_env.filters[name] is function
        assert _environment().filters[name] is function


def test_the_formats():
    assert formats.long_date(date(2023, 6, 2)) == "2 June 2023"
    assert formats.short_date(date(2023, 6, 2)) == "2 Jun 2023"
    assert formats.long_date(None) == formats.short_date(None) == ""
    assert formats.date_time(datetime(2023, 6, 2, 9, 5)) == "2023-06-02 09:05"
    assert formats.short_date_time(datetime(2023, 6, 2, 9, 5)) == "02 Jun 2023 09:05"
    assert formats.time_of_day(datetime(2023, 6, 2, 9, 5)) == "09:05"
    assert [formats.clock_time(time(h, m)) for h, m in ((9, 0), (14, 30), (12, 0), (0, 5))] == [
        "9am", "2:30pm", "midday", "12:05am"]
    assert formats.time_span(time(11, 30), 30) == "11:30am to midday" and formats.time_span(None, 60) == ""
    assert [formats.days_from_review(n) for n in (-2, -1, 0, 1, 3)] == [
        "2 days to go", "1 day to go", "review date today", "1 day after", "3 days after"]


def test_a_register_mark_reads_the_same_everywhere():
    from tracker.web.registers import MARK_CHOICES, MARK_TAGS

    assert {c.value: c.label for c in MARK_CHOICES} == words.MARK_LABELS
    assert {mark: tag[0] for mark, tag in MARK_TAGS.items() if mark} == words.MARK_LABELS
    assert words.MARK_LABELS["contingency"] == "Contingency activity"


def test_no_other_module_keeps_its_own_labels():
    own = {str(path.relative_to(ROOT)) for path in (ROOT / "tracker").rglob("*.py")
           if re.search(r"^[A-Z_]+_LABELS\s*=\s*\{", path.read_text(), re.M)}
    assert own <= {"tracker/words.py", "tracker/web/declarations.py"}


def test_audit_actions_and_codes_in_words():
    assert words.audit_action("agree-extension") == "Extended deadline agreed"
    assert words.audit_action("something-new", "contact_attempt") == "Contact attempt: something new"
    assert words.label(words.CONTACT_OUTCOME_LABELS, "no-response") == "No response"
    assert words.label(words.CONTACT_OUTCOME_LABELS, "new-outcome") == "New outcome"
