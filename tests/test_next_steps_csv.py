"""The next steps CSV's rows, joined from cells quoted once, read back as the csv module reads them."""
import csv
import io
from datetime import date

from tracker.engagement.standing import Standing
from tracker.exports.next_steps import HEADER, next_steps_csv
from tracker.rules.next_steps import ASSESSMENT, CREDITS_90, REGISTER, NextSteps, Option, Why
from tracker.rules.status import Escalation


def _standing(pk: int, participant_id: str, partner: str) -> Standing:
    return Standing(pk=pk, participant_id=participant_id, full_name="A Name", partner=partner, course="NPQSL",
                    course_id=1, cohort=2022, status="active", payment_agreed=True, outputs=[],
                    escalation=Escalation("none"))


def test_text_cells_are_quoted_and_kept_from_running_as_formulas():
    webinar = Option(REGISTER, 2, 11, 'Webinar, "live"', None, None)
    steps = {
        1: NextSteps(4, "Output 4", date(2023, 11, 20), date(2023, 12, 1), Why("final"),
                     (Option(CREDITS_90, 3, 12, "=HYPERLINK(x)", 7, 9), webinar, Option(ASSESSMENT)), date(2023, 12, 1)),
        2: NextSteps(2, "Output 2", None, date(2023, 3, 1), Why("retention"), (webinar,), date(2023, 3, 1)),
    }
    found = [_standing(1, "=1+1", "DP,1"), _standing(2, "P2", "-DP2"), _standing(3, "P3", "DP3")]

    text = next_steps_csv(found, steps)

    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert list(csv.reader(io.StringIO(text))) == [
        HEADER,
        ["'=1+1", "DP,1", "4", "2023-11-20", "credits-90", "2023-12-01", "3", "'=HYPERLINK(x)", "7", "9"],
        ["'=1+1", "DP,1", "4", "2023-11-20", "register", "2023-12-01", "2", 'Webinar, "live"', "", ""],
        ["'=1+1", "DP,1", "4", "2023-11-20", "assessment", "2023-12-01", "", "", "", ""],
        ["P2", "'-DP2", "2", "", "register", "2023-03-01", "2", 'Webinar, "live"', "", ""],
    ]


def test_nobody_with_next_steps_is_the_header_alone():
    assert next_steps_csv([_standing(1, "P1", "DP1")], {}) == ",".join(HEADER) + "\r\n"
