"""The partner's next-step email template: placeholders checked by name, filled from the participant's notice."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, strategies as st

from tracker.config import ConfigurationError, mail_settings
from tracker.escalation.email_template import (
    DEFAULT_BODY, DEFAULT_SUBJECT, PLACEHOLDERS, fill, fill_message, template_problems,
)

VALUES = {name: f"<{name}>" for name in PLACEHOLDERS}


def test_the_default_template_uses_only_known_placeholders():
    assert template_problems("subject", DEFAULT_SUBJECT, "Subject") == []
    assert template_problems("body", DEFAULT_BODY, "Message") == []
    filled = fill_message(DEFAULT_SUBJECT, DEFAULT_BODY, VALUES)
    assert filled.subject == "Your NPQ: your next step for <output>"
    assert "Your next step: <next_step>." in filled.body and "{" not in filled.body


def test_an_unknown_placeholder_is_refused_naming_the_field_and_the_placeholder():
    [problem] = template_problems("subject", "Hello {first_name}", "Subject")
    assert problem.startswith("The subject uses {first_name}, which is not a placeholder: use {name}, ")
    [problem] = template_problems("body", "{name.__class__}", "Message")
    assert problem.startswith("The message uses {name.__class__}, which is not a placeholder")
    assert template_problems("body", "{}", "Message")[0].startswith("The message uses {}, which is not")


def test_formats_lone_braces_blank_and_long_texts_are_refused():
    assert template_problems("body", "{name!r}", "Message") == [
        "The message uses {name!r}: write it as {name}, without a format"]
    assert "without its pair" in template_problems("body", "Hello {name", "Message")[0]
    assert "without its pair" in template_problems("body", "a } b", "Message")[0]
    assert template_problems("subject", "  ", "Subject") == ["Enter the subject"]
    assert template_problems("subject", "a\nb", "Subject") == ["The subject must be one line"]
    assert template_problems("subject", "x" * 201, "Subject") == ["The subject must be 200 characters or fewer"]


def test_doubled_braces_are_braces_and_a_subject_is_one_line():
    assert fill("{{literally}} {name}", {"name": "Ann"}) == "{literally} Ann"
    assert fill_message("{name}", "", {"name": "Ann\nBee"}).subject == "Ann Bee"


@given(st.lists(st.one_of(st.sampled_from(sorted(PLACEHOLDERS)).map(lambda n: ("p", n)),
                          st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=8).map(lambda t: ("t", t))),
                max_size=12))
def test_any_text_of_known_placeholders_is_accepted_and_filled_with_each_value(parts):
    text = "".join("{" + v + "}" if kind == "p" else v for kind, v in parts)
    assume(text.strip())
    assert template_problems("body", text, "Message") == []
    assert fill(text, VALUES) == "".join(VALUES[v] if kind == "p" else v for kind, v in parts)


def test_mail_settings_come_from_the_environment(monkeypatch):
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER"):
        monkeypatch.delenv(name, raising=False)
    assert mail_settings()["MAIL_SERVER"] == "" and mail_settings()["MAIL_PORT"] == 25
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_DEFAULT_SENDER", "npq@north.example")
    settings = mail_settings()
    assert (settings["MAIL_PORT"], settings["MAIL_USE_TLS"], settings["MAIL_DEFAULT_SENDER"]) == (587, True, "npq@north.example")
    monkeypatch.setenv("MAIL_PORT", "smtp")
    with pytest.raises(ConfigurationError, match="MAIL_PORT must be a port number"):
        mail_settings()
