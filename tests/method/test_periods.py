import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from okrtui.method import periods

D = dt.date


def test_calendar_quarters():
    q = periods.quarter("2026-Q4")
    assert (q.start, q.end, q.days) == (D(2026, 10, 1), D(2026, 12, 31), 92)
    assert periods.quarter("2024-Q1").end == D(2024, 3, 31)
    assert periods.quarter_of(D(2026, 11, 26)).label == "2026-Q4"
    assert periods.quarter_of(D(2026, 1, 1)).label == "2026-Q1"


def test_fiscal_year_starting_in_april():
    q1 = periods.quarter("2026-Q1", 4)
    assert (q1.start, q1.end) == (D(2026, 4, 1), D(2026, 6, 30))
    q4 = periods.quarter("2026-Q4", 4)
    assert (q4.start, q4.end) == (D(2027, 1, 1), D(2027, 3, 31))
    assert periods.quarter_of(D(2027, 2, 14), 4).label == "2026-Q4"
    assert periods.quarter_of(D(2026, 3, 31), 4).label == "2025-Q4"


@pytest.mark.parametrize("month", range(1, 13))
def test_every_day_of_a_year_is_in_exactly_its_quarter(month):
    day = D(2026, 1, 1)
    while day.year == 2026:
        q = periods.quarter_of(day, month)
        assert q.contains(day)
        assert periods.quarter(q.label, month) == q
        day += dt.timedelta(days=1)


def test_shift_previous_and_next():
    assert periods.shift("2026-Q4", 1).label == "2027-Q1"
    assert periods.shift("2026-Q1", -1).label == "2025-Q4"
    assert periods.shift("2026-Q2", 0, 7).label == "2026-Q2"


@pytest.mark.parametrize("bad", ["2026-Q5", "2026Q4", "26-Q1", "2026-q4", ""])
def test_bad_quarter_labels(bad):
    assert not periods.is_quarter_label(bad)
    with pytest.raises(ValueError):
        periods.quarter(bad)


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", "tomorrow"])
def test_strict_dates(bad):
    with pytest.raises(ValueError):
        periods.parse_date(bad)


def test_week_of():
    assert periods.week_of(D(2026, 11, 26)) == (D(2026, 11, 23), D(2026, 11, 29))


@given(st.integers(1, 9998), st.integers(1, 4), st.integers(1, 12), st.integers(-40, 40))
def test_quarters_and_shifts_are_what_relativedelta_made_them(year, q, fy_month, steps):
    """periods computes months on firsts of months itself (dateutil's import was before the first frame):
    the same quarters and shifts as relativedelta, and the same ValueError past year 9999 or before 1."""
    label = f"{year:04d}-Q{q}"
    start = D(year, fy_month, 1) + relativedelta(months=3 * (q - 1))
    if start.year > 9999 - 1:
        return
    span = periods.quarter(label, fy_month)
    assert (span.start, span.end) == (start, start + relativedelta(months=3, days=-1))
    try:
        expected = periods.quarter_of(span.start + relativedelta(months=3 * steps), fy_month)
    except ValueError:
        with pytest.raises(ValueError):
            periods.shift(label, steps, fy_month)
        return
    assert periods.shift(label, steps, fy_month) == expected
