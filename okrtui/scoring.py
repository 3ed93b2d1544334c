"""The method's numbers (okr-method.md): progress, score, grade, band, pace, forecast, stale.

Pure functions over plain values: no database, no UI.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

# Float noise must not flip a pace boundary (0.6 - 0.1 is 0.49999999999999994).
EPS = 1e-9


class Measured(Protocol):
    """What scoring reads of a check-in: a Point, or the views' CheckInView as it is (no copies)."""

    @property
    def date(self) -> dt.date: ...

    @property
    def value(self) -> float: ...


@dataclass(frozen=True)
class Point:
    """One check-in as scoring sees it."""

    date: dt.date
    value: float
    order: str = ""  # creation time: breaks ties between check-ins of one day


@dataclass(frozen=True)
class Spec:
    """What a KR is: its kind and the fields of that kind."""

    kind: str
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None


def clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


def current(spec: Spec, points: Sequence[Measured]) -> float | None:
    """Latest value in the period; with no check-in, the start (None for kinds without one)."""
    if points:
        return points[-1].value
    return spec.start


def value_progress(spec: Spec, value: float | None) -> float:
    """Progress an increase/decrease KR would have at this value."""
    start, target = spec.start, spec.target
    if value is None or start is None or target is None or target == start:
        return 0.0
    if spec.kind == "increase":
        return clamp((value - start) / (target - start))
    if spec.kind == "decrease":
        return clamp((start - value) / (start - target))
    raise ValueError(f"value_progress is for increase/decrease, not {spec.kind}")


def progress(spec: Spec, points: Sequence[Measured]) -> float:
    """Progress in [0, 1] from the period's check-ins (oldest first)."""
    kind = spec.kind
    if kind in ("increase", "decrease"):
        return value_progress(spec, current(spec, points))
    if kind == "range":
        if not points or spec.low is None or spec.high is None:
            return 0.0
        inside = sum(1 for p in points if spec.low <= p.value <= spec.high)
        return inside / len(points)
    if kind == "baseline":
        return 1.0 if points else 0.0
    if kind == "milestone":
        return 1.0 if points and points[-1].value >= 1 else 0.0
    raise ValueError(f"unknown KR kind {kind!r}")


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
    if spec.kind not in ("increase", "decrease"):
        return None
    if prog + EPS >= exp - 0.10:
        return "on track"
    if prog + EPS >= exp - 0.25:
        return "at risk"
    return "behind"


def forecast(spec: Spec, points: Sequence[Measured], start: dt.date, end: dt.date) -> float | None:
    """Least-squares line through (day, progress), read at the period's end, clamped."""
    if spec.kind not in ("increase", "decrease"):
        return None
    xs = [float((p.date - start).days) for p in points]
    if len(set(xs)) < 2:
        return None
    ys = [value_progress(spec, p.value) for p in points]
    slope, intercept = statistics.linear_regression(xs, ys)
    return clamp(intercept + slope * (end - start).days)


def is_stale(
    active: bool, last: dt.date | None, period_start: dt.date, day: dt.date, after_days: int = 7
) -> bool:
    if not active:
        return False
    since = last if last is not None else period_start
    return (day - since).days > after_days


def measurable(kind: str, start: float | None, target: float | None) -> bool:
    """An increase/decrease KR whose target lies on the right side of its start."""
    if kind == "increase":
        return start is not None and target is not None and target > start
    if kind == "decrease":
        return start is not None and target is not None and target < start
    return True
