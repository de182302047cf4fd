"""Finding a row's block and activity in the participant's course."""
from __future__ import annotations

from ..engagement.book import CourseFacts, title_key
from ..models import Activity
from . import fields
from .base import RowError, parsed


def block_number(facts: CourseFacts, row) -> int:
    number = parsed("block", fields.a_block, row["block"])
    if number not in facts.blocks:
        raise RowError("block", f"{facts.course.code} has no block {number}")
    return number


def find_block(facts: CourseFacts, row) -> int:
    return facts.blocks[block_number(facts, row)]


def find_activity(facts: CourseFacts, row, column: str) -> Activity:
    number = block_number(facts, row)
    title = fields.text(row[column])
    if not title:
        raise RowError(column, "a title is required")
    activity = facts.activities.get((number, title_key(title)))
    if activity is None:
        raise RowError(column, f"'{title}' is not an activity of {facts.course.code} block {number}")
    return activity
