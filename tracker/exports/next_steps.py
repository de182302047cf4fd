"""The next steps CSV of INTERCHANGE.md: one row per option, for each participant with next steps."""
from __future__ import annotations

import csv
import io

from ..engagement.collection import collector_paused
from ..engagement.standing import Standing
from ..rules.next_steps import NextSteps, Option
from .cells import safe

HEADER = [
    "participant_id", "delivery_partner", "output", "review_date", "option", "counts_from",
    "block", "activity", "credits", "needed",
]


def next_steps_csv(found: list[Standing], steps: dict[int, NextSteps]) -> str:
    """found: in participant_id order (as standings() returns them).

    A national file has half a million rows, each repeating its participant's cells and one of
    a few thousand options, so the csv module quotes each participant's cells and each
    option's cells once, and the rows are joined from those. (csv writes None as an empty
    cell; the text cells, the participant's id, the partner and the activity's title, go
    through safe(), like every export's.)
    """
    with collector_paused():
        out = io.StringIO()
        writer = csv.writer(out)  # RFC 4180 line endings (CRLF), as the examples expect
        writer.writerow(HEADER)
        lines = [out.getvalue()]
        written: dict[Option, tuple[str, str]] = {}
        for s in found:
            made = steps.get(s.pk)
            if made is None:
                continue
            review = made.review_date.isoformat() if made.review_date else ""
            head = _cells(writer, out, [safe(s.participant_id), safe(s.partner), made.output, review]) + ","
            counts_from = "," + made.counts_from.isoformat() + ","
            for option in made.options:
                tail = written.get(option)
                if tail is None:
                    tail = written[option] = (
                        _cells(writer, out, [option.option]),
                        _cells(writer, out, [option.block, safe(option.title), option.credits, option.needed]) + "\r\n",
                    )
                lines.append(head + tail[0] + counts_from + tail[1])
        return "".join(lines)


def _cells(writer, out: io.StringIO, cells: list[object]) -> str:
    """The cells as the csv module writes them, without the line ending."""
    out.seek(0)
    out.truncate()
    writer.writerow(cells)
    return out.getvalue()[:-2]
