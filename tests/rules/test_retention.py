"""Retention outputs (DOMAIN.md "Sequence" and "Retention output k")."""
from __future__ import annotations

from .builders import (
    F2F,
    OTHER_STUDY,
    R1,
    R2,
    SELF_STUDY,
    SURVEY,
    WEBINAR,
    absent,
    attended,
    contingency,
    credit,
    d,
    days,
    leadership,
    output,
    outputs,
    video,
)

EARLY = d("2022-10-20")  # well before R1: output 1 is met on time, so anchor(2) = R1


def test_output_2_is_anchored_at_the_output_1_review_date_when_output_1_was_on_time():
    met = output(2, attended(EARLY), attended(R1 + days(1), F2F))
    assert met.met_on == R1 + days(1)
    assert met.basis == ("register",)


def test_evidence_on_the_anchor_date_itself_does_not_count():
    assert output(2, attended(EARLY), attended(R1, F2F)).met_on is None


def test_evidence_between_output_1_and_its_review_date_does_not_count_for_output_2():
    assert output(2, attended(EARLY), credit(EARLY + days(5), SELF_STUDY), attended(R1 - days(1), F2F)).met_on is None


def test_output_2_is_anchored_at_output_1_met_on_when_output_1_was_late():
    late = R1 + days(10)
    first, second = outputs(attended(late), attended(late + days(1), F2F))[:2]
    assert first.met_on == late
    assert second.met_on == late + days(1)


def test_same_day_evidence_after_a_late_output_does_not_count():
    late = R1 + days(10)
    # output 1 rests on the webinar; the F2F session of the same day is not "new" activity
    assert output(2, attended(late, WEBINAR), attended(late, F2F), credit(late, SELF_STUDY)).met_on is None


def test_output_2_is_not_met_when_output_1_is_not_met():
    # a block 2 video and an event-survey credit after R1 would count for a retention output,
    # but neither counts for output 1, so output 1 is not met and neither is anything after it
    result = outputs(video(R1 + days(30), 100, block=2), credit(R1 + days(30), SURVEY), absent(R1 + days(31)))
    assert [o.met_on for o in result] == [None, None, None]


def test_the_same_evidence_meets_output_2_once_output_1_is_met():
    result = outputs(attended(EARLY), video(R1 + days(30), 100, block=2), credit(R1 + days(30), SURVEY))
    assert result[1].met_on == R1 + days(30)
    assert result[1].basis == ("progress", "video")


def test_a_new_activity_credited_after_the_anchor_is_progress():
    met = output(2, credit(EARLY, SELF_STUDY), credit(R1 + days(3), OTHER_STUDY))
    assert met.met_on == R1 + days(3)
    assert met.basis == ("progress",)
    assert met.not_preferred is False


def test_redoing_an_activity_already_credited_in_full_does_not_count():
    assert output(2, credit(EARLY, SELF_STUDY, 5), credit(R1 + days(3), SELF_STUDY, 5)).met_on is None


def test_a_partial_credit_then_the_rest_counts_as_progress():
    met = output(2, credit(EARLY, SELF_STUDY, 2), credit(R1 + days(3), SELF_STUDY, 5))
    assert met.met_on == R1 + days(3)
    assert met.basis == ("progress",)


def test_a_lower_score_for_an_activity_after_the_anchor_is_not_progress():
    assert output(2, credit(EARLY, SELF_STUDY, 4), credit(R1 + days(3), SELF_STUDY, 2)).met_on is None


def test_credits_are_the_largest_record_never_a_sum():
    # 2 + 2 after the anchor is still only 2 for the activity: no rise above the 3 before it
    assert output(
        2, credit(EARLY, SELF_STUDY, 3), credit(R1 + days(1), SELF_STUDY, 2), credit(R1 + days(2), SELF_STUDY, 2)
    ).met_on is None


def test_a_register_after_the_anchor_counts_but_an_absent_one_does_not():
    assert output(2, attended(EARLY), absent(R1 + days(2), F2F)).met_on is None
    assert output(2, attended(EARLY), absent(R1 + days(2), F2F), attended(R1 + days(9), F2F)).met_on == R1 + days(9)


def test_a_retention_resting_on_a_contingency_mark_alone_is_not_preferred():
    met = output(2, attended(EARLY), contingency(R1 + days(2), F2F))
    assert (met.met_on, met.basis, met.not_preferred) == (R1 + days(2), ("register",), True)


def test_a_block_video_first_reaching_90_percent_after_the_anchor_counts_but_is_not_preferred():
    met = output(2, attended(EARLY), video(R1 + days(4), 92, block=2))
    assert (met.met_on, met.basis, met.not_preferred) == (R1 + days(4), ("video",), True)


def test_a_block_video_that_reached_90_before_the_anchor_does_not_count_again():
    assert output(2, attended(EARLY), video(EARLY, 95, block=2), video(R1 + days(4), 100, block=2)).met_on is None


def test_the_block_1_video_used_for_output_1_is_not_reused_for_output_2():
    first, second = outputs(video(EARLY, 100, block=1), video(R1 + days(4), 100, block=1))[:2]
    assert first.met_on == EARLY
    assert second.met_on is None


def test_a_block_video_below_90_before_the_anchor_counts_when_it_reaches_90_after():
    met = output(2, attended(EARLY), video(EARLY, 60, block=2), video(R1 + days(4), 90, block=2))
    assert met.met_on == R1 + days(4)


def test_a_block_video_reaching_90_on_the_anchor_date_does_not_count():
    assert output(2, attended(EARLY), video(R1, 100, block=2)).met_on is None


def test_retention_criteria_on_the_same_day_appear_in_preference_order():
    day = R1 + days(7)
    met = output(2, attended(EARLY), video(day, 100, block=2), credit(day, OTHER_STUDY), attended(day, F2F))
    assert met.met_on == day
    assert met.basis == ("register", "progress", "video")
    assert met.not_preferred is False


def test_the_earliest_retention_criterion_sets_met_on():
    met = output(2, attended(EARLY), attended(R1 + days(20), F2F), credit(R1 + days(8), OTHER_STUDY),
                 video(R1 + days(12), 100, block=2))
    assert (met.met_on, met.basis) == (R1 + days(8), ("progress",))


def test_leadership_output_3_is_anchored_at_the_output_2_review_date():
    schedule = leadership()
    result = outputs(attended(EARLY), attended(R1 + days(1), F2F), credit(R2, SELF_STUDY),
                     credit(R2 + days(1), OTHER_STUDY), schedule=schedule)
    assert [o.met_on for o in result[:3]] == [EARLY, R1 + days(1), R2 + days(1)]


def test_leadership_output_3_is_anchored_at_output_2_met_on_when_output_2_was_late():
    schedule = leadership()
    late = R2 + days(30)
    result = outputs(attended(EARLY), credit(late, SELF_STUDY), attended(late, F2F),
                     video(late + days(1), 100, block=3), schedule=schedule)
    assert result[1].met_on == late
    assert result[1].basis == ("register", "progress")
    assert result[2].met_on == late + days(1)
    assert result[2].basis == ("video",)


def test_leadership_output_3_is_not_met_when_output_2_is_not_met():
    schedule = leadership()
    result = outputs(attended(EARLY), credit(R2 + days(5), OTHER_STUDY), schedule=schedule)
    # the only post-R1 evidence lands in output 2; output 3 has nothing new after it
    assert result[1].met_on == R2 + days(5)
    assert result[2].met_on is None
    assert outputs(attended(EARLY), schedule=schedule)[2].met_on is None
