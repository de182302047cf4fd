"""The next step in words (engagement/next_steps_words.py) for any participant the rule can make: what
a participant can act on, never a session already held, never EDT's step as theirs."""
from __future__ import annotations

import re

from hypothesis import given, settings

from tracker.engagement.next_steps_words import (FEW, IN_A_LIST, credits_to_earn, first_few, intro, lead, notice,
                                                 steps_in_order)
from tracker.formats import long_date
from tracker.rules.facts import ACTIVE, Evidence
from tracker.rules.next_steps import ASSESSMENT, CREDITS_90, REGISTER, NextSteps, Option, Why, next_steps
from tracker.rules.outputs import compute_outputs

from .builders import F2F, d, specialist, toy_content
from .test_next_steps import START, TOY_SYLLABUS, any_next_steps


@settings(max_examples=300, deadline=None)
@given(any_next_steps())
def test_the_words_offer_no_held_session_and_account_for_every_activity_needed(drawn):
    made = drawn.made
    if made is None:
        return
    said = [step.text for step in steps_in_order(made)] + [lead(made), intro(made)]
    for option in made.options:
        if made.held_on(option.activity_id):
            assert not any(f"Attend {option.title} " in text or f"attend {option.title}" in text for text in said)
    assert not any("(EDT)" in text for text in said)
    for few in (FEW, IN_A_LIST):  # to the participant and on the page; in a line of a list
        if not made.to_earn:
            break
        items, more = first_few(made, few)
        named = sum(len(re.findall(r"\(\d+ credits?\)", item)) for item in items)
        assert named == min(few, len(made.to_earn)) and named + more == len(made.to_earn)
        needed, said = made.to_earn[0].needed, lead(made, few)
        assert f"Earn {needed} more credit" in said and f"{made.available} are still available" in said
        assert (f", and {more} more" in said) == (more > 0)


def final(needed: int, available: int, count: int, status: str | None = "submitted", held=()) -> NextSteps:
    activities = tuple(Option(CREDITS_90, 1 + n // 3, 100 + n, f"Activity {n}", 3, needed) for n in range(count))
    return NextSteps(3, "Teacher Assessed, Mark Awarded and Moderated", d("2023-02-24"), d("2023-03-01"),
                     Why("final", score=18, required=18 + needed, total=180, assessment_status=status),
                     activities + (Option(ASSESSMENT),), d("2023-03-01"), held, available)


def test_the_final_output_says_how_many_credits_how_many_remain_and_the_first_few_by_block():
    made = final(145, 163, 53)
    assert lead(made, FEW) == (
        "Earn 145 more credits; 163 are still available, so nearly every remaining activity is needed, starting "
        "with Block 1: Activity 0 (3 credits), Activity 1 (3 credits), Activity 2 (3 credits); "
        "Block 2: Activity 3 (3 credits), Activity 4 (3 credits), and 48 more; "
        "EDT will record your assessment result once it is marked and moderated")
    assert intro(made) == "Both of these, done on or after 1 March 2023, meet Output 3 (review date 24 February 2023):"
    assert lead(made).endswith("Block 1: Activity 0 (3 credits), Activity 1 (3 credits), and 51 more; "
                               "EDT will record your assessment result once it is marked and moderated")
    told = notice("EX004", "Name", "ex004@example.org", made)
    assert told.next_step == lead(made, FEW)
    assert told.output == "Output 3 (completing your course and your assessment)"
    assert "Teacher Assessed" not in told.output + told.next_step


def test_how_much_of_what_remains_is_needed():
    assert credits_to_earn(10, 10).endswith("10 are still available, so every remaining activity is needed")
    assert credits_to_earn(1, 40) == "Earn 1 more credit; 40 are still available"
    assert "cannot be reached" in credits_to_earn(30, 20)


def test_the_assessment_step_is_the_participants_only_when_they_have_something_to_submit():
    assert lead(final(3, 30, 1, status=None)).endswith("; submit your assessment; EDT will record its result once "
                                                        "it is marked and moderated")
    assert lead(final(3, 30, 1, status="marked")).endswith(
        "; EDT will record your assessment result once it is moderated")


def test_a_session_already_held_for_the_group_is_offered_as_its_contingency_activity():
    content = toy_content()
    made = next_steps(ACTIVE, specialist(), compute_outputs(specialist(), content, Evidence()), content, TOY_SYLLABUS,
                      Evidence(), d("2022-10-10"), START, {F2F: [d("2022-09-21")]})
    said = {step.text for step in steps_in_order(made) if step.option == REGISTER}
    assert said == {"Attend Activity 3 (block 1), or do its contingency activity",
                    "Do the contingency activity for Activity 4 (block 2): its session was on "
                    f"{long_date(d('2022-09-21'))}"}
