"""Next steps (DOMAIN.md "Next steps"): each option, dated counts_from, meets output k that day."""
from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.rules.facts import (
    ACTIVE,
    ATTENDED,
    DEFERRED,
    FINAL,
    REGISTER_MARKS,
    ASSESSMENT_STATUSES,
    SELF_STUDY as SELF_STUDY_COMPONENT,
    Assessment,
    Content,
    Credit,
    Evidence,
    Register,
    VideoView,
)
from tracker.rules.next_steps import (
    ASSESSMENT,
    CREDITS_90,
    PROGRESS,
    REGISTER,
    SELF_STUDY_OPTION,
    VIDEO,
    NextSteps,
    Offered,
    Option,
    Syllabus,
    next_steps,
)
from tracker.rules.outputs import compute_outputs
from tracker.rules.course import build_schedule

from .builders import (
    F2F,
    OTHER_STUDY,
    R1,
    SELF_STUDY,
    SURVEY,
    TOY_COMPONENTS,
    TOY_CREDITS,
    WEBINAR,
    assessment,
    attended,
    credit,
    d,
    days,
    evidence,
    leadership,
    specialist,
    toy_content,
    video,
)

# The toy course in two blocks: block 1 has the self-study, the webinar and the survey.
BLOCK_OF = {SELF_STUDY: 1, WEBINAR: 1, SURVEY: 1, OTHER_STUDY: 2, F2F: 2}
TOY_SYLLABUS = Syllabus(
    tuple(
        Offered(a, BLOCK_OF[a], position, f"Activity {a}", TOY_COMPONENTS[a])
        for position, a in enumerate(sorted(TOY_CREDITS, key=lambda a: (BLOCK_OF[a], a)), 1)
    ),
    (1, 2),
)
START, END = d("2022-09-01"), d("2024-10-01")  # the toy cohort's start; evidence is never dated before it
SPAN = (END - START).days


def steps(records=(), as_of=d("2023-03-01"), schedule=None, content=None, status=ACTIVE, cohort_start=START):
    schedule = schedule or specialist()
    content = content or toy_content()
    found = evidence(*records)
    results = compute_outputs(schedule, content, found)
    return next_steps(status, schedule, results, content, TOY_SYLLABUS, found, as_of, cohort_start)


def evidence_for(option: Option, on: date, content: Content) -> object:
    """The record an option names, dated `on`."""
    if option.option == REGISTER:
        return Register(option.activity_id, on, ATTENDED)
    if option.option in (SELF_STUDY_OPTION, PROGRESS, CREDITS_90):
        return Credit(option.activity_id, content.credits[option.activity_id], on)
    if option.option == VIDEO:
        return VideoView(option.block, 90, on)
    return Assessment("moderated", "fail", on)


def with_records(found: Evidence, records) -> Evidence:
    more = evidence(*records)
    return Evidence(
        found.credits + more.credits,
        found.registers + more.registers,
        found.videos + more.videos,
        found.assessments + more.assessments,
    )


KEY_DAYS = (START + days(40), R1, d("2023-06-22"), d("2024-01-24"), d("2024-02-22"), d("2024-07-24"))


def day_in_range():
    """Any day of the course, or one near a review date, where the rules change their mind."""
    anywhere = st.integers(0, SPAN).map(lambda n: START + timedelta(days=n))
    near = st.builds(lambda key, n: key + timedelta(days=n), st.sampled_from(KEY_DAYS), st.integers(-12, 12))
    return st.one_of(anywhere, near, near)


def as_of_day():
    """Any day of the course, one near a review date, or one of the months before the cohort starts."""
    before = st.integers(1, 150).map(lambda n: START - timedelta(days=n))
    return st.one_of(day_in_range(), before)


records = st.one_of(
    st.builds(Credit, st.sampled_from(sorted(TOY_CREDITS)), st.integers(0, 16), day_in_range()),
    st.builds(Register, st.sampled_from([WEBINAR, F2F, SURVEY]), day_in_range(), st.sampled_from(REGISTER_MARKS)),
    st.builds(VideoView, st.sampled_from([1, 2]), st.sampled_from([0, 50, 89.9, 90, 100]), day_in_range()),
    st.builds(Assessment, st.sampled_from(ASSESSMENT_STATUSES), st.sampled_from(["pass", "fail", None]), day_in_range()),
)
schedules = st.sampled_from([specialist(), leadership()])
contents = st.sampled_from([toy_content(), Content({**TOY_CREDITS, SELF_STUDY: 40}, dict(TOY_COMPONENTS), 70)])


@settings(max_examples=500, deadline=None)
@given(st.lists(records, max_size=14), as_of_day(), schedules, contents)
def test_each_option_dated_counts_from_meets_the_output_that_day(found_records, as_of, schedule, content):
    found = evidence(*found_records)
    made = next_steps(ACTIVE, schedule, compute_outputs(schedule, content, found), content, TOY_SYLLABUS, found, as_of,
                      START)
    if made is None:
        return
    k = made.output
    assert made.options, "a participant with next steps has at least one option"
    assert made.counts_from >= START, "no step asks for evidence the import would refuse as before the cohort start"
    if schedule[k - 1].kind == FINAL:
        added = [evidence_for(o, made.counts_from, content) for o in made.options]
        assert compute_outputs(schedule, content, with_records(found, added))[k - 1].met_on == made.counts_from
        return
    for option in made.options:
        added = with_records(found, [evidence_for(option, made.counts_from, content)])
        assert compute_outputs(schedule, content, added)[k - 1].met_on == made.counts_from, option


@settings(max_examples=200, deadline=None)
@given(st.lists(records, max_size=14), as_of_day(), schedules)
def test_k_is_the_earliest_output_not_met_and_counts_from_follows_the_domain(found_records, as_of, schedule):
    content = toy_content()
    found = evidence(*found_records)
    results = compute_outputs(schedule, content, found)
    made = next_steps(ACTIVE, schedule, results, content, TOY_SYLLABUS, found, as_of, START)
    unmet = [m for m in results if m.met_on is None or m.met_on > as_of]
    if not unmet:
        assert made is None
        return
    assert made is not None and made.output == unmet[0].number
    k = made.output
    if k == 1 or schedule[k - 1].kind == FINAL:
        assert made.counts_from == max(as_of, START)
    else:
        anchor = max(schedule[k - 2].review_date, results[k - 2].met_on)
        assert made.counts_from == max(as_of, anchor + days(1), START)


def test_asked_before_the_cohort_starts_output_1_counts_from_the_start():
    # DOMAIN.md's example: a cohort 3 participant (start 1 October 2022) asked as of 30 June 2022
    made = steps(as_of=d("2022-06-30"), cohort_start=d("2022-10-01"))
    assert made.output == 1 and made.counts_from == d("2022-10-01")
    assert steps(as_of=d("2022-10-02"), cohort_start=d("2022-10-01")).counts_from == d("2022-10-02")


def test_output_1_lists_events_unstarted_self_study_and_the_block_1_video():
    made = steps([credit(d("2022-10-05"), OTHER_STUDY, 0)], as_of=d("2022-10-10"))
    assert made.output == 1 and made.counts_from == d("2022-10-10")
    assert [(o.option, o.block, o.activity_id, o.credits) for o in made.options] == [
        (REGISTER, 1, WEBINAR, None),
        (REGISTER, 2, F2F, None),
        (SELF_STUDY_OPTION, 1, SELF_STUDY, 5),
        (SELF_STUDY_OPTION, 2, OTHER_STUDY, 3),  # a 0-credit record is no credit
        (VIDEO, 1, None, None),
    ]
    assert made.options[-1].block == 1


def test_retention_counts_from_the_day_after_the_review_date_when_asked_before_it():
    made = steps([attended(d("2022-10-20"))], as_of=d("2022-11-01"))
    assert made.output == 2
    assert made.counts_from == R1 + days(1)
    assert made.why.anchor == R1 and made.why.anchor_is_review


def test_asked_before_the_anchor_evidence_up_to_the_anchor_is_already_spent():
    # as of 1 November output 1 is met; the block 2 video and the full self-study credit land
    # before the review date, so neither can count for output 2 again
    made = steps(
        [attended(d("2022-10-20")), video(d("2022-11-10"), 95, block=2), credit(d("2022-11-12"), SELF_STUDY)],
        as_of=d("2022-11-01"),
    )
    assert made.counts_from == R1 + days(1)
    assert [o.block for o in made.options if o.option == VIDEO] == [1]
    assert SELF_STUDY not in [o.activity_id for o in made.options if o.option == PROGRESS]


def test_retention_progress_names_what_each_activity_would_add_at_the_anchor():
    made = steps([attended(d("2022-10-20")), credit(d("2022-10-21"), SELF_STUDY, 2)], as_of=d("2023-01-10"))
    progress = {o.activity_id: o.credits for o in made.options if o.option == PROGRESS}
    assert progress == {SELF_STUDY: 3, WEBINAR: 6, SURVEY: 1, OTHER_STUDY: 3, F2F: 15}
    assert made.counts_from == d("2023-01-10")


def test_a_block_video_that_counted_before_is_not_offered_again():
    made = steps([attended(d("2022-10-20")), video(d("2022-10-21"), 95, block=1)], as_of=d("2023-01-10"))
    assert [o.block for o in made.options if o.option == VIDEO] == [2]


def test_final_lists_unfinished_activities_until_their_credits_reach_what_is_needed():
    on_time = [attended(d("2022-10-20")), attended(R1 + days(1), F2F), credit(d("2023-01-01"), SELF_STUDY, 5)]
    made = steps(on_time + [assessment(d("2023-02-01"), "submitted", None)], as_of=d("2023-03-01"))
    assert made.output == 3
    # total 30 needs 27; 5 held; 22 more: webinar 6, survey 1, other study 3, then F2F 15 reaches it
    rows = [(o.option, o.activity_id, o.credits, o.needed) for o in made.options]
    assert rows == [
        (CREDITS_90, WEBINAR, 6, 22),
        (CREDITS_90, SURVEY, 1, 22),
        (CREDITS_90, OTHER_STUDY, 3, 22),
        (CREDITS_90, F2F, 15, 22),
        (ASSESSMENT, None, None, None),
    ]
    assert (made.why.score, made.why.required, made.why.assessment_status) == (5, 27, "submitted")


def test_final_with_a_moderated_result_needs_only_credits():
    on_time = [attended(d("2022-10-20")), attended(R1 + days(1), F2F)]
    made = steps(on_time + [assessment(d("2023-02-01"))], as_of=d("2023-03-01"))
    assert ASSESSMENT not in [o.option for o in made.options]


def test_no_next_steps_for_a_deferred_participant_an_unknown_total_or_every_output_met():
    assert steps(status=DEFERRED) is None
    on_time = [attended(d("2022-10-20")), attended(R1 + days(1), F2F)]
    assert steps(on_time, content=toy_content(total=None)) is None
    everything = on_time + [credit(d("2023-01-01"), a) for a in TOY_CREDITS] + [assessment(d("2023-02-01"))]
    assert steps(everything) is None


def test_no_next_steps_for_coaching_outputs():
    coaching = build_schedule("coaching", [])
    assert steps(schedule=coaching) is None


def test_at_most_five_of_each_listed_option():
    many = {n: 3 for n in range(1, 9)}
    syllabus = Syllabus(
        tuple(Offered(n, 1, n, f"S {n}", SELF_STUDY_COMPONENT) for n in many), (1,)
    )
    content = Content(many, {n: SELF_STUDY_COMPONENT for n in many}, 24)
    made = next_steps(ACTIVE, specialist(), compute_outputs(specialist(), content, Evidence()), content,
                      syllabus, Evidence(), d("2022-10-10"), START)
    assert [o.activity_id for o in made.options if o.option == SELF_STUDY_OPTION] == [1, 2, 3, 4, 5]
    assert [o.option for o in made.options] == [SELF_STUDY_OPTION] * 5 + [VIDEO]


# The dates each training event was held, or is due, for the participant's group (partner and cohort).
group_sessions = st.dictionaries(st.sampled_from([WEBINAR, F2F]), st.lists(day_in_range(), min_size=1, max_size=3))


class Drawn(NamedTuple):
    made: NextSteps | None  # with the group's sessions
    without: NextSteps | None  # without them
    sessions: dict
    as_of: date


@st.composite
def any_next_steps(draw) -> Drawn:
    """Any participant's next steps as of any day, with and without the dates their group held its events."""
    schedule, content, sessions, as_of = draw(schedules), draw(contents), draw(group_sessions), draw(as_of_day())
    found = evidence(*draw(st.lists(records, max_size=14)))
    results = compute_outputs(schedule, content, found)
    return Drawn(next_steps(ACTIVE, schedule, results, content, TOY_SYLLABUS, found, as_of, START, sessions),
                 next_steps(ACTIVE, schedule, results, content, TOY_SYLLABUS, found, as_of, START), sessions, as_of)


@settings(max_examples=400, deadline=None)
@given(any_next_steps())
def test_no_session_offered_to_attend_was_held_for_the_group_before_the_step_counts(drawn):
    made = drawn.made
    if made is None:
        return
    assert made.options == drawn.without.options, "the group's sessions change the words, never the CSV's options"
    for option in made.options:
        dates = drawn.sessions.get(option.activity_id, [])
        if made.held_on(option.activity_id):
            assert max(dates) < made.counts_from and made.held_on(option.activity_id) == max(dates)
        else:  # offered to attend: a session still to come for the group, or none known yet
            assert not dates or max(dates) >= made.counts_from >= drawn.as_of


@settings(max_examples=400, deadline=None)
@given(any_next_steps())
def test_the_final_outputs_activities_cover_what_is_needed_when_the_course_still_has_it(drawn):
    made = drawn.made
    if made is None or made.why.kind != FINAL:
        return
    offered = [o.credits for o in made.to_earn]
    assert sum(offered) <= made.available, "no activity is offered for more than it can still give"
    if not offered:
        assert made.why.score >= made.why.required
        return
    needed = made.to_earn[0].needed
    assert needed == made.why.required - made.why.score > 0
    if made.available >= needed:
        assert sum(offered) >= needed, "the offered credits cover what is needed"
        assert sum(offered[:-1]) < needed, "and no more activities than it takes"
    else:
        assert sum(offered) == made.available


def test_the_final_output_counts_the_credits_still_available_beside_those_needed():
    on_time = [attended(d("2022-10-20")), attended(R1 + days(1), F2F), credit(d("2023-01-01"), SELF_STUDY, 5)]
    made = steps(on_time, as_of=d("2023-03-01"))
    # total 30 needs 27; 5 held: 22 more needed, 25 still available (everything but the self-study)
    assert (made.to_earn[0].needed, made.available) == (22, 25)


def test_an_event_held_before_as_of_for_the_group_is_held_and_one_still_to_come_is_not():
    made = next_steps(ACTIVE, specialist(), compute_outputs(specialist(), toy_content(), Evidence()), toy_content(),
                      TOY_SYLLABUS, Evidence(), d("2022-10-10"), START,
                      {WEBINAR: [d("2022-09-20")], F2F: [d("2022-09-21"), d("2022-11-02")]})
    assert made.held_on(WEBINAR) == d("2022-09-20")
    assert made.held_on(F2F) is None  # its second session is still to come
