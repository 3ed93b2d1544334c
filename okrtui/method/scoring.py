"""The method's numbers (okr-method.md): progress, score, grade, band, pace, forecast, stale.

Pure functions over plain values: no database, no UI. What differs by kind (progress, which
kinds have pace and forecast) is okrtui.method.kinds'; Spec, Measured, clamp, current and
value_progress live there and are named here too.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from okrtui.method import kinds
from okrtui.method.kinds import Measured as Measured
from okrtui.method.kinds import Spec as Spec
from okrtui.method.kinds import clamp as clamp
from okrtui.method.kinds import current as current
from okrtui.method.kinds import value_progress as value_progress

# Float noise must not flip a pace boundary (0.6 - 0.1 is 0.49999999999999994).
EPS = 1e-9


@dataclass(frozen=True)
class Point:
    """One check-in as scoring sees it."""

    date: dt.date
    value: float
    order: str = ""  # creation time: breaks ties between check-ins of one day


def progress(spec: Spec, points: Sequence[Measured]) -> float:
    """Progress in [0, 1] from the period's check-ins (oldest first), as the KR's kind counts it."""
    kind = kinds.get(spec.kind)
    if kind is None:
        raise ValueError(f"unknown KR kind {spec.kind!r}")
    return kind.progress(spec, points)


def preview_progress(spec: Spec, points: Sequence[Measured], new: Measured) -> float:
    """Progress the KR would have with one more check-in (made last): what the check-in form shows."""
    return progress(spec, sorted([*points, new], key=lambda p: p.date))  # stable: same-day order kept


def kr_score(self_score: float | None, prog: float) -> float:
    return self_score if self_score is not None else prog


def objective_score(weighted: Iterable[tuple[float, float]]) -> float | None:
    """Weighted mean of (weight, score); weight-0 KRs left out; nothing left → None."""
    live = [(w, s) for w, s in weighted if w > 0]
    if not live:
        return None
    total_w = math.fsum(w for w, _ in live)
    # Weights are normalised first: w·s of a tiny weight would underflow to 0.
    return math.fsum((w / total_w) * s for w, s in live)


def grade(score: float | None) -> float | None:
    """Rounded half-up to one decimal, as people write it: 0.65 → 0.7."""
    if score is None:
        return None
    # Round away float noise first: a weighted mean of exactly 0.65 is 0.6499999999999999.
    return float(Decimal(repr(round(score, 9))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def band(g: float | None) -> str | None:
    if g is None:
        return None
    if g <= 0.3 + EPS:
        return "red"
    if g < 0.7 - EPS:
        return "yellow"
    return "green"


def expected(start: dt.date, end: dt.date, day: dt.date) -> float:
    span = (end - start).days
    if span <= 0:
        return 1.0 if day >= end else 0.0
    return clamp((day - start).days / span)


def pace(spec: Spec, prog: float, exp: float) -> str | None:
    if not kinds.paced(spec.kind):
        return None
    if prog + EPS >= exp - 0.10:
        return "on track"
    if prog + EPS >= exp - 0.25:
        return "at risk"
    return "behind"


def fit(spec: Spec, points: Sequence[Measured], start: dt.date) -> tuple[float, float] | None:
    """The least-squares line through (days since start, progress): (slope, intercept); None for a
    kind without pace or check-ins on fewer than two days."""
    if not kinds.paced(spec.kind):
        return None
    xs = [float((p.date - start).days) for p in points]
    if len(set(xs)) < 2:
        return None
    ys = [value_progress(spec, p.value) for p in points]
    slope, intercept = statistics.linear_regression(xs, ys)
    return slope, intercept


def forecast(spec: Spec, points: Sequence[Measured], start: dt.date, end: dt.date) -> float | None:
    """The least-squares line through (day, progress) (`fit`), read at the period's end, clamped."""
    return forecast_of(fit(spec, points, start), start, end)


def forecast_of(line: tuple[float, float] | None, start: dt.date, end: dt.date) -> float | None:
    """A fitted line (`fit`) read at the period's end, clamped: the forecast."""
    return None if line is None else clamp(line[1] + line[0] * (end - start).days)


def is_stale(
    active: bool, last: dt.date | None, period_start: dt.date, day: dt.date, after_days: int = 7
) -> bool:
    if not active:
        return False
    since = last if last is not None else period_start
    return (day - since).days > after_days


def measurable(kind: str, start: float | None, target: float | None) -> bool:
    """A start → target KR whose target lies on the right side of its start (other kinds: always)."""
    known = kinds.get(kind)
    return known is None or known.measurable(start, target)
