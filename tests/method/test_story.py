"""The detail chart's lines agree with the numbers (scoring.py) and never go past "now"."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from okrtui.method import periods, scoring, story
from okrtui.method.views import CheckInView, KRView, ObjectiveView, compute_kr, compute_objective

SPAN = periods.quarter_of(dt.date(2026, 11, 26))
AS_OF = dt.date(2026, 11, 26)


def kr(kind: str, values: list[tuple[int, float]], conf: list[float | None] | None = None, **fields) -> KRView:
    check_ins = [CheckInView(f"c{i}", SPAN.start + dt.timedelta(days=day), value,
                             (conf or [None] * len(values))[i], "") for i, (day, value) in enumerate(values)]
    view = KRView(id="k", objective_id="o", title="t", kind=kind, unit=fields.pop("unit", ""), owner_id=None,
                  start=fields.pop("start", None), target=fields.pop("target", None), low=fields.pop("low", None),
                  high=fields.pop("high", None), weight=fields.pop("weight", 1.0), self_score=None, score_comment="",
                  origin="me", position=0, check_ins=check_ins)
    compute_kr(view, SPAN, AS_OF, True, 7)
    return view


def line(chart: story.Chart, prefix: str) -> story.Line:
    return next(ln for ln in chart.lines if ln.label.startswith(prefix))


def test_increase_draws_start_target_expected_and_a_forecast_ending_on_the_forecast():
    k = kr("increase", [(7, 10), (21, 14), (35, 15), (49, 20)], start=8, target=40, unit="users")
    chart = story.kr_chart(k, SPAN, AS_OF)
    assert line(chart, "start").ys == [8, 8] and line(chart, "target").ys == [40, 40]
    assert line(chart, "expected").ys == [8, 40] and line(chart, "expected").xs == [0, chart.days]
    fc = line(chart, "forecast")
    assert fc.xs[-1] == chart.days and abs(fc.ys[-1] - (8 + k.forecast * 32)) < 1e-9
    assert line(chart, "check-ins (users)").ys == [10, 14, 15, 20]
    assert chart.now == (AS_OF - SPAN.start).days
    lo, hi = chart.y_range
    assert lo < 8 and hi > 40


def test_nothing_measured_after_the_as_of_day_is_drawn():
    k = kr("decrease", [(7, 50), (30, 45), (80, 20)], start=60, target=20)
    chart = story.kr_chart(k, SPAN, SPAN.start + dt.timedelta(days=40))
    assert line(chart, "check-ins").xs == [7, 30]
    assert chart.now == 40


def test_a_past_period_is_drawn_whole_without_a_now_line():
    k = kr("increase", [(7, 1), (80, 5)], start=0, target=5)
    chart = story.kr_chart(k, SPAN, SPAN.end + dt.timedelta(days=30))
    assert chart.now is None and line(chart, "check-ins").xs == [7, 80]


def test_range_draws_its_band_once_in_the_legend():
    k = kr("range", [(7, 130), (14, 260)], low=120, high=250)
    chart = story.kr_chart(k, SPAN, AS_OF)
    band = [ln for ln in chart.lines if ln.marker == "="]
    assert sorted(ln.ys[0] for ln in band) == [120, 250] and sum(1 for ln in band if ln.label) == 1
    assert not any(ln.label in ("expected pace", "forecast") for ln in chart.lines)


def test_milestone_is_done_or_not_and_baseline_its_measurements():
    m = story.kr_chart(kr("milestone", [(7, 0), (30, 1)]), SPAN, AS_OF)
    assert line(m, "check-ins").ys == [0.0, 1.0] and [label for _, label in m.y_ticks] == ["not done", "done"]
    b = story.kr_chart(kr("baseline", [(7, 31.5), (14, 29)], unit="%"), SPAN, AS_OF)
    assert line(b, "measurements (%)").ys == [31.5, 29]


def test_objective_chart_ends_on_its_score_and_stays_in_0_1():
    krs = [kr("increase", [(7, 2), (40, 6)], start=0, target=10, weight=2),
           kr("milestone", [(20, 1)]), kr("range", [(10, 5), (30, 50)], low=0, high=10)]
    obj = ObjectiveView("o", "t", "", "team", None, None, None, "active", "private", "me", 0, krs)
    compute_objective(obj)
    chart = story.objective_chart(obj, SPAN, AS_OF)
    score = line(chart, "objective score")
    assert score.ys[-1] == obj.score and score.xs[-1] == chart.now
    assert all(0 <= y <= 1 for ln in chart.lines for y in ln.ys)
    assert [ln.marker for ln in chart.lines[1:]] == ["1", "2", "3"]


def test_x_ticks_are_month_starts_and_the_period_end():
    assert [label for _, label in story.x_ticks(SPAN)] == ["Oct 1", "Nov 1", "Dec 1", "Dec 31"]


def test_confidence_trend_reads_the_last_two():
    assert story.confidence_trend(kr("baseline", [(1, 1), (8, 1)], [0.8, 0.6])) == "0.6 ↓ from 0.8"
    assert story.confidence_trend(kr("baseline", [(1, 1), (8, 1)], [0.5, 0.5])) == "0.5 steady"
    assert story.confidence_trend(kr("baseline", [(1, 1)])) == "–"


@given(st.lists(st.tuples(st.integers(0, 91), st.floats(-1e6, 1e6, allow_nan=False)), min_size=2, max_size=20),
       st.floats(-1e3, 1e3, allow_nan=False), st.floats(1, 1e3, allow_nan=False))
def test_the_forecast_line_ends_exactly_on_scoring_forecast(values, start, gap):
    values.sort(key=lambda v: v[0])
    k = kr("increase", values, start=start, target=start + gap)
    chart = story.kr_chart(k, SPAN, SPAN.end)
    expected = scoring.forecast(k.spec, k.points, SPAN.start, SPAN.end)
    fc = [ln for ln in chart.lines if ln.label == "forecast"]
    if expected is None:
        assert fc == []
    else:
        assert abs(fc[0].ys[-1] - (start + expected * gap)) <= 1e-6 * max(1.0, abs(start) + gap)


def test_y_range_is_the_min_and_max_of_values_and_more_as_before():
    """y_range takes `more` in one pass (10,000 KRs make a page): the same range as
    min(min(values), *more) and max(max(values), *more), the pad included."""
    import random

    from okrtui.method.story import y_range

    def as_before(values, *more):
        lo, hi = (min(min(values), *more), max(max(values), *more)) if values and more else (
            min(more or values), max(more or values))
        pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
        return lo - pad, hi + pad

    rng = random.Random(8)
    pool = [0.0, -0.0, 1.0, -1.0, 100.0, 0.5, 1e-9, -250.0, 7.25]
    for _ in range(5000):
        values = [rng.choice(pool + [rng.uniform(-300, 300)]) for _ in range(rng.randint(0, 6))]
        more = [rng.choice(pool + [rng.uniform(-300, 300)]) for _ in range(rng.randint(0 if values else 1, 3))]
        got, want = y_range(values, *more), as_before(values, *more)
        assert [repr(v) for v in got] == [repr(v) for v in want], (values, more)


def test_check_in_days_are_the_days_from_the_period_start_and_shared_when_the_days_are():
    """kr_series' x's: each check-in's day counted from the period's first day, one tuple shared by
    the KRs checked in on the same days (svg.Charts.chart draws their polyline's x's once), another period
    or other days their own."""
    weekly = [(7 * w, float(w)) for w in range(13)]
    a, b = kr("increase", weekly, start=0, target=12), kr("range", weekly, low=2, high=9)
    end = SPAN.end
    sa, sb = story.kr_series(a, SPAN, end), story.kr_series(b, SPAN, end)
    assert list(sa.xs) == [float(7 * w) for w in range(13)] and sa.xs is sb.xs
    assert list(story.kr_series(a, SPAN, AS_OF).xs) == [float(7 * w) for w in range(9)]  # up to the as-of day
    odd = story.kr_series(kr("increase", [(0, 1.0), (3, 2.0), (90, 3.0)], start=0, target=5), SPAN, end)
    assert list(odd.xs) == [0.0, 3.0, 90.0]
    later = periods.quarter_of(dt.date(2027, 2, 1))
    assert story.check_in_days(later.start, (later.start + dt.timedelta(days=2),)) == (2.0,)
    assert story.check_in_days(SPAN.start, (SPAN.start + dt.timedelta(days=2),)) == (2.0,)
    assert story.check_in_days(SPAN.start, ()) == ()


def test_kr_series_forecast_is_forecast_lines_ends_exactly():
    """kr_series reads the forecast line's ends inline from the KR's own fit: exactly the numbers
    forecast_line gives (scaled to the KR's start and target), on increase and decrease KRs of
    random check-ins, a line clamped at either end included."""
    import random

    rng = random.Random(31)
    clamped = set()
    for _ in range(500):
        days = sorted(rng.sample(range(0, 56), rng.randint(1, 9)))
        start, target = rng.choice([(0.0, 100.0), (100.0, 0.0), (3.3, 7.1)])
        k = kr(rng.choice(["increase", "decrease"]), [(d, rng.uniform(-50, 150)) for d in days],
               start=start, target=target)
        s = story.kr_series(k, SPAN, AS_OF)
        ends = story.forecast_line(k.spec, k.points, SPAN)
        if ends is None:
            assert s.forecast is None
            continue
        assert s.forecast == (start + ends[0] * (target - start), start + ends[1] * (target - start))
        clamped |= {e for e in ends if e in (0.0, 1.0)}
    assert clamped == {0.0, 1.0}
