"""The weekly (and mid-quarter) review: what moved in a week, per KR. Pure, over report views."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from okrtui import scoring
from okrtui.views import KRView, ObjectiveView, PeriodReport


@dataclass(frozen=True)
class ReviewRow:
    objective: ObjectiveView
    kr: KRView
    value: float | None
    value_change: float | None
    progress: float
    progress_change: float
    pace: str | None
    confidence: float | None
    confidence_trend: str  # ↑ ↓ → or ""
    stale: bool
    forecast: float | None


@dataclass(frozen=True)
class WeekReview:
    week_start: dt.date
    week_end: dt.date
    as_of: dt.date
    rows: list[ReviewRow]
    counts: dict[str, int]
    mid_quarter: bool


def _upto(kr: KRView, day: dt.date):  # noqa: ANN202
    return [c for c in kr.check_ins if c.date <= day]


def week_review(rep: PeriodReport, week_start: dt.date, today: dt.date, stale_after: int = 7) -> WeekReview:
    """Each KR as of the week's end (or today, within the current week) against the week before."""
    week_end = week_start + dt.timedelta(days=6)
    as_of = min(week_end, today) if week_start <= today else week_end
    before = week_start - dt.timedelta(days=1)
    span = rep.period
    rows: list[ReviewRow] = []
    counts = {"on track": 0, "at risk": 0, "behind": 0, "stale": 0}
    for o in sorted(rep.objectives, key=lambda o: (o.score is None, o.score or 0.0, o.position)):
        if o.status in ("draft", "archived"):
            continue
        for kr in o.key_results:
            now_pts, prev_pts = _upto(kr, as_of), _upto(kr, before)
            spec = kr.spec
            to_points = lambda cs: [scoring.Point(c.date, c.value) for c in cs]  # noqa: E731
            prog_now = scoring.progress(spec, to_points(now_pts))
            prog_prev = scoring.progress(spec, to_points(prev_pts))
            value_now = now_pts[-1].value if now_pts else None
            value_prev = prev_pts[-1].value if prev_pts else None
            pace = None
            if kr.kind in ("increase", "decrease"):
                pace = scoring.pace(spec, prog_now, scoring.expected(span.start, span.end, as_of))
            last = now_pts[-1].date if now_pts else None
            stale = scoring.is_stale(o.status == "active", last, span.start, as_of, stale_after)
            conf_now = now_pts[-1].confidence if now_pts else None
            conf_prev = prev_pts[-1].confidence if prev_pts else None
            trend = ""
            if conf_now is not None and conf_prev is not None:
                trend = "↑" if conf_now > conf_prev else "↓" if conf_now < conf_prev else "→"
            if pace:
                counts[pace] += 1
            if stale:
                counts["stale"] += 1
            rows.append(ReviewRow(
                o, kr, value_now,
                None if value_now is None or value_prev is None else value_now - value_prev,
                prog_now, prog_now - prog_prev, pace, conf_now, trend, stale,
                scoring.forecast(spec, to_points(now_pts), span.start, span.end),
            ))
    half = span.start + (span.end - span.start) / 2
    return WeekReview(week_start, week_end, as_of, rows, counts, week_start <= half <= week_end)
