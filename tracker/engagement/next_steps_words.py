"""Next steps in words: why output k is not met yet and what would meet it, cheapest first.

The rule (rules/next_steps.py) decides; this only says it, for the participant page, the
lists and exports, the partnership report and the emails to participants.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..formats import long_date, short_date
from ..rules.facts import FINAL, FIRST, MODERATED
from ..words import ASSESSMENT_STEP_LABELS, OUTPUT_FOR_PARTICIPANT_LABELS
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


FEW = 5  # the final output's activities named before "and N more" on the page and to the participant
IN_A_LIST = 2  # and in a line of a list (the action list, the participants export, the PDF)


@dataclass(frozen=True)
class Step:
    """One thing the participant (or EDT) could do, in words; the final output's credits step names
    its first few activities by block (`items`) and how many more there are."""

    option: str
    text: str
    credits: int | None = None
    items: tuple[str, ...] = ()
    more: int = 0


def _named(steps: NextSteps, option: Option) -> str:
    """An activity as the participant can do it: a training event already held for their group is its
    contingency activity."""
    if steps.held_on(option.activity_id):
        return f"the contingency activity for {option.title}"
    return option.title


def _register(steps: NextSteps, option: Option) -> Step:
    held = steps.held_on(option.activity_id)
    if held:
        return Step(REGISTER, f"Do the contingency activity for {option.title} (block {option.block}): "
                              f"its session was on {long_date(held)}")
    return Step(REGISTER, f"Attend {option.title} (block {option.block}), or do its contingency activity")


def _step(steps: NextSteps, option: Option) -> Step:
    if option.option == REGISTER:
        return _register(steps, option)
    if option.option in (SELF_STUDY_OPTION, PROGRESS):
        named = _named(steps, option)
        return Step(option.option, f"Complete {named} (block {option.block}, {_credits(option.credits)})",
                    option.credits)
    return Step(VIDEO, f"Watch at least 90% of the Block {option.block} video introduction "
                       "(acceptable, not DfE's preferred evidence)")


def credits_to_earn(needed: int, available: int) -> str:
    """How many credits the final output still needs, beside how many the course can still give."""
    earn = f"Earn {needed} more credit{'' if needed == 1 else 's'}"
    if available < needed:
        return f"{earn}; only {available} are still available, so 90% cannot be reached: ask your delivery partner"
    if available == needed:
        return f"{earn}; {available} are still available, so every remaining activity is needed"
    if needed * 10 >= available * 8:
        return f"{earn}; {available} are still available, so nearly every remaining activity is needed"
    return f"{earn}; {available} are still available"


def first_few(steps: NextSteps, few: int = FEW) -> tuple[list[str], int]:
    """The final output's first few activities to earn, by block ("Block 1: A (2 credits), B (1 credit)"),
    and how many more there are: together they name every activity needed."""
    named, shown = [], steps.to_earn[:few]
    for block in dict.fromkeys(o.block for o in shown):
        listed = ", ".join(f"{_named(steps, o)} ({_credits(o.credits)})" for o in shown if o.block == block)
        named.append(f"Block {block}: {listed}")
    return named, len(steps.to_earn) - len(shown)


def _assessment_step(steps: NextSteps) -> str:
    return ASSESSMENT_STEP_LABELS.get(steps.why.assessment_status, ASSESSMENT_STEP_LABELS[None])


def _final_steps(steps: NextSteps, few: int = FEW) -> list[Step]:
    made = []
    if steps.to_earn:
        needed = steps.to_earn[0].needed
        items, more = first_few(steps, few)
        made.append(Step(CREDITS_90, credits_to_earn(needed, steps.available or 0), needed, tuple(items), more))
    if any(o.option == ASSESSMENT for o in steps.options):
        text = _assessment_step(steps)
        made.append(Step(ASSESSMENT, text[:1].upper() + text[1:]))
    return made


def steps_in_order(steps: NextSteps) -> list[Step]:
    """Cheapest first: activities by the credits they take (fewest first), then training events,
    then block videos; for the final output the credits to earn (the first few activities in course
    order), then the assessment."""
    if steps.why.kind == FINAL:
        return _final_steps(steps)
    made = [_step(steps, o) for o in steps.options]
    activities = sorted((s for s in made if s.credits is not None), key=lambda s: s.credits)
    return activities + [s for s in made if s.option == REGISTER] + [s for s in made if s.option == VIDEO]


def every_activity(steps: NextSteps) -> list[str]:
    """All the final output's activities to earn, in course order, for the page's longer list."""
    return [f"{_named(steps, o)} (block {o.block}, {_credits(o.credits)})" for o in steps.to_earn]


def intro(steps: NextSteps) -> str:
    """The sentence before the steps on the participant page."""
    review = f" (review date {long_date(steps.review_date)})" if steps.review_date else ""
    when = f"done on or after {long_date(steps.counts_from)}"
    if steps.why.kind != FINAL:
        return f"Any one of these, {when}, meets Output {steps.output}{review}:"
    if len(_final_steps(steps)) == 1:
        return f"This, {when}, meets Output {steps.output}{review}:"
    return f"Both of these, {when}, meet Output {steps.output}{review}:"


def lead(steps: NextSteps, few: int = IN_A_LIST) -> str:
    """What would meet output k, in one sentence (the next step of lists, exports and emails), and
    from when, if that is after the day asked about: engagement before the day after the last output
    point, or before the cohort starts, does not count. few: the final output's activities named."""
    text = _lead(steps, few)
    if steps.counts_from > steps.as_of and text:
        return f"From {long_date(steps.counts_from)}, {text[:1].lower()}{text[1:]}"
    return text


def _lead(steps: NextSteps, few: int) -> str:
    if steps.why.kind == FINAL:
        parts = []
        for step in _final_steps(steps, few):
            if step.option == ASSESSMENT:
                parts.append(_assessment_step(steps))  # as the label says it, not capitalised mid-sentence
                continue
            more = f", and {step.more} more" if step.more else ""
            parts.append(f"{step.text}, starting with {'; '.join(step.items)}{more}")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]
    ordered = steps_in_order(steps)
    first = ordered[0].text if ordered else ""
    events = [o for o in steps.options if o.option == REGISTER]
    if ordered and ordered[0].option != REGISTER and events:
        open_event = next((o for o in events if not steps.held_on(o.activity_id)), None)
        first += (f", or attend {open_event.title}" if open_event
                  else f", or do the contingency activity for {events[0].title}")
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
    output = f"Output {steps.output} ({OUTPUT_FOR_PARTICIPANT_LABELS[steps.why.kind]})"
    return Notice(participant_id, name, email, output, review,
                  review + timedelta(days=WINDOW_DAYS) if review else None, why(steps), lead(steps, FEW),
                  agreed_deadline)
