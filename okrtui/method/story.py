"""A KR's or an objective's story over its period: the lines the detail screen's chart draws.

Pure: no database, no UI. Every number comes from `scoring`, so the chart and the
numbers beside it cannot disagree (the forecast line ends on the forecast shown).
x is days from the period's start; nothing measured after "now" (the as-of day) is drawn.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field

from okrtui.method import kinds, periods, scoring
from okrtui.method.views import KRView, ObjectiveView, fmt_num


@dataclass(frozen=True)
class Line:
    """One series. `marker` is the character it is drawn with: it carries the meaning on a
    terminal without colour, and the legend names it."""

    label: str
    xs: list[float]
    ys: list[float]
    marker: str
    color: str
    points_only: bool = False  # measurements: not joined into a line
    legend_marker: str = ""  # what the legend shows for it, when not the marker itself


@dataclass
class Chart:
    lines: list[Line]
    days: int  # the period's length: x runs 0..days
    now: int | None  # the as-of day, when it falls inside the period
    y_range: tuple[float, float]
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # empty: numbers
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_label: str = ""


def x_ticks(span: periods.Span) -> list[tuple[float, str]]:
    """The first day of each month in the period, plus its last day."""
    return list(_x_ticks(span))


@functools.lru_cache(maxsize=8)
def _x_ticks(span: periods.Span) -> tuple[tuple[float, str], ...]:  # the same for every KR of a period
    ticks: list[tuple[float, str]] = [(0.0, f"{span.start:%b %-d}")]
    day = (span.start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    while day < span.end:
        ticks.append((float((day - span.start).days), f"{day:%b %-d}"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    ticks.append((float((span.end - span.start).days), f"{span.end:%b %-d}"))
    return tuple(ticks)


def _now(span: periods.Span, as_of: dt.date) -> int | None:
    return (as_of - span.start).days if span.start <= as_of <= span.end else None


def y_range(values: list[float], *more: float) -> tuple[float, float]:
    """The values' (and `more`'s) span, padded by 8% (or 10% of a lone value, at least 1)."""
    if values and more:  # min(min(values), *more) and max(...) as one pass over `more`: the same comparisons
        lo, hi = min(values), max(values)
        for m in more:
            if m < lo:
                lo = m
            if m > hi:
                hi = m
    else:
        lo, hi = min(more or values), max(more or values)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
    return lo - pad, hi + pad


NICE_STEPS = (1.0, 2.0, 2.5, 5.0)


def round_ticks(lo: float, hi: float, most: int = 5) -> list[tuple[float, str]]:
    """Y ticks on round steps (1, 2, 2.5 or 5 × 10^n): `97 98 99`, `96 98 100`, never `96.9 98.2`.
    The finest step that puts at most `most` ticks between lo and hi; labelled with as many decimals
    as the step needs. The KR detail's chart and the health chart both label their y axis with it."""
    return list(ticks_of(lo, hi, most))


@functools.lru_cache(maxsize=1024)
def ticks_of(lo: float, hi: float, most: int = 5) -> tuple[tuple[float, str], ...]:
    """`round_ticks` as a tuple, made once per (lo, hi, most): most KRs of a page share a y range
    (a 0 → 100 % scale), so 10,000 charts ask for a few hundred. (-0.0 and 0.0, equal keys, give
    the same ticks: every tick is k × step.) Each power of ten's steps and decimals are made once
    too (`_steps`)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return ()
    exponent = math.floor(math.log10((hi - lo) / most))
    for step, decimals in _steps(exponent):
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        if last - first + 1 <= most:
            if not decimals:  # a whole step: k * step is already whole (and 0.0 for k = 0, never -0.0)
                return tuple([(k * step, "%.0f" % (k * step)) for k in range(first, last + 1)])
            values = [round(k * step, decimals) for k in range(first, last + 1)]
            return tuple([(value, f"{value + 0.0:.{decimals}f}") for value in values])  # + 0.0: never "-0"
    return ()


@functools.lru_cache(maxsize=64)
def _steps(exponent: int) -> tuple[tuple[float, int], ...]:
    """The candidate steps from 10^exponent up, finest first, each with the decimals its labels need."""
    return tuple((m * 10.0 ** e, max(0, -e + (1 if m == 2.5 else 0)))
                 for e in (exponent, exponent + 1) for m in NICE_STEPS)


def forecast_line(spec: scoring.Spec, points: Sequence[scoring.Measured], span: periods.Span,
                  line: tuple[float, float] | None = None) -> tuple[float, float] | None:
    """The least-squares progress line's (progress at the first check-in, progress at the period's
    end), both clamped: its end is exactly `scoring.forecast`. `line`: the fit already made of
    these points (KRView.fit), else it is fitted here."""
    line = line or scoring.fit(spec, points, span.start)
    return None if line is None else _line_ends(line, points, span)


def _line_ends(line: tuple[float, float], points: Sequence[scoring.Measured], span: periods.Span
               ) -> tuple[float, float]:
    slope, intercept = line
    first = float((points[0].date - span.start).days)
    return scoring.clamp(intercept + slope * first), scoring.clamp(intercept + slope * (span.end - span.start).days)


@dataclass(slots=True)
class Series:
    """A KR's chart as numbers, before any line is named: what `kr_chart` draws on the terminal and
    the HTML page (okrtui.method.svg) draws as SVG, so both read one definition. `shape` is the
    kind's chart; `edges` its start and target ("scale") or its band's low and high ("band");
    `forecast` the forecast line's values at xs[0] and the period's end."""

    shape: str
    days: int
    xs: Sequence[float]  # the check-ins up to the as-of day, as days from the period's start (check_in_days)
    ys: list[float]  # their values (0 or 1 for a milestone)
    lo: float
    hi: float
    edges: tuple[float, float] | None = None
    forecast: tuple[float, float] | None = None
    y_ticks: tuple[tuple[float, str], ...] = ()  # shared between KRs (ticks_of): never changed


DONE_TICKS = ((0.0, "not done"), (1.0, "done"))

_date = operator.attrgetter("date")
_value = operator.attrgetter("value")
# By (the period's first day, the check-ins' days): KRs checked in on the same days (a team's weekly
# check-in) share one tuple of x's, which svg.Charts.chart also draws once (its check-ins' polyline's x's).
_XS: dict[tuple[dt.date, tuple[dt.date, ...]], tuple[float, ...]] = {}


def check_in_days(first: dt.date, dates: tuple[dt.date, ...]) -> tuple[float, ...]:
    """The days `dates` fall on, counted from `first` (the chart's x's): made once per (first, dates)
    and shared, so never to be changed."""
    key = (first, dates)
    xs = _XS.get(key)
    if xs is None:
        if len(_XS) >= 4096:
            _XS.clear()
        day0 = first.toordinal()  # ordinals, not dates subtracted: no timedelta per check-in
        xs = _XS[key] = tuple([float(d.toordinal() - day0) for d in dates])
    return xs


def kr_series(kr: KRView, span: periods.Span, as_of: dt.date) -> Series:
    """kr_chart's numbers: check-ins on the KR's own scale, the scale's (or band's) edges in the
    y range, the forecast line for increase/decrease, done / not done for a milestone. 10,000 KRs
    make an HTML page: the KR's own fit is reused, and nothing is copied that need not be."""
    first = span.start
    days = (span.end - first).days
    points = kr.check_ins
    # Oldest first: when the first and last are in the period up to the as-of day, they all are.
    if not points or (points[0].date >= first and points[-1].date <= as_of and points[-1].date <= span.end):
        shown = points
    else:
        last = min(as_of, span.end)
        shown = [c for c in points if first <= c.date <= last]
    dates = tuple(map(_date, shown))
    xs = _XS.get((first, dates)) or check_in_days(first, dates)
    ys = list(map(_value, shown))  # in C: no Python step per check-in
    kind = kinds.REGISTRY.get(kr.kind)
    shape = kind.chart if kind else "points"
    if shape == "scale" and kr.start is not None and kr.target is not None:
        start, target = kr.start, kr.target
        forecast = None
        # The fit compute_kr made of these very points, else one made here (forecast_line's rule).
        line = kr.fit if shown is points and kr.fit is not None else scoring.fit(kr.spec, shown, first)
        if line is not None:  # _line_ends, inline (xs[0] is its first point's day): 10,000 KRs make a page
            slope, intercept = line
            f0 = max(0.0, min(1.0, intercept + slope * xs[0]))  # scoring.clamp
            f1 = max(0.0, min(1.0, intercept + slope * days))
            forecast = (start + f0 * (target - start), start + f1 * (target - start))
        lo, hi = y_range(ys, start, target)
        return Series(shape, days, xs, ys, lo, hi, (start, target), forecast, ticks_of(lo, hi))
    if shape == "band" and kr.low is not None and kr.high is not None:
        lo, hi = y_range(ys, kr.low, kr.high)
        return Series(shape, days, xs, ys, lo, hi, (kr.low, kr.high), None, ticks_of(lo, hi))
    if shape == "done":
        return Series(shape, days, xs, [1.0 if v >= 1 else 0.0 for v in ys], -0.15, 1.15, None, None, DONE_TICKS)
    lo, hi = y_range(ys or [0.0, 1.0])  # a scale or band KR without its numbers: its check-ins only
    return Series("points", days, xs, ys, lo, hi, None, None, ticks_of(lo, hi))


def kr_chart(kr: KRView, span: periods.Span, as_of: dt.date) -> Chart:
    """Check-ins on the KR's own scale; start and target (or the range's band); expected pace and
    forecast for increase/decrease; done / not done for a milestone (the lines of `kr_series`)."""
    s = kr_series(kr, span, as_of)
    days = s.days
    lines: list[Line] = []
    if s.shape == "scale" and s.edges is not None:
        start, target = s.edges
        lines.append(Line(f"start {fmt_num(start)}", [0, days], [start, start], "_", "white"))
        lines.append(Line(f"target {fmt_num(target)}", [0, days], [target, target], "=", "green"))
        # The terminal's own colour: dark blue vanished on black at 16 colours.
        lines.append(Line("expected pace", [0, days], [start, target], "·", "default"))
        if s.forecast is not None:
            lines.append(Line("forecast", [s.xs[0], float(days)], list(s.forecast), "-", "magenta"))
    elif s.shape == "band" and s.edges is not None:
        low, high = s.edges
        lines.append(Line(f"band {fmt_num(low)}..{fmt_num(high)}", [0, days], [high, high], "=", "green"))
        lines.append(Line("", [0, days], [low, low], "=", "green"))  # one legend entry for both
    if s.xs:  # points, not a joined line: each ● is a check-in that happened
        kind = kinds.get(kr.kind)
        label = kind.points_label if kind else "check-ins"
        lines.append(Line(f"{label} ({kr.unit})" if kr.unit else label, list(s.xs), s.ys, "●", "cyan",
                          points_only=True))
    return Chart(lines, days, _now(span, as_of), (s.lo, s.hi), list(s.y_ticks), x_ticks(span), kr.unit)


def progress_at(kr: KRView, day: dt.date) -> float:
    """The KR's progress with the check-ins made up to `day`."""
    return scoring.progress(kr.spec, [c for c in kr.check_ins if c.date <= day])


KR_MARKERS = "123456789"


def objective_chart(obj: ObjectiveView, span: periods.Span, as_of: dt.date) -> Chart:
    """Each KR's progress (0–1) over the period, drawn with its number, and the objective's
    weighted score line: progress day by day, ending on the score shown (self-scores included)."""
    days = (span.end - span.start).days
    last = min(as_of, span.end)
    scored = [kr for kr in obj.key_results if kr.error is None]
    lines: list[Line] = []
    event_days = sorted({c.date for kr in scored for c in kr.check_ins if span.start <= c.date <= last})
    steps = [span.start, *event_days] if span.start <= last else []
    xs = [float((d - span.start).days) for d in steps]
    progress = [[progress_at(kr, d) for d in steps] for kr in scored]  # per KR, per step: computed once
    if steps:  # the score first: the KRs' numbers are drawn over it
        score_ys = [scoring.objective_score((kr.weight, p[j]) for kr, p in zip(scored, progress, strict=True)) or 0.0
                    for j in range(len(steps))]
        score_xs = list(xs)
        if obj.score is not None:  # the line ends on the score shown, self-scores included
            score_xs.append(float((last - span.start).days))
            score_ys.append(obj.score)
        lines.append(Line("objective score", score_xs, score_ys, "█", "green"))
    colours = ["cyan", "yellow", "magenta", "blue", "red"]
    for i, ys in enumerate(progress if steps else []):
        marker = KR_MARKERS[i] if i < len(KR_MARKERS) else "+"
        label = ("key results" if len(scored) > 1 else "key result") if i == 0 else ""  # the list names each
        lines.append(Line(label, xs, ys, marker, colours[i % len(colours)],
                          legend_marker=f"1–{min(len(scored), len(KR_MARKERS))}" if len(scored) > 1 else ""))
    ticks = [(0.0, "0"), (0.3, ".3"), (0.7, ".7"), (1.0, "1")]
    return Chart(lines, days, _now(span, as_of), (-0.05, 1.05), ticks, x_ticks(span), "progress")


def confidence_trend(kr: KRView) -> str:
    """The last confidence and which way it moved since the check-in before: '0.6 ↓ from 0.8'."""
    confs = [c.confidence for c in kr.check_ins if c.confidence is not None]
    if not confs:
        return "–"
    if len(confs) == 1 or abs(confs[-1] - confs[-2]) < 1e-9:
        return f"{confs[-1]:.1f}" + (" steady" if len(confs) > 1 else "")
    arrow = "↑" if confs[-1] > confs[-2] else "↓"
    return f"{confs[-1]:.1f} {arrow} from {confs[-2]:.1f}"
