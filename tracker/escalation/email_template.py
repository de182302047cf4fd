"""A partner's next-step email: the placeholders it may use, checked and filled. Pure: no Flask,
no database (tests/escalation/test_email_template.py)."""
from __future__ import annotations

from dataclasses import dataclass
from string import Formatter

PLACEHOLDERS = {
    "name": "the participant's full name",
    "participant_id": "the participant's ID",
    "output": "the output they are working towards, in a teacher's words, e.g. Output 2 (keeping up with your course)",
    "review_date": "that output's review date, e.g. 23 June 2022",
    "deadline": "the date to do it by: the deadline you agreed with them, or else the end of the 3-week "
                "window after the review date",
    "window_end": "the same date as {deadline} (the name templates used before)",
    "why": "why the output is not met yet, in a sentence",
    "next_step": "the next step that would meet it, in a sentence",
    "partner": "your delivery partner's name",
}
SUBJECT_LIMIT = 200
BODY_LIMIT = 5000

DEFAULT_SUBJECT = "Your NPQ: your next step for {output}"
DEFAULT_BODY = """Dear {name},

We are getting in touch about {output} of your National Professional Qualification. Its review date is {review_date}.

What is missing: {why}.

Your next step: {next_step}.

Please do this by {deadline}. If anything is in the way, reply to this email and we will help.

{partner}"""


@dataclass(frozen=True)
class Filled:
    subject: str
    body: str


def template_problems(field: str, text: str | None, label: str) -> list[str]:
    """Why this subject or body cannot be saved, each message naming the field (label) and the placeholder."""
    text = text or ""
    limit = SUBJECT_LIMIT if field == "subject" else BODY_LIMIT
    if not text.strip():
        return [f"Enter the {label.lower()}"]
    problems = []
    if len(text) > limit:
        problems.append(f"The {label.lower()} must be {limit} characters or fewer")
    if field == "subject" and ("\n" in text or "\r" in text):
        problems.append(f"The {label.lower()} must be one line")
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return problems + [f"The {label.lower()} has a {{ or }} without its pair: write a placeholder as "
                           "{name}, and a brace itself as {{ or }}"]
    known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if name not in PLACEHOLDERS:
            problems.append(f"The {label.lower()} uses {written}, which is not a placeholder: use {known}")
        elif spec or conversion:
            problems.append(f"The {label.lower()} uses {written}: write it as {{{name}}}, without a format")
    return problems


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each placeholder replaced by its value (the text has been checked)."""
    out = []
    for literal, name, _, _ in Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(values.get(name, ""))
    return "".join(out)


def fill_message(subject: str, body: str, values: dict[str, str]) -> Filled:
    return Filled(" ".join(fill(subject, values).split()), fill(body, values))
