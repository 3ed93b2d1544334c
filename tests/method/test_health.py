"""The health status rule (okr-method.md "health status") against an independent oracle."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrtui.method import health
from okrtui.method.health import Expectation, Point, State

D = dt.date


# --- the oracle: written from the method's words, day by day, without okrtui.method.health's window arithmetic ---

def window_key(cadence, day, fy):
    """Which window a day is in: the ISO week, the calendar month, the fiscal quarter."""
    if cadence == "weekly":
        return day.isocalendar()[:2]
    if cadence == "monthly":
        return (day.year, day.month)
    return ((day.year * 12 + day.month - 1) - (fy - 1)) // 3


def oracle_state(low, high, points, day):
    seen = [p for p in points if p.date <= day]
    if not seen:
        return "no data"
    value = seen[-1].value
    ok = (low is None or value >= low) and (high is None or value <= high)
    return "healthy" if ok else "unhealthy"


def oracle(low, high, cadence, points, day, fy):
    state = oracle_state(low, high, points, day)
    key = window_key(cadence, day, fy)
    due = not any(p.date <= day and window_key(cadence, p.date, fy) == key for p in points)
    # the streak: walk back one day at a time; each window counts once, judged as of its last day (day itself for the first)
    streak, last_key, cursor = 0, None, day
    while state != "no data" and cursor >= D(1990, 1, 1):
        k = window_key(cadence, cursor, fy)
        if k != last_key:
            if oracle_state(low, high, points, cursor) != state:
                break
            streak += 1
            last_key = k
        cursor -= dt.timedelta(days=1)
    return state, due, streak


days = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))
values = st.floats(min_value=-100, max_value=100, allow_nan=False).map(lambda v: round(v, 1))
bounds = st.one_of(st.none(), values)


@settings(max_examples=300, deadline=None)
@given(low=bounds, high=bounds, cadence=st.sampled_from(health.CADENCES),
       dated=st.lists(st.tuples(days, values), max_size=25), day=days, fy=st.integers(1, 12))
def test_status_due_and_streak_match_the_oracle(low, high, cadence, dated, day, fy):
    points = [Point(d, v) for d, v in sorted(dated, key=lambda t: t[0])]
    got = health.health(Expectation(low, high), cadence, points, day, fy)
    assert (got.state.value, got.due, got.streak) == oracle(low, high, cadence, points, day, fy)


@settings(max_examples=200, deadline=None)
@given(cadence=st.sampled_from(health.CADENCES), day=days, fy=st.integers(1, 12))
def test_a_window_holds_the_day_and_only_its_own_days(cadence, day, fy):
    start, end = health.window(cadence, day, fy)
    assert start <= day <= end
    assert window_key(cadence, start, fy) == window_key(cadence, end, fy) == window_key(cadence, day, fy)
    assert window_key(cadence, start - dt.timedelta(days=1), fy) != window_key(cadence, day, fy)
    assert window_key(cadence, end + dt.timedelta(days=1), fy) != window_key(cadence, day, fy)


def test_the_worked_cases():
    uptime = Expectation(low=99.9)
    pts = [Point(D(2026, 11, 2), 99.95), Point(D(2026, 11, 9), 99.5), Point(D(2026, 11, 16), 99.4),
           Point(D(2026, 11, 23), 99.2)]
    h = health.health(uptime, "weekly", pts, D(2026, 11, 26))
    assert (h.state, h.due, h.streak) == (State.UNHEALTHY, False, 3)
    assert h.streak_text() == "unhealthy for 3 weeks"
    assert h.mark == "✗ "
    # the next Monday nothing is measured yet: due, still unhealthy, and the streak goes on
    h = health.health(uptime, "weekly", pts, D(2026, 11, 30))
    assert (h.state, h.due, h.streak, h.label()) == (State.UNHEALTHY, True, 4, "unhealthy, due")
    assert health.health(uptime, "weekly", [], D(2026, 11, 30)).label() == "no data, due"
    # no expectation: tracked only, always healthy
    assert health.health(Expectation(), "monthly", pts, D(2026, 11, 26)).state is State.HEALTHY
    # a measurement after the day is never read
    assert health.health(uptime, "weekly", pts, D(2026, 11, 3)).latest == pts[0]


@pytest.mark.parametrize(("expect", "text"), [
    (Expectation(low=99.9), "≥ 99.9 %"), (Expectation(high=20), "≤ 20 %"),
    (Expectation(10, 20), "10–20 %"), (Expectation(), "tracked")])
def test_expectations_read_as_written(expect, text):
    assert expect.describe("%") == text


def test_the_sparkline_takes_each_windows_last_value():
    pts = [Point(D(2026, 9, 15), 1), Point(D(2026, 9, 20), 2), Point(D(2026, 11, 2), 3)]
    assert health.spark("monthly", pts, D(2026, 11, 26), count=4) == [None, 2, None, 3]


def test_the_typo_guard():
    assert health.implausible(Expectation(low=99.9), [99.5, 99.95], 999.5) is not None
    assert health.implausible(Expectation(low=99.9), [99.5, 99.95], 99.7) is None
    assert "negative" in health.implausible(Expectation(high=20), [12, 15], -3)
    assert health.implausible(Expectation(), [], 5) is None
