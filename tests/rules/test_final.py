"""The final output (DOMAIN.md "Final output"): 90% of the course's credits and a moderated result."""
from __future__ import annotations

from datetime import date

from tracker.rules.facts import Credit

from .builders import (
    F2F,
    R1,
    assessment,
    attended,
    content_of,
    d,
    days,
    leadership,
    output,
    outputs,
)

BIG, SMALL = 1, 2
COURSE_249 = content_of({BIG: 200, SMALL: 49})  # course total 249, like NPQSL
EARLY = d("2022-10-20")
ON_TIME = (attended(EARLY), attended(R1 + days(1), F2F))  # outputs 1 and 2 met, output 2 on R1 + 1
CREDITED = d("2023-09-01")
ASSESSED = d("2023-11-15")


def final(*records, content=COURSE_249):
    return output(3, *ON_TIME, *records, content=content)


def credits_of(total: int, on: date = CREDITED) -> list[Credit]:
    return [Credit(BIG, min(total, 200), on), Credit(SMALL, max(total - 200, 0), on)]


def test_224_of_249_credits_is_not_enough():
    assert final(*credits_of(224), assessment(ASSESSED)).met_on is None


def test_225_of_249_credits_is_enough():
    met = final(*credits_of(225), assessment(ASSESSED))
    assert met.met_on == ASSESSED
    assert met.basis == ("credits-90", "assessment")
    assert met.not_preferred is False


def test_exactly_90_percent_is_enough():
    course_200 = content_of({BIG: 200})
    assert final(Credit(BIG, 180, CREDITED), assessment(ASSESSED), content=course_200).met_on == ASSESSED
    assert final(Credit(BIG, 179, CREDITED), assessment(ASSESSED), content=course_200).met_on is None


def test_all_credits_of_the_day_count_together():
    # 200 and 25 recorded on the same day reach 225 that day
    met = final(Credit(BIG, 200, CREDITED), Credit(SMALL, 25, CREDITED), assessment(d("2023-01-01")))
    assert met.met_on == CREDITED


def test_credits_reaching_90_percent_later_than_the_assessment_set_met_on():
    met = final(Credit(BIG, 200, d("2023-06-01")), Credit(SMALL, 25, d("2023-12-01")), assessment(ASSESSED))
    assert met.met_on == d("2023-12-01")


def test_credits_for_one_activity_are_the_largest_not_the_sum():
    # 20 + 25 on different dates is 25 for SMALL: 225 would need the sum
    met = final(Credit(BIG, 200, CREDITED), Credit(SMALL, 20, CREDITED), Credit(SMALL, 5, d("2023-09-02")),
                Credit(SMALL, 25, d("2023-10-01")), assessment(ASSESSED))
    assert met.met_on == ASSESSED
    assert final(Credit(BIG, 200, CREDITED), Credit(SMALL, 20, CREDITED), Credit(SMALL, 5, d("2023-09-02")),
                 assessment(ASSESSED)).met_on is None


def test_a_moderated_fail_counts_the_output_pays_for_moderation_not_for_passing():
    assert final(*credits_of(249), assessment(ASSESSED, "moderated", "fail")).met_on == ASSESSED


def test_a_moderated_assessment_without_a_result_does_not_count():
    assert final(*credits_of(249), assessment(ASSESSED, "moderated", None)).met_on is None


def test_a_marked_assessment_does_not_count_even_with_a_result():
    assert final(*credits_of(249), assessment(ASSESSED, "marked", "pass")).met_on is None


def test_submitted_then_moderated_counts_from_the_moderated_record():
    met = final(*credits_of(249), assessment(d("2023-10-01"), "submitted", None),
                assessment(d("2023-10-20"), "marked", "pass"), assessment(ASSESSED, "moderated", "pass"))
    assert met.met_on == ASSESSED


def test_credits_without_an_assessment_do_not_meet_the_final_output():
    assert final(*credits_of(249)).met_on is None


def test_final_met_on_is_never_before_the_output_before_it():
    # everything for the final is done before output 2 is met (late, on R1 + 40)
    late = R1 + days(40)
    result = outputs(attended(EARLY), *credits_of(249, EARLY), assessment(EARLY + days(1)), attended(late, F2F),
                     content=COURSE_249)
    assert result[1].met_on == late
    assert result[2].met_on == late


def test_the_final_output_needs_no_new_activity_after_the_output_before_it():
    # the same day as output 2 is enough for the final (t >= met_on(final - 1))
    day = R1 + days(1)
    result = outputs(attended(EARLY), attended(day, F2F), *credits_of(249, day), assessment(day), content=COURSE_249)
    assert result[1].met_on == result[2].met_on == day


def test_the_final_output_is_not_met_when_the_output_before_it_is_not():
    # output 2 never met: no evidence after R1
    result = outputs(attended(EARLY), *credits_of(249, EARLY), assessment(EARLY), content=COURSE_249)
    assert [o.met_on for o in result] == [EARLY, None, None]


def test_an_unknown_course_total_gives_no_final_met_on():
    unknown = content_of({BIG: 200, SMALL: 49}, total=None)
    assert final(*credits_of(249), assessment(ASSESSED), content=unknown).met_on is None


def test_a_leadership_final_is_output_4_and_needs_output_3():
    schedule = leadership()
    r2 = schedule[1].review_date
    records = (attended(EARLY), attended(R1 + days(1), F2F), *credits_of(249), assessment(ASSESSED))
    result = outputs(*records, schedule=schedule, content=COURSE_249)
    # credits on CREDITED (after R2) are progress for output 3
    assert CREDITED > r2
    assert [o.met_on for o in result] == [EARLY, R1 + days(1), CREDITED, ASSESSED]
    assert result[3].basis == ("credits-90", "assessment")


def test_the_share_the_final_output_needs_is_decided_in_one_place():
    from tracker.rules.outputs import credits_needed, reaches_final_share

    assert credits_needed(249) == 225 and credits_needed(200) == 180 and credits_needed(237) == 214
    assert not reaches_final_share(224, 249) and reaches_final_share(225, 249)
    assert all(reaches_final_share(credits_needed(t), t) and not reaches_final_share(credits_needed(t) - 1, t)
               for t in range(1, 400))
