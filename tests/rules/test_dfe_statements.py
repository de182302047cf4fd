"""The next cut-off: the unpaid statement with the earliest cut-off date on or after today."""
from datetime import date

from tracker.rules.dfe_statements import Statement, next_cut_off


def statement(month, cut_off, payment, paid=False, cohort=2024):
    return Statement(month, payment.year, cohort, cut_off, payment, paid)


def test_the_next_cut_off_is_the_earliest_open_one_from_today():
    december = statement("December", date(2026, 11, 25), date(2026, 12, 24), paid=True)
    january = statement("January", date(2026, 12, 31), date(2027, 1, 25))
    february = statement("February", date(2027, 1, 31), date(2027, 2, 25), cohort=2025)
    assert next_cut_off([february, january, december], date(2026, 11, 24)) == january
    assert next_cut_off([february, january], date(2026, 12, 31)) == january  # the cut-off day itself counts
    assert next_cut_off([february, january], date(2027, 1, 1)) == february
    assert next_cut_off([december], date(2026, 11, 24)) is None  # paid: closed
    assert next_cut_off([], date(2026, 11, 24)) is None
