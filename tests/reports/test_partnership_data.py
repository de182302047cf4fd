"""The report's data, without rendering: grouping, urgency, progress and the expected share."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tracker.models import DeliveryPartner
from tracker.reports import partnership_html, partnership_pdf
from tracker.reports.partnership import UnknownPartner, build_report, expected_percent
from tracker.rules.status import URGENCY

from ..factories import gen_participant
from .conftest import MEETING, PARTNER, PARTNER_NAME


def test_expected_progress_is_the_share_of_course_time_elapsed():
    start, final = date(2022, 10, 1), date(2024, 2, 22)
    assert expected_percent(start, final, start) == 0
    assert expected_percent(start, final, date(2022, 9, 1)) == 0
    assert expected_percent(start, final, date(2023, 6, 12)) == 50
    assert expected_percent(start, final, final) == 100
    assert expected_percent(start, final, date(2025, 1, 1)) == 100


def test_an_unknown_partner_is_refused(session):
    with pytest.raises(UnknownPartner, match="no delivery partner with code 'NOBODY'"):
        build_report("nobody", MEETING)


def test_the_report_groups_participants_most_urgent_first(example_dataset):
    report = build_report(PARTNER.lower(), MEETING)
    assert (report.partner_code, report.partner_name) == (PARTNER, PARTNER_NAME)
    assert [g.state for g in report.action_groups] == sorted(URGENCY, key=URGENCY.get)
    for group in report.action_groups:
        days = [a.days_after_review for a in group.actions]
        assert days == sorted(days, reverse=True)
        assert report.by_escalation.get(group.state, 0) == len(group.actions)
    due = next(g for g in report.action_groups if g.state == "due-soon")
    assert due.actions and all(a.days_after_review <= 0 for a in due.actions)
    past = {a.participant_id for g in report.past_window for a in g.without_interventions + g.with_interventions}
    assert past == {a.participant_id for g in report.action_groups if g.state in ("escalated", "extended")
                    for a in g.actions}


def test_periods_show_the_reviews_either_side_of_the_meeting(example_dataset):
    report = build_report(PARTNER, MEETING)
    for period in report.periods:
        if period.previous:
            assert period.previous.review_date < MEETING
        if period.next:
            assert period.next.review_date >= MEETING
        if period.previous and period.next:
            assert period.next.number == period.previous.number + 1


def test_progress_counts_active_participants_of_courses_with_a_known_total(example_dataset):
    report = build_report(PARTNER, MEETING)
    active = Counter((s.course, s.cohort) for s in report.summaries for _ in range(s.participants - s.deferred - s.withdrawn))
    for progress in report.progress:
        if progress.total_credits is None:
            assert progress.note and sum(progress.bands) == 0
            continue
        assert sum(progress.bands) == progress.participants == active[(progress.course, progress.cohort)]
        assert all(0 <= p <= 100 for p in progress.percents)
        assert 0 <= progress.expected_percent <= 100


def test_a_partner_without_participants_still_gets_a_report(session):
    session.add(DeliveryPartner(code="EMPTY", name="A partner with no participants yet"))
    session.commit()
    report = build_report("EMPTY", MEETING)
    assert report.participants == 0 and not report.summaries and not report.past_window
    assert partnership_pdf("EMPTY", MEETING).startswith(b"%PDF")


def test_coaching_and_tbc_courses_show_their_extra_columns_and_no_progress(session):
    gen_participant("C001", partner="EAST", course="EHCO", cohort=3)
    gen_participant("L001", partner="EAST", course="NPQLL", cohort=3)
    report = build_report("EAST", MEETING)
    columns = {s.course: s.columns for s in report.summaries}
    assert columns["EHCO"][-1] == "criteria-pending" and "total-unknown" not in columns["EHCO"]
    assert columns["NPQLL"][-1] == "total-unknown"
    notes = {p.course: p.note for p in report.progress}
    assert "not yet published" in notes["EHCO"] and "TBC" in notes["NPQLL"]
    assert all(p.participants == 0 for p in report.progress)
    html = partnership_html("EAST", MEETING)
    assert "Criteria pending" in html and "Total unknown" in html
    assert "<svg" not in html  # one participant per course: figures, and no chart (fewer than five)
    assert "not yet published" in html and "still TBC" in html
