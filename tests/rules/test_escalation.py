"""Escalation: the 3-week window (DOMAIN.md "Escalation")."""
from __future__ import annotations

import pytest

from tracker.rules.course import build_schedule
from tracker.rules.facts import OutputMet
from tracker.rules.status import escalation, output_status

from .builders import days, leadership, specialist

SCHEDULE = specialist()
R1, R2, R3 = (spec.review_date for spec in SCHEDULE)


def mets(*met_ons):
    """OutputMet for each output of SCHEDULE; missing ones are unmet."""
    met_ons = list(met_ons) + [None] * (len(SCHEDULE) - len(met_ons))
    return [OutputMet(n, on) for n, on in enumerate(met_ons, 1)]


def chase(as_of, *met_ons, status="active", extensions=None, total_known=True, schedule=SCHEDULE):
    outputs = [OutputMet(n, on) for n, on in enumerate(list(met_ons) + [None] * (len(schedule) - len(met_ons)), 1)]
    return escalation(status, schedule, outputs, as_of, total_known=total_known, extensions=extensions)


@pytest.mark.parametrize(
    "offset, expected",
    [(-15, "none"), (-14, "due-soon"), (0, "due-soon"), (1, "window"), (21, "window"), (22, "escalated")],
)
def test_escalation_around_the_review_date(offset, expected):
    assert chase(R1 + days(offset)).state == expected


def test_entering_the_window_names_the_output_and_the_end_of_the_window():
    found = chase(R1 + days(1))
    assert (found.state, found.output, found.review_date, found.window_ends) == ("window", 1, R1, R1 + days(21))
    assert found.days_left(R1 + days(1)) == 20


def test_due_soon_has_no_window_end():
    found = chase(R1 - days(3))
    assert (found.state, found.output, found.window_ends) == ("due-soon", 1, None)


def test_escalated_keeps_the_window_end():
    found = chase(R1 + days(22))
    assert (found.state, found.window_ends) == ("escalated", R1 + days(21))
    assert found.days_after_review(R1 + days(22)) == 22


def test_an_extension_that_covers_the_date_means_extended():
    as_of = R1 + days(30)
    found = chase(as_of, extensions={1: as_of})
    assert (found.state, found.extended_to, found.window_ends) == ("extended", as_of, R1 + days(21))
    assert chase(as_of, extensions={1: as_of + days(10)}).state == "extended"


def test_an_extension_that_has_run_out_means_escalated():
    as_of = R1 + days(30)
    assert chase(as_of, extensions={1: as_of - days(1)}).state == "escalated"


def test_an_extension_for_another_output_does_not_cover():
    as_of = R1 + days(30)
    assert chase(as_of, extensions={2: as_of + days(10)}).state == "escalated"


def test_an_extension_does_not_matter_inside_the_window():
    assert chase(R1 + days(5), extensions={1: R1 + days(60)}).state == "window"


@pytest.mark.parametrize("participant_status", ["deferred", "withdrawn"])
def test_deferred_and_withdrawn_participants_are_excluded(participant_status):
    found = chase(R1 + days(60), status=participant_status)
    assert (found.state, found.output, found.window_ends) == (participant_status, None, None)


def test_the_earliest_unmet_output_is_the_one_used():
    found = chase(R2 + days(1), R1 - days(10))
    assert (found.state, found.output, found.window_ends) == ("window", 2, R2 + days(21))


def test_a_later_output_met_does_not_hide_an_earlier_unmet_one():
    # output 2's record exists but output 1 is unmet as of the date
    found = chase(R1 + days(25), None, R1 + days(24))
    assert (found.state, found.output) == ("escalated", 1)


def test_an_output_met_after_the_as_of_date_is_still_chased():
    found = chase(R1 + days(2), R1 + days(3))
    assert (found.state, found.output) == ("window", 1)


def test_blocked_outputs_count_as_met():
    outputs = mets(R1 - days(5))
    as_of = R2 - days(100)
    assert output_status(SCHEDULE[0], outputs[0], as_of, payment_agreed=False, total_known=True) == "blocked"
    assert escalation("active", SCHEDULE, outputs, as_of, total_known=True).state == "none"


def test_all_outputs_met_means_none():
    assert chase(R3 + days(400), R1, R2, R3).state == "none"


def test_a_final_output_whose_total_is_unknown_gives_none():
    found = chase(R3 + days(100), R1, R2, total_known=False)
    assert (found.state, found.output) == ("none", None)


def test_an_unknown_total_does_not_stop_chasing_the_earlier_outputs():
    assert chase(R2 + days(30), R1, total_known=False).state == "escalated"


def test_ehco_participants_are_not_chased():
    schedule = build_schedule("coaching", [])
    assert chase(R3 + days(100), schedule=schedule).state == "none"


def test_leadership_output_3_window():
    schedule = leadership()
    r3 = schedule[2].review_date
    found = chase(r3 + days(21), schedule[0].review_date, schedule[1].review_date, schedule=schedule)
    assert (found.state, found.output, found.window_ends) == ("window", 3, r3 + days(21))
