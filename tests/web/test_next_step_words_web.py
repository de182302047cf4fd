"""Next steps a participant can act on (issue 21), as a lead reads them on the participant page and a
participant reads them in their email and in the mail-merge letter (sample dataset as of 1 March 2023).

EX004 (NORTH, NPQLBC cohort 1) works towards Output 3 with 18 of 163 credits needed for 90%: 145 more,
163 still available; NORTH's cohort 1 held its Block 1 face-to-face session on 25 November 2021."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from ..mailbox import mailbox  # noqa: F401  (fixture)
from .test_emails import send_form
from .test_next_steps_web import page_tree, text_of
from .test_participants import examples, north_lead  # noqa: F401  (fixtures)

EARN = "Earn 145 more credits; 163 are still available, so nearly every remaining activity is needed"
CONTRACT_WORDS = ("Teacher Assessed", "Mark Awarded", "(EDT)", "moderated assessment result")


def test_the_final_output_says_the_credits_to_earn_the_first_few_by_block_and_how_many_more(north_lead):
    panel = page_tree(north_lead, "/participants/EX004").find(".//div[@id='next-step']")
    said = text_of(panel)
    assert "Both of these, done on or after 1 March 2023, meet Output 3 (review date 24 February 2023):" in said
    credits, assessment = [li for li in panel.iter("li") if li.get("data-option")]
    assert text_of(credits).startswith(
        EARN + ", starting with: Block 1: Diagnostic Assessment for Block 1 (2 credits), ")
    assert credits.find(".//p[@data-more]").get("data-more") == "48" and "and 48 more" in text_of(credits)
    assert text_of(assessment) == "EDT will record your assessment result once it is moderated"  # marked, not moderated
    every = [text_of(li) for li in panel.find(".//details[@id='every-activity']").iter("li")]
    assert len(every) == 53 == 5 + 48
    assert "the contingency activity for NPQLBC F2F Training Session (block 1, 15 credits)" in every
    assert not any(word in said for word in CONTRACT_WORDS)


def test_no_session_already_held_for_the_group_is_offered_to_attend(north_lead):
    panel = page_tree(north_lead, "/participants/EX006").find(".//div[@id='next-step']")
    events = [text_of(li) for li in panel.iter("li") if li.get("data-option") == "register"]
    assert events and not any(text.startswith("Attend ") for text in events)
    assert "Do the contingency activity for NPQLT F2F Training Session (block 1): its session was on 28 November 2021" \
        in events


def test_the_participant_reads_their_final_output_in_their_own_words_in_the_email(north_lead, mailbox):
    north_lead.post("/emails/send", send_form(north_lead, "participant=EX004"), form_url="/dashboard")
    [mail] = mailbox.to("ex004@example.org")
    assert mail.subject == "Your NPQ: your next step for Output 3 (completing your course and your assessment)"
    body = " ".join(mail.body.split())
    assert f"Your next step: {EARN}, starting with Block 1: Diagnostic Assessment for Block 1 (2 credits)," in body
    assert ", and 48 more; EDT will record your assessment result once it is moderated." in body
    assert not any(word in mail.subject + body for word in CONTRACT_WORDS)
    assert "Attend NPQLBC F2F" not in body


def test_the_mail_merge_letter_prints_readable_dates_and_the_same_words(north_lead):
    response = north_lead.get("/participants/mail-merge.xlsx?participant=EX004")
    [header, row] = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    told = dict(zip(header, row))
    assert (told["output"], told["review_date"], told["window_ends"]) == (
        "Output 3 (completing your course and your assessment)", "24 February 2023", "17 March 2023")
    assert told["next_step"].startswith(EARN) and "and 48 more" in told["next_step"]
