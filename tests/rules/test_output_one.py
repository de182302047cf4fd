"""Output 1 (DOMAIN.md "Output 1"): register, self-study credit or Block 1 video."""
from __future__ import annotations

from .builders import (
    F2F,
    OTHER_STUDY,
    R1,
    SELF_STUDY,
    SURVEY,
    WEBINAR,
    absent,
    attended,
    contingency,
    credit,
    d,
    output,
    outputs,
    video,
)


def test_no_evidence_leaves_every_output_unmet():
    assert [o.met_on for o in outputs()] == [None, None, None]


def test_an_attended_session_meets_output_1_on_the_session_date():
    met = output(1, attended(d("2022-10-20")))
    assert met.met_on == d("2022-10-20")
    assert met.basis == ("register",)
    assert met.not_preferred is False


def test_an_absent_mark_never_counts():
    met = output(1, absent(d("2022-10-20")), absent(d("2022-10-21"), F2F))
    assert met.met_on is None


def test_an_absent_mark_does_not_hide_a_later_attendance():
    met = output(1, absent(d("2022-10-20")), attended(d("2022-10-27")))
    assert met.met_on == d("2022-10-27")


def test_a_contingency_mark_counts_as_attended_but_is_not_preferred():
    met = output(1, contingency(d("2022-10-20")))
    assert met.met_on == d("2022-10-20")
    assert met.basis == ("register",)
    assert met.not_preferred is True


def test_a_contingency_mark_beside_an_attended_session_on_the_same_day_is_preferred():
    met = output(1, contingency(d("2022-10-20"), WEBINAR), attended(d("2022-10-20"), F2F))
    assert met.basis == ("register",)
    assert met.not_preferred is False


def test_a_self_study_credit_above_zero_meets_output_1():
    met = output(1, credit(d("2022-10-05"), SELF_STUDY, 1))
    assert met.met_on == d("2022-10-05")
    assert met.basis == ("self-study",)
    assert met.not_preferred is False


def test_a_zero_credit_self_study_record_does_not_count():
    assert output(1, credit(d("2022-10-05"), SELF_STUDY, 0)).met_on is None


def test_a_zero_credit_record_does_not_count_but_a_later_credit_does():
    met = output(1, credit(d("2022-10-05"), SELF_STUDY, 0), credit(d("2022-10-09"), OTHER_STUDY, 3))
    assert met.met_on == d("2022-10-09")


def test_a_credit_for_a_training_event_is_not_attendance_and_not_self_study():
    # a self-reported event credit never evidences attendance
    assert output(1, credit(d("2022-10-05"), WEBINAR), credit(d("2022-10-05"), F2F)).met_on is None


def test_a_credit_for_an_event_survey_does_not_count_for_output_1():
    assert output(1, credit(d("2022-10-05"), SURVEY)).met_on is None


def test_a_block_1_video_watched_to_90_percent_counts_but_is_not_preferred():
    met = output(1, video(d("2022-10-12"), 90))
    assert met.met_on == d("2022-10-12")
    assert met.basis == ("video",)
    assert met.not_preferred is True


def test_a_view_of_89_9_percent_does_not_count():
    assert output(1, video(d("2022-10-12"), 89.9)).met_on is None


def test_a_view_of_89_9_then_90_percent_counts_from_the_90_percent_view():
    met = output(1, video(d("2022-10-12"), 89.9), video(d("2022-10-15"), 90.0))
    assert met.met_on == d("2022-10-15")


def test_a_block_2_video_does_not_count_for_output_1():
    assert output(1, video(d("2022-10-12"), 100, block=2)).met_on is None


def test_the_earliest_criterion_sets_met_on():
    met = output(
        1,
        video(d("2022-10-01"), 95),
        credit(d("2022-10-03"), SELF_STUDY),
        attended(d("2022-10-07")),
    )
    assert met.met_on == d("2022-10-01")
    assert met.basis == ("video",)


def test_evidence_order_in_the_lists_does_not_matter():
    early, late = attended(d("2022-10-01")), attended(d("2022-10-20"), F2F)
    assert output(1, late, early).met_on == output(1, early, late).met_on == d("2022-10-01")


def test_criteria_on_the_same_day_all_appear_in_basis_in_preference_order():
    day = d("2022-10-20")
    met = output(1, video(day, 100), credit(day, SELF_STUDY), attended(day))
    assert met.met_on == day
    assert met.basis == ("register", "self-study", "video")
    assert met.not_preferred is False


def test_video_with_a_self_study_credit_on_the_same_day_is_preferred():
    day = d("2022-10-20")
    met = output(1, video(day, 100), credit(day, SELF_STUDY))
    assert met.basis == ("self-study", "video")
    assert met.not_preferred is False


def test_output_1_may_be_met_after_its_review_date():
    late = R1.replace(day=R1.day + 3)
    assert output(1, attended(late)).met_on == late


def test_a_contingency_mark_and_a_video_on_the_same_day_are_still_not_preferred():
    from datetime import date

    from tracker.rules.facts import Content, Evidence, OutputSpec, Register, VideoView
    from tracker.rules.outputs import compute_outputs

    schedule = [OutputSpec(1, "Output 1", "first", date(2022, 11, 24))]
    content = Content({1: 15}, {1: "training-event"}, 15)
    evidence = Evidence(registers=[Register(1, date(2022, 11, 1), "contingency")],
                        videos=[VideoView(1, 95.0, date(2022, 11, 1))])
    met = compute_outputs(schedule, content, evidence)[0]
    assert met.basis == ("register", "video")
    assert met.not_preferred


def test_a_video_view_counts_from_90_percent():
    from tracker.rules.outputs import video_counts

    assert not video_counts(89.9) and video_counts(90) and video_counts(100)


def test_evidence_dated_after_today_is_in_the_future():
    from datetime import date

    from tracker.rules.facts import dated_in_future

    today = date(2026, 11, 24)
    assert dated_in_future(date(2026, 11, 25), today) and not dated_in_future(today, today)
