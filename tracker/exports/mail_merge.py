"""The mail-merge file a partner lead downloads to tell participants their next step."""
from __future__ import annotations

from collections.abc import Iterator

from ..engagement.next_steps_words import notice
from ..engagement.standing import Standing
from ..formats import iso_date
from ..rules.next_steps import NextSteps

HEADER = ["participant_id", "name", "email", "output", "review_date", "window_ends", "next_step"]


def mail_merge_rows(found: list[Standing], steps: dict[int, NextSteps], emails: dict[int, str]) -> Iterator[list]:
    """One row per participant: the output they work towards, its review date and window end, and
    the next step in words (blank for a participant with nothing to do)."""
    for s in found:
        told = notice(s.participant_id, s.full_name, emails.get(s.pk, ""), steps.get(s.pk))
        yield [told.participant_id, told.name, told.email, told.output, iso_date(told.review_date),
               iso_date(told.window_end), told.next_step]
