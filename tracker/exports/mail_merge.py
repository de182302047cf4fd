"""The mail-merge file a partner lead downloads to tell participants their next step."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from ..engagement.next_steps_words import lead
from ..engagement.standing import Standing
from ..rules.next_steps import NextSteps
from ..rules.status import WINDOW_DAYS

HEADER = ["participant_id", "name", "email", "output", "review_date", "window_ends", "next_step"]


def mail_merge_rows(found: list[Standing], steps: dict[int, NextSteps], emails: dict[int, str]) -> Iterator[list]:
    """One row per participant: the output they work towards, its review date and window end, and
    the next step in words (blank for a participant with nothing to do)."""
    for s in found:
        made = steps.get(s.pk)
        if made is None:
            yield [s.participant_id, s.full_name, emails.get(s.pk, ""), "", "", "", ""]
            continue
        review = made.review_date
        yield [
            s.participant_id, s.full_name, emails.get(s.pk, ""), f"Output {made.output}: {made.output_name}",
            review.isoformat() if review else "",
            (review + timedelta(days=WINDOW_DAYS)).isoformat() if review else "", lead(made),
        ]
