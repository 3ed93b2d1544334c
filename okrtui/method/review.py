"""The weekly (and mid-quarter) review: what moved in a week, per KR. Pure, over report views."""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from dataclasses import dataclass
from typing import Any

from okrtui.method import kinds, periods, scoring
from okrtui.method.views import (
    CheckInView,
    KRView,
    ObjectiveView,
    PeriodReport,
    fmt_num,
    graded,
    pace_counts,
    points_of,
    stale_from,
)


@dataclass(slots=True)  # not frozen: the objective's grade is filled in once all its rows exist
class ReviewRow:
    objective: ObjectiveView
    kr: KRView
    value: float | None
    value_change: float | None
    progress: float
    progress_before: float | list[CheckInView]  # the week before's progress, or its check-ins (see below)
    pace: str | None
    confidence: float | None
    confidence_trend: str  # ↑ ↓ → or ""
    stale: bool
    forecast: float | None
    objective_grade: float | None  # the objective as it stood on the review's as_of day
    objective_band: str | None
    due: bool = False  # no check-in in the reviewed week (views.is_due, the rule the check-in list uses)

    @property
    def progress_change(self) -> float:
        """The week's change of progress. The week before's progress is computed when first asked
        for (the TUI's review shows it; the HTML page's, 10,000 rows, does not)."""
        before = self.progress_before
        if isinstance(before, list):
            before = self.progress_before = scoring.progress(self.kr.spec, points_of(before))
        return self.progress - before


def milestone(kr: KRView) -> bool:
    """A KR read as done / not done (a milestone), not as a number."""
    kind = kinds.get(kr.kind)
    return kind is not None and kind.chart == "done"


def value_text(kr: KRView, value: float | None) -> str:
    """A review's value in the KR's own words: `done` / `not done` for a milestone, else the number."""
    if value is None:
        return "–"
    if milestone(kr):
        return "done" if value >= 1 else "not done"
    return fmt_num(value)


def change_text(kr: KRView, change: float | None, digits: int = 2) -> str:
    """The week's change: `✓ done` (or `undone`, `same`) for a milestone, never `+1`; else signed."""
    if change is None:
        return "–"
    if milestone(kr):
        return "✓ done" if change > 0 else "undone" if change < 0 else "same"
    if abs(change) < 10 ** -digits / 2:
        return "±0"
    return f"{change:+.{digits}f}".rstrip("0").rstrip(".") if digits else f"{change:+.0f}"


@dataclass(frozen=True)
class WeekReview:
    week_start: dt.date
    week_end: dt.date
    as_of: dt.date
    rows: list[ReviewRow]
    counts: dict[str, int]
    mid_quarter: bool


_date = operator.attrgetter("date")


def _upto(kr: KRView, day: dt.date) -> list[CheckInView]:
    """The KR's check-ins dated up to `day`: the list itself when that is all of them (oldest
    first, so the last one tells), else the slice before the first one after `day`."""
    points = kr.check_ins
    if not points or points[-1].date <= day:
        return points
    return points[:bisect.bisect_right(points, day, key=_date)]


@dataclass(frozen=True, slots=True)
class _Week:
    """What every row of one review shares: its days and the expected progress at its end."""

    as_of: dt.date
    before: dt.date
    span: periods.Span
    stale_after: int
    expected: float
    report_day: bool  # as_of is the report's own day: the KRs' numbers are already computed for it
    monday: dt.date  # as_of's week's Monday: a check-in before it leaves the KR due (views.is_due)


def _row(o: ObjectiveView, kr: KRView, week: _Week, stale_start: dt.date, active: bool) -> ReviewRow:
    as_of = week.as_of
    points = kr.check_ins
    # _upto(kr, as_of) and _upto(kr, week.before), the usual case (no check-in after the day) inline:
    # 10,000 KRs make the HTML page's review.
    if not points:
        now_pts = prev_pts = points
    else:
        last_date = points[-1].date
        now_pts = points if last_date <= as_of else _upto(kr, as_of)
        prev_pts = points if last_date <= week.before else _upto(kr, week.before)
    # Up to the report's own day (the usual review) the KR's numbers are already computed.
    # (kr.spec is made where it is needed: most rows need it once, a row unchanged this week never.)
    current = now_pts is points or len(now_pts) == len(points)
    prog_now = kr.progress if current else scoring.progress(kr.spec, points_of(now_pts))
    prog_prev: float | list[CheckInView] = prog_now if prev_pts is now_pts else prev_pts  # computed if asked
    last_now = now_pts[-1] if now_pts else None
    last_prev = prev_pts[-1] if prev_pts else None
    if current and week.report_day:
        pace = kr.pace
    else:
        pace = scoring.pace(kr.spec, prog_now, week.expected) if kinds.paced(kr.kind) else None
    if last_now is None:
        value_now = conf_now = last = None
    else:
        value_now, conf_now, last = last_now.value, last_now.confidence, last_now.date
    if last_prev is None:
        value_prev = conf_prev = None
    else:
        value_prev, conf_prev = last_prev.value, last_prev.confidence
    stale = scoring.is_stale(active, last, stale_start, as_of, week.stale_after)
    trend = ""
    if conf_now is not None and conf_prev is not None:
        trend = "↑" if conf_now > conf_prev else "↓" if conf_now < conf_prev else "→"
    span = week.span
    return ReviewRow(
        o, kr, value_now,
        None if value_now is None or value_prev is None else value_now - value_prev,
        prog_now, prog_prev, pace, conf_now, trend, stale,
        kr.forecast if current else scoring.forecast(kr.spec, points_of(now_pts), span.start, span.end), None, None,
        active and (last is None or last < week.monday),  # views.is_due(last, as_of)
    )


def week_review(rep: PeriodReport, week_start: dt.date, today: dt.date, stale_after: int = 7) -> WeekReview:
    """Each KR as of the week's end (or today, within the current week) against the week before."""
    week_end = week_start + dt.timedelta(days=6)
    as_of = min(week_end, today) if week_start <= today else week_end
    before = week_start - dt.timedelta(days=1)
    span = rep.period
    week = _Week(as_of, before, span, stale_after, scoring.expected(span.start, span.end, as_of), as_of == rep.as_of,
                 periods.week_of(as_of)[0])
    graded_rows: list[tuple[float | None, int, list[ReviewRow]]] = []
    for o in rep.objectives:
        if not graded(o):  # a proposal in review is not graded: awaiting approval, as a draft
            continue
        scorable = [kr for kr in o.key_results if kr.error is None]
        stale_start = stale_from(span, o.activated_on)
        active = o.status == "active"
        rows = [_row(o, kr, week, stale_start, active) for kr in scorable]
        if week.report_day and all(not kr.check_ins or kr.check_ins[-1].date <= as_of for kr in scorable):
            score, grade, band = o.score, o.grade, o.band  # every row is the KR as computed: so is the objective
        else:
            score = scoring.objective_score((kr.weight, scoring.kr_score(kr.self_score, row.progress))
                                            for kr, row in zip(scorable, rows, strict=True))
            grade = scoring.grade(score)
            band = scoring.band(grade)
        for row in rows:
            row.objective_grade, row.objective_band = grade, band
        graded_rows.append((score, o.position, rows))
    # Worst first, by the numbers of that week, not today's.
    graded_rows.sort(key=_worst_first)
    ordered = [row for _, _, rows in graded_rows for row in rows]
    counts = dict(pace_counts(ordered))
    return WeekReview(week_start, week_end, as_of, ordered, counts, mid_quarter(span, week_start))


def _worst_first(g: tuple[Any, ...]) -> tuple[bool, float, int]:
    """The review's order of objectives: by their score that week, lowest first (none last), then position."""
    return g[0] is None, g[0] or 0.0, g[1]


def mid_quarter(span: periods.Span, week_start: dt.date) -> bool:
    """Whether the week starting on `week_start` holds the period's middle (the mid-quarter review)."""
    half = span.start + (span.end - span.start) / 2
    return week_start <= half <= week_start + dt.timedelta(days=6)


# A review's row as the HTML page shows it: (objective, KR, value, value_change, pace, confidence,
# confidence_trend, stale), ReviewRow's fields of those names.
ShownRow = tuple[ObjectiveView, KRView, float | None, float | None, str | None, float | None, str, bool]


def report_day_rows(rep: PeriodReport, stale_after: int = 7) -> list[ShownRow] | None:
    """The rows of `week_review(rep, Monday of rep.as_of, rep.as_of, stale_after)` as `ShownRow`s,
    in its order, read straight from the KRs' own numbers: when no KR has a check-in after the report's
    day, each KR's pace and each objective's score are already that day's (week_review's shortcut),
    and what is left per row is its last check-in and the week before's. The HTML page shows 10,000
    rows: no ReviewRow each, nor the progress, forecast and due the page does not show. None when a
    check-in after the day is in the views (then use week_review). tests/method/test_review.py
    compares them with week_review's rows."""
    as_of = rep.as_of
    before = periods.week_of(as_of)[0] - dt.timedelta(days=1)
    stale_before = as_of - dt.timedelta(days=stale_after)  # scoring.is_stale: (as_of - last).days > stale_after
    span = rep.period
    graded_rows = [(o.score, o.position, o, [kr for kr in o.key_results if kr.error is None])
                   for o in rep.objectives if graded(o)]
    graded_rows.sort(key=_worst_first)
    out: list[ShownRow] = []
    add = out.append
    for _, _, o, scorable in graded_rows:
        active = o.status == "active"
        unchecked_stale = active and stale_from(span, o.activated_on) < stale_before
        for kr in scorable:
            points = kr.check_ins
            if not points:
                add((o, kr, None, None, kr.pace, None, "", unchecked_stale))
                continue
            last = points[-1]
            if last.date > as_of:  # the views hold a later check-in: no KR's numbers are that day's
                return None
            prev: CheckInView | None = last
            if last.date > before:  # checked in this week: the week before's last one
                if len(points) > 1 and points[-2].date <= before:
                    prev = points[-2]  # the usual week: one check-in in it
                else:
                    i = bisect.bisect_right(points, before, key=_date)
                    prev = points[i - 1] if i else None
            value, conf = last.value, last.confidence
            trend = ""
            if prev is None:
                change = None
            else:
                change = None if value is None or prev.value is None else value - prev.value
                conf_prev = prev.confidence
                if conf is not None and conf_prev is not None:
                    trend = "↑" if conf > conf_prev else "↓" if conf < conf_prev else "→"
            add((o, kr, value, change, kr.pace, conf, trend, active and last.date < stale_before))
    return out
