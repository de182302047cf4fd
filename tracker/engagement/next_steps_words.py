"""Next steps in words: why output k is not met yet and what would meet it, cheapest first.

The rule (rules/next_steps.py) decides; this only says it, for the participant page, the
lists and exports, the partnership report and the emails to participants.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..formats import long_date, short_date
from ..rules.facts import FINAL, FIRST, MODERATED
from ..rules.next_steps import (
    ASSESSMENT,
    CREDITS_90,
    PROGRESS,
    REGISTER,
    SELF_STUDY_OPTION,
    VIDEO,
    NextSteps,
    Option,
)
from ..rules.status import CRITERIA_PENDING, TOTAL_UNKNOWN, WINDOW_DAYS


def _credits(n: int) -> str:
    return f"{n} credit{'' if n == 1 else 's'}"


def _assessment(status: str | None, result: str | None) -> str:
    if status is None:
        return "no assessment recorded"
    if status == MODERATED:
        return f"assessment moderated: {result}" if result else "assessment moderated, no result recorded"
    if status == "not-submitted":
        return "assessment not submitted"
    return f"assessment {status}, not yet moderated"


def why(steps: NextSteps) -> str:
    """The reason output k is not met yet, in a sentence."""
    reason = steps.why
    if reason.kind == FIRST:
        return ("No training event attended, no self-study credit and the Block 1 video introduction "
                "not watched to 90% yet")
    if reason.kind == FINAL:
        credits = (f"{reason.score} of {reason.required} credits needed for 90%"
                   if reason.score < reason.required else f"90% of the credits reached ({reason.score} of {reason.total})")
        return f"{credits}; {_assessment(reason.assessment_status, reason.assessment_result)}"
    how = "reviewed" if reason.anchor_is_review else "met"
    return f"No new engagement since {long_date(reason.anchor)}, when Output {reason.previous} was {how}"


def short_why(steps: NextSteps) -> str:
    """The reason in a few words, for lists."""
    reason = steps.why
    if reason.kind == FIRST:
        return "No engagement yet"
    if reason.kind == FINAL:
        credits = f"{reason.score} of {reason.required} credits" if reason.score < reason.required else "Credits reached"
        return f"{credits}; {_assessment(reason.assessment_status, reason.assessment_result)}"
    return f"No new engagement since {short_date(reason.anchor)}"


@dataclass(frozen=True)
class Step:
    """One thing the participant (or EDT) could do, in words."""

    option: str
    text: str
    credits: int | None = None


def _step(option: Option) -> Step:
    if option.option == REGISTER:
        return Step(REGISTER, f"Attend {option.title} (block {option.block}), or do its contingency activity")
    if option.option in (SELF_STUDY_OPTION, PROGRESS, CREDITS_90):
        return Step(option.option, f"Complete {option.title} (block {option.block}, {_credits(option.credits)})",
                    option.credits)
    if option.option == VIDEO:
        return Step(VIDEO, f"Watch at least 90% of the Block {option.block} video introduction "
                           "(acceptable, not DfE's preferred evidence)")
    return Step(ASSESSMENT, "EDT records a moderated assessment with its result")


def steps_in_order(steps: NextSteps) -> list[Step]:
    """Cheapest first: activities by the credits they take (fewest first), then training events,
    then block videos; for the final output the activities are all needed, in course order, then
    the assessment."""
    made = [_step(o) for o in steps.options]
    if steps.why.kind == FINAL:
        return made
    activities = sorted((s for s in made if s.credits is not None), key=lambda s: s.credits)
    return activities + [s for s in made if s.option == REGISTER] + [s for s in made if s.option == VIDEO]


def lead(steps: NextSteps) -> str:
    """What would meet output k, in one sentence (the next step of lists, exports and emails), and
    from when, if that is after the day asked about: engagement before the day after the last output
    point, or before the cohort starts, does not count."""
    text = _lead(steps)
    if steps.counts_from > steps.as_of and text:
        return f"From {long_date(steps.counts_from)}, {text[:1].lower()}{text[1:]}"
    return text


def _lead(steps: NextSteps) -> str:
    if steps.why.kind == FINAL:
        needed = next((o.needed for o in steps.options if o.option == CREDITS_90), None)
        parts = []
        if needed:
            activities = [o for o in steps.options if o.option == CREDITS_90]
            parts.append(f"earn {_credits(needed)} more, starting with {activities[0].title} (block {activities[0].block})")
        if any(o.option == ASSESSMENT for o in steps.options):
            parts.append("a moderated assessment result (EDT)")
        text = " and ".join(parts)
        return text[:1].upper() + text[1:]
    ordered = steps_in_order(steps)
    first = ordered[0].text if ordered else ""
    events = [o for o in steps.options if o.option == REGISTER]
    if ordered and ordered[0].option != REGISTER and events:
        first += f", or attend {events[0].title}"
    return first


def what_is_missing(standings_outputs, steps: NextSteps | None) -> dict[int, str]:
    """Output number -> a line saying what is missing, for each output not met."""
    lines = {}
    for output in standings_outputs:
        if output.met_on is not None:
            continue
        number = output.spec.number
        if output.status == CRITERIA_PENDING:
            lines[number] = "Its criteria are not published yet."
        elif output.status == TOTAL_UNKNOWN:
            lines[number] = "The course total is not known yet (content TBC), so 90% cannot be decided."
        elif steps is not None and number == steps.output:
            lines[number] = why(steps) + "."
        elif steps is not None and number > steps.output:
            lines[number] = f"Output {steps.output} must be met first."
    return lines


@dataclass(frozen=True)
class Notice:
    """What a participant is told about their next output: the mail-merge row and the email's
    placeholders. A participant with nothing to do has no output, dates or step."""

    participant_id: str
    name: str
    email: str
    output: str = ""
    review_date: date | None = None
    window_end: date | None = None
    why: str = ""
    next_step: str = ""
    agreed_deadline: date | None = None  # a later deadline the lead agreed with them for this output

    @property
    def deadline(self) -> date | None:
        """The date to do it by: the deadline agreed with the participant, else the end of the window."""
        return self.agreed_deadline or self.window_end


def notice(participant_id: str, name: str, email: str, steps: NextSteps | None,
           agreed_deadline: date | None = None) -> Notice:
    """agreed_deadline: Standing.agreed_deadline, the latest deadline agreed for the output escalation
    refers to (the same output as the steps': the earliest not met)."""
    if steps is None:
        return Notice(participant_id, name, email)
    review = steps.review_date
    return Notice(participant_id, name, email, f"Output {steps.output}: {steps.output_name}", review,
                  review + timedelta(days=WINDOW_DAYS) if review else None, why(steps), lead(steps),
                  agreed_deadline)
