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


def test_statements_by_month_with_the_declarations_dfe_put_on_each():
    from tracker.rules.dfe_statements import by_month

    january_24 = statement("January", date(2026, 12, 31), date(2027, 1, 25))
    january_25 = statement("January", date(2026, 12, 31), date(2027, 1, 25), cohort=2025)
    december = statement("December", date(2026, 11, 25), date(2026, 12, 24), paid=True)
    months, unknown = by_month(
        [("j25", january_25), ("j24", january_24), ("d", december)],
        [("d", "started", "paid", 3), ("j24", "retained-1", "eligible", 2), ("j24", "started", "eligible", 1),
         ("j24", "started", "payable", 4), ("gone", "started", "paid", 5)],
        ("started", "retained-1", "retained-2", "completed"))
    assert [(m.month, m.year) for m in months] == [("December", 2026), ("January", 2027)]
    assert [s.dfe_id for s in months[1].statements] == ["j24", "j25"]  # cohort order
    on = months[1].statements[0]
    assert on.declarations == {"started": {"eligible": 1, "payable": 4}, "retained-1": {"eligible": 2}}
    assert list(on.declarations) == ["started", "retained-1"] and on.total == 7
    assert months[1].statements[1].declarations == {} and months[0].statements[0].total == 3
    assert unknown == 5  # on a statement the tracker has not read
