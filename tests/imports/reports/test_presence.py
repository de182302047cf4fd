"""The minutes arithmetic (FORMATS.md section 9.2), as properties."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.imports.reports import Interval, merged, read_report, seconds_present

from . import files

START = datetime(2023, 5, 17, 15, 0, 0)
MEETING = Interval(START, START + timedelta(hours=2))


@st.composite
def intervals(draw):
    start = START + timedelta(seconds=draw(st.integers(-1800, 3 * 3600)))
    return Interval(start, start + timedelta(seconds=draw(st.integers(0, 3 * 3600))))


many = st.lists(intervals(), max_size=12)


@given(many)
def test_presence_never_exceeds_the_meeting(found):
    assert 0 <= seconds_present(found, MEETING) <= MEETING.seconds


@given(many, st.randoms())
def test_the_order_of_rows_does_not_matter(found, shuffle):
    shuffled = list(found)
    shuffle.shuffle(shuffled)
    assert merged(shuffled, MEETING) == merged(found, MEETING)


@given(many)
def test_the_union_lies_between_the_longest_interval_and_the_sum(found):
    clipped = [seconds_present([i], MEETING) for i in found]
    assert max(clipped, default=0) <= seconds_present(found, MEETING) <= sum(clipped)


@given(many)
def test_the_union_is_ordered_disjoint_and_merging_again_changes_nothing(found):
    union = merged(found, MEETING)
    assert all(a.end < b.start for a, b in zip(union, union[1:]))
    assert all(MEETING.start <= i.start < i.end <= MEETING.end for i in union)
    assert merged(union, MEETING) == union


@given(many, many)
def test_two_identities_of_one_person_count_no_more_than_both_apart(first, second):
    together = seconds_present(first + second, MEETING)
    assert max(seconds_present(first, MEETING), seconds_present(second, MEETING)) <= together
    assert together <= seconds_present(first, MEETING) + seconds_present(second, MEETING)


def _gb(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y, %H:%M:%S")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Ann", "Bob"]), intervals()), max_size=8), st.randoms())
def test_a_teams_report_s_minutes_do_not_depend_on_the_order_of_its_rows(rows, shuffle):
    summary = [("Meeting title", "T"), ("Start time", "17/05/2023, 15:00:00"), ("End time", "17/05/2023, 17:00:00")]
    lines = [[name, _gb(i.start), _gb(i.end), "1m", f"{name.lower()}@school.example", "Attendee"] for name, i in rows]
    shuffled = list(lines)
    shuffle.shuffle(shuffled)
    read = {a.name: a.seconds for a in read_report(files.teams(summary, [], lines)).attendees}
    again = {a.name: a.seconds for a in read_report(files.teams(summary, [], shuffled)).attendees}
    assert read == again
    for name, seconds in read.items():
        assert seconds == seconds_present([i for n, i in rows if n == name], MEETING) <= MEETING.seconds
