"""Values read as people write them (INTERCHANGE.md "Any other file: map its columns"): the one
home for a cell's parsing, tracker/imports/fields.py, without a database."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.imports import fields
from tracker.imports.fields import DAY_FIRST, MONTH_FIRST

MAY_17 = date(2023, 5, 17)


@pytest.mark.parametrize("cell", [
    "2023-05-17", "2023-5-17", "17/05/2023", "17/5/2023", "17/5/23", " 17/05/2023 ",
    "17/05/2023, 15:52:06", "17/05/2023 15:52", "17/05/2023 3:52 PM", "17/05/2023 3:52\u202fpm",
    "2023-05-17 15:52:06", "2023-05-17T15:52:06", "2023-05-17T15:52:06.250Z", "2023-05-17 15:52:06+01:00",
    "17 May 2023", "17-May-23", "17 may 2023 15:52", "May 17, 2023", "17 MAY 2023",
    "45063", "45063.66", 45063, 45063.66, datetime(2023, 5, 17, 15, 52, 6), MAY_17,
])
def test_a_date_is_read_as_people_write_it(cell):
    assert fields.a_date(cell) == MAY_17


@pytest.mark.parametrize("cell, day_first, month_first", [
    ("4/5/2023", date(2023, 5, 4), date(2023, 4, 5)),
    ("4/5/23, 09:00:00", date(2023, 5, 4), date(2023, 4, 5)),
    ("2023-04-05", date(2023, 4, 5), date(2023, 4, 5)),  # year first is never ambiguous
    ("5 Apr 2023", date(2023, 4, 5), date(2023, 4, 5)),
    ("45021", date(2023, 4, 5), date(2023, 4, 5)),
])
def test_numeric_dates_are_day_first_unless_month_first_is_asked_for(cell, day_first, month_first):
    assert fields.a_date(cell) == fields.a_date(cell, DAY_FIRST) == day_first
    assert fields.a_date(cell, MONTH_FIRST) == month_first


@pytest.mark.parametrize("cell", ["2023-02-30", "31/13/2022", "yesterday", "2022/10/05", "10-05-2022", "2023", "3",
                                  "17/05/2023 25:00", "17 Mai 2023", "17/05/2023 soon", "123456", True])
def test_a_date_still_wrong_keeps_its_message(cell):
    with pytest.raises(ValueError) as refused:
        fields.a_date(cell)
    assert str(refused.value) == f"'{fields.text(cell)}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"


def test_month_first_names_its_own_form_and_a_blank_date_is_required():
    with pytest.raises(ValueError, match=r"^'13/13/2023' is not a date \(use YYYY-MM-DD or MM/DD/YYYY\)$"):
        fields.a_date("13/13/2023", MONTH_FIRST)
    with pytest.raises(ValueError, match="^a date is required$"):
        fields.a_date("  ")
    with pytest.raises(ValueError, match="dates must be day-first or month-first"):
        fields.a_date("4/5/2023", "sideways")


@pytest.mark.parametrize("cell, number", [
    ("3", 3), (3, 3), (3.0, 3), ("Block 3", 3), ("block 3", 3), ("BLOCK3", 3), ("B3", 3), ("b 3", 3),
    ("Block-3", 3), ("Block: 12", 12), (" Block 1 ", 1),
])
def test_a_block_is_read_as_people_write_it(cell, number):
    assert fields.a_block(cell) == number


@pytest.mark.parametrize("cell", ["one", "Block one", "Block", "3a", "Module 3", "1.5"])
def test_a_block_still_wrong_keeps_its_message(cell):
    with pytest.raises(ValueError, match=f"^'{cell}' is not a whole number$"):
        fields.a_block(cell)


def test_an_agreement_signed_on_a_date_reads_the_date_in_the_files_order():
    assert fields.signed("yes") == (True, None)
    assert fields.signed("4/5/2023") == (True, date(2023, 5, 4))
    assert fields.signed("4/5/2023", MONTH_FIRST) == (True, date(2023, 4, 5))
    assert fields.signed(45021) == (True, date(2023, 4, 5))


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]


def written(day: date, form: int, order: str, clock: str) -> str:
    """The day as people write it, in one of the accepted forms."""
    d, m, y = day.day, day.month, day.year
    first, second = (d, m) if order == DAY_FIRST else (m, d)
    return [
        f"{y:04d}-{m:02d}-{d:02d}{clock and 'T' + clock}",
        f"{y:04d}-{m:02d}-{d:02d}{clock and ' ' + clock}",
        f"{first:02d}/{second:02d}/{y}{clock and ', ' + clock}",
        f"{first}/{second}/{y % 100:02d}{clock and ' ' + clock}",
        f"{d} {MONTH_NAMES[m - 1]} {y}",
        f"{d}-{MONTH_NAMES[m - 1][:3]}-{y % 100:02d}",
        f"{MONTH_NAMES[m - 1][:3]} {d}, {y}{clock and ' ' + clock}",
        str((day - date(1899, 12, 30)).days),
    ][form]


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), form=st.integers(0, 7),
       order=st.sampled_from([DAY_FIRST, MONTH_FIRST]),
       clock=st.sampled_from(["", "00:00", "15:52:06", "9:05", "3:52 PM", "23:59:59.999"]))
def test_any_date_written_in_an_accepted_form_reads_back_the_same_date(day, form, order, clock):
    assert fields.a_date(written(day, form, order, clock), order) == day


@given(st.dates(min_value=date(1927, 12, 1), max_value=date(2173, 10, 13)), st.times())
def test_any_excel_date_cell_or_serial_number_reads_back_the_same_date(day, time):
    serial = (day - date(1899, 12, 30)).days + (time.hour * 3600 + time.minute * 60 + time.second) / 86400
    assert fields.a_date(serial) == fields.a_date(datetime.combine(day, time)) == day
