import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okrtui.method import scoring
from okrtui.method.scoring import Point, Spec

D = dt.date
Q4 = (D(2026, 10, 1), D(2026, 12, 31))


FIRST_MONDAY = D(2026, 10, 5)


def pts(*values, start=FIRST_MONDAY):
    return [Point(start + dt.timedelta(days=7 * i), float(v), f"{i:04d}") for i, v in enumerate(values)]


@pytest.mark.parametrize(
    "spec, values, want",
    [
        (Spec("increase", 0, 6), [3], 0.5),                 # launch 6 features, 3 launched
        (Spec("increase", 0, 10), [7], 0.7),                # build 10 prototypes, 7 built
        (Spec("decrease", 5, 2), [3], 2 / 3),               # invoice processing 5 weeks → 2, now 3
        (Spec("increase", 0, 10), [12], 1.0),               # past the target
        (Spec("increase", 10, 20), [4], 0.0),               # below the start
        (Spec("decrease", 5, 2), [1], 1.0),
        (Spec("decrease", 5, 2), [9], 0.0),
        (Spec("increase", 0, 10), [], 0.0),                 # no check-in: current = start
        (Spec("range", low=10, high=20), [15, 25, 12, 19], 0.75),
        (Spec("range", low=10, high=20), [10, 20], 1.0),    # bounds are inside
        (Spec("range", low=10, high=20), [], 0.0),
        (Spec("baseline"), [], 0.0),
        (Spec("baseline"), [42], 1.0),
        (Spec("milestone"), [0, 1], 1.0),
        (Spec("milestone"), [1, 0], 0.0),                   # the latest counts
        (Spec("milestone"), [0.5], 0.0),
        (Spec("milestone"), [], 0.0),
        (Spec("increase", 5, 5), [7], 0.0),                 # no measurable target: never divides by zero
    ],
)
def test_progress_worked_cases(spec, values, want):
    assert scoring.progress(spec, pts(*values)) == pytest.approx(want)


@pytest.mark.parametrize("score, want", [(0.65, 0.7), (0.64, 0.6), (0.05, 0.1), (0.25, 0.3), (0.35, 0.4),
                                         (0.95, 1.0), (0.0, 0.0), (1.0, 1.0), (2 / 3, 0.7), (0.449, 0.4)])
def test_grade_rounds_half_up(score, want):
    assert scoring.grade(score) == want


def test_grade_of_a_weighted_mean_that_is_exactly_065():
    score = scoring.objective_score([(1, 0.5), (3, 0.7)])  # 0.6499999999999999 in floats
    assert scoring.grade(score) == 0.7


@pytest.mark.parametrize("g, want", [(0.0, "red"), (0.3, "red"), (0.4, "yellow"), (0.6, "yellow"),
                                     (0.7, "green"), (1.0, "green"), (None, None)])
def test_band(g, want):
    assert scoring.band(g) == want


def test_objective_score_weights_and_empties():
    assert scoring.objective_score([(1, 0.2), (1, 0.6)]) == pytest.approx(0.4)
    assert scoring.objective_score([(2, 1.0), (0, 0.0)]) == 1.0
    assert scoring.objective_score([]) is None
    assert scoring.objective_score([(0, 0.5)]) is None


def test_self_score_overrides_progress():
    assert scoring.kr_score(0.3, 0.9) == 0.3
    assert scoring.kr_score(None, 0.9) == 0.9
    assert scoring.kr_score(0.0, 0.9) == 0.0


def test_expected_pace_and_boundaries():
    assert scoring.expected(*Q4, D(2026, 11, 26)) == pytest.approx(56 / 91)
    assert scoring.expected(*Q4, D(2026, 9, 1)) == 0.0
    assert scoring.expected(*Q4, D(2027, 2, 1)) == 1.0
    inc = Spec("increase", 0, 10)
    assert scoring.pace(inc, 0.5, 0.6) == "on track"     # exactly expected − 0.10
    assert scoring.pace(inc, 0.35, 0.6) == "at risk"     # exactly expected − 0.25
    assert scoring.pace(inc, 0.34, 0.6) == "behind"
    assert scoring.pace(Spec("range", low=0, high=1), 0.0, 1.0) is None


def test_forecast_line_through_check_ins():
    spec = Spec("increase", 0, 100)
    # progress 0.1 on day 9, 0.3 on day 29: slope 0.01/day, read on day 91 → 0.92
    points = [Point(D(2026, 10, 10), 10), Point(D(2026, 10, 30), 30)]
    assert scoring.forecast(spec, points, *Q4) == pytest.approx(0.92)
    assert scoring.forecast(spec, points[:1], *Q4) is None
    same_day = [Point(D(2026, 10, 10), 10), Point(D(2026, 10, 10), 30)]
    assert scoring.forecast(spec, same_day, *Q4) is None
    assert scoring.forecast(Spec("milestone"), points, *Q4) is None
    assert scoring.forecast(spec, [Point(D(2026, 10, 10), 10), Point(D(2026, 10, 30), 90)], *Q4) == 1.0


def test_stale():
    start = D(2026, 10, 1)
    assert scoring.is_stale(True, D(2026, 11, 18), start, D(2026, 11, 26)) is True    # 8 days
    assert scoring.is_stale(True, D(2026, 11, 19), start, D(2026, 11, 26)) is False   # 7 days
    assert scoring.is_stale(True, None, start, D(2026, 10, 9)) is True
    assert scoring.is_stale(True, None, start, D(2026, 10, 8)) is False
    assert scoring.is_stale(False, None, start, D(2026, 12, 8)) is False
    assert scoring.is_stale(True, D(2026, 11, 10), start, D(2026, 11, 26), after_days=30) is False


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(start=finite, target=finite, values=st.lists(finite, max_size=20))
def test_progress_always_in_unit_interval(start, target, values):
    for kind in ("increase", "decrease", "range", "baseline", "milestone"):
        spec = Spec(kind, start, target, min(start, target), max(start, target))
        assert 0.0 <= scoring.progress(spec, pts(*values)) <= 1.0


@given(start=finite, target=finite, a=finite, b=finite)
def test_progress_is_monotone_in_current(start, target, a, b):
    assume(start != target)
    lo, hi = min(a, b), max(a, b)
    kind = "increase" if target > start else "decrease"
    spec = Spec(kind, start, target)
    p_lo, p_hi = scoring.value_progress(spec, lo), scoring.value_progress(spec, hi)
    if kind == "increase":
        assert p_lo <= p_hi
    else:
        assert p_lo >= p_hi


@given(st.lists(st.tuples(st.floats(0, 100, allow_nan=False), st.floats(0, 1, allow_nan=False)),
                min_size=1, max_size=10))
def test_objective_score_is_between_its_kr_scores(pairs):
    score = scoring.objective_score(pairs)
    live = [s for w, s in pairs if w > 0]
    if not live:
        assert score is None
    else:
        assert min(live) - 1e-9 <= score <= max(live) + 1e-9


@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=10), st.floats(0.01, 100, allow_nan=False))
def test_scaling_all_weights_changes_nothing(scores, k):
    base = scoring.objective_score([(1.0, s) for s in scores])
    scaled = scoring.objective_score([(k, s) for s in scores])
    assert scaled == pytest.approx(base)


@given(st.floats(0, 1, allow_nan=False))
def test_grade_is_within_half_a_tenth_and_on_the_grid(score):
    g = scoring.grade(score)
    assert abs(g - score) <= 0.05 + 1e-9
    assert round(g * 10) == pytest.approx(g * 10)
    assert scoring.band(g) in ("red", "yellow", "green")


@given(st.floats(min_value=-2, max_value=2, allow_nan=False))
def test_progress_as_shown_rounds_to_the_grade_shown_beside_it(p):
    """A reader rounds the two-decimal progress half-up and must find the grade: 0.549 reads 0.54 and
    grade 0.5 (it read 0.55 and 0.5 in the scoring walk); never more than a hundredth off."""
    from okrtui.method.views import fmt_progress

    shown = fmt_progress(p)
    assert len(shown.split(".")[1]) == 2
    assert scoring.grade(float(shown)) == scoring.grade(p)
    assert abs(float(shown) - p) <= 0.01 + 1e-9


def test_progress_is_rounded_but_never_up_onto_a_grades_boundary():
    from okrtui.method.views import fmt_progress

    assert (fmt_progress(0.549), fmt_progress(0.55), fmt_progress(2 / 7), fmt_progress(1.0)) == ("0.54", "0.55", "0.29", "1.00")
    assert (fmt_progress(0.6449), fmt_progress(0.6499), fmt_progress(0.65)) == ("0.64", "0.64", "0.65")
    assert fmt_progress(0.6499999999999999) == "0.65"  # float noise first, as the grade: 0.65 → 0.7
    assert (fmt_progress(-0.549), scoring.grade(-0.549)) == ("-0.54", -0.5)
