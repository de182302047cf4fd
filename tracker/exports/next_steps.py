"""The next steps CSV of INTERCHANGE.md: one row per option, for each participant with next steps."""
from __future__ import annotations

from collections.abc import Iterator

from ..engagement.standing import Standing
from ..rules.next_steps import NextSteps
from .cells import safe

HEADER = [
    "participant_id", "delivery_partner", "output", "review_date", "option", "counts_from",
    "block", "activity", "credits", "needed",
]


def next_steps_rows(found: list[Standing], steps: dict[int, NextSteps]) -> Iterator[list[object]]:
    """found: in participant_id order (as standings() returns them). Cells are safe() already
    (csv_text(..., checked=True)): the text cells are the participant's id, the partner and the
    activity's title; the rest are numbers, ISO dates and the rule's own option names (None
    is written as an empty cell)."""
    titles: dict[str, object] = {}
    for s in found:
        made = steps.get(s.pk)
        if made is None:
            continue
        review = made.review_date.isoformat() if made.review_date else ""
        counts_from = made.counts_from.isoformat()
        participant, partner = safe(s.participant_id), safe(s.partner)
        for option in made.options:
            title = titles.get(option.title)
            if title is None:
                title = titles[option.title] = safe(option.title)
            yield [
                participant, partner, made.output, review, option.option, counts_from,
                option.block, title, option.credits, option.needed,
            ]
