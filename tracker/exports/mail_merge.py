"""The mail-merge file a partner lead downloads to tell participants their next step."""
from __future__ import annotations

from collections.abc import Iterator

from ..engagement.next_steps_words import notice
from ..engagement.standing import Standing
from ..formats import long_date
from ..rules.next_steps import NextSteps

HEADER = ["participant_id", "name", "email", "output", "review_date", "window_ends", "deadline", "next_step"]


def mail_merge_rows(found: list[Standing], steps: dict[int, NextSteps], emails: dict[int, str]) -> Iterator[list]:
    """One row per participant: the output they work towards, its review date and window end, the
    date to do it by (the deadline the lead agreed with them, else the window's end, as the emails
    say it), and the next step in words (blank for a participant with nothing to do). The dates are written as the
    letter will print them ("24 February 2023", as the emails say them): Word's mail merge prints a
    date cell's stored value, not its format, so a date cell or ISO text would reach the letter as
    "2023-02-24"."""
    for s in found:
        told = notice(s.participant_id, s.full_name, emails.get(s.pk, ""), steps.get(s.pk), s.agreed_deadline)
        yield [told.participant_id, told.name, told.email, told.output, long_date(told.review_date),
               long_date(told.window_end), long_date(told.deadline), told.next_step]
