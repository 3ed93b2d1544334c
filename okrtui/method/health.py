"""Health metrics' one status rule (okr-method.md "health status"). Pure: no database, no UI.

A metric is healthy while its latest measurement meets its expectation (or it has none), unhealthy
when it does not, and has no data before its first measurement. It is also due when nothing was
measured in the day's cadence window: the week (Monday up to the day), the calendar month, or the
quarter holding the day (of the fiscal year, as the OKRs' quarters).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby
from operator import itemgetter
from typing import Any

from okrtui.core.text import fmt_num
from okrtui.method import periods


class Cadence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class State(StrEnum):
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    NO_DATA = "no data"


CADENCES = tuple(c.value for c in Cadence)
UNIT_NAME = {Cadence.WEEKLY: "week", Cadence.MONTHLY: "month", Cadence.QUARTERLY: "quarter"}
# The mark each state shows with, readable without colour (the TUI colours it too).
MARKS = {State.HEALTHY: "✓", State.UNHEALTHY: "✗", State.NO_DATA: "·"}
DUE_MARK = "!"
SPARK_WINDOWS = 12  # the Health screen's sparkline: the last 12 cadence windows


@dataclass(frozen=True)
class Expectation:
    """At least `low`, at most `high`, between both, or neither (tracked only)."""

    low: float | None = None
    high: float | None = None

    def met(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    @property
    def kind(self) -> str:
        if self.low is not None and self.high is not None:
            return "between"
        if self.low is not None:
            return "at_least"
        if self.high is not None:
            return "at_most"
        return "none"

    def describe(self, unit: str = "") -> str:
        u = f" {unit}" if unit else ""
        if self.low is not None and self.high is not None:
            return f"{fmt_num(self.low)}–{fmt_num(self.high)}{u}"
        if self.low is not None:
            return f"≥ {fmt_num(self.low)}{u}"
        if self.high is not None:
            return f"≤ {fmt_num(self.high)}{u}"
        return "tracked"


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: float


@dataclass(frozen=True)
class Health:
    state: State
    due: bool
    latest: Point | None
    streak: int  # windows in a row (the day's included) that ended in this state; 0 with no data
    cadence: Cadence

    @property
    def mark(self) -> str:
        return MARKS[self.state] + (DUE_MARK if self.due else " ")

    def label(self) -> str:
        return f"{self.state.value}{', due' if self.due else ''}"

    def streak_span(self) -> str:
        """`3 weeks`: how long the status has held ("" with no data)."""
        if self.state is State.NO_DATA:
            return ""
        return f"{self.streak} {UNIT_NAME[self.cadence]}{'' if self.streak == 1 else 's'}"

    def streak_text(self) -> str:
        """`unhealthy for 3 weeks`."""
        return f"{self.state.value} for {self.streak_span()}" if self.state is not State.NO_DATA else ""

    @property
    def rank(self) -> int:
        """The lists' order: unhealthy first, then due, then no data, then healthy."""
        if self.state is State.UNHEALTHY:
            return 0
        if self.due:
            return 1
        return 2 if self.state is State.NO_DATA else 3


def window(cadence: str, day: dt.date, fy_start_month: int = 1) -> tuple[dt.date, dt.date]:
    """The first and last day of the cadence window holding `day` (the whole window, past day too)."""
    if cadence == Cadence.WEEKLY:
        return periods.week_of(day)
    if cadence == Cadence.MONTHLY:
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    if cadence == Cadence.QUARTERLY:
        span = periods.quarter_of(day, fy_start_month)
        return span.start, span.end
    raise ValueError(f"unknown cadence {cadence!r} (expected one of {', '.join(CADENCES)})")


def windows_back(cadence: str, day: dt.date, count: int, fy_start_month: int = 1) -> list[tuple[dt.date, dt.date]]:
    """The `count` windows up to the one holding `day`, oldest first; the last one ends at `day`."""
    out: list[tuple[dt.date, dt.date]] = []
    end = day
    for _ in range(count):
        start, _last = window(cadence, end, fy_start_month)
        out.append((start, end))
        end = start - dt.timedelta(days=1)
    return out[::-1]


def _latest(points: Sequence[Point], day: dt.date) -> Point | None:
    """The last point dated on or before `day` (points are oldest first)."""
    at = bisect.bisect_right(points, day, key=_day)
    return points[at - 1] if at else None


def _day(p: Point) -> dt.date:
    return p.date


def state_of(expect: Expectation, latest: Point | None) -> State:
    if latest is None:
        return State.NO_DATA
    return State.HEALTHY if expect.met(latest.value) else State.UNHEALTHY


def health(expect: Expectation, cadence: str, points: Sequence[Point], day: dt.date,
           fy_start_month: int = 1) -> Health:
    """The status as of `day` from the measurements `points` (oldest first: by date, then as made;
    the later of two on one day wins). Points after `day` are never read."""
    cad = Cadence(cadence)
    latest = _latest(points, day)
    state = state_of(expect, latest)
    start, _ = window(cad, day, fy_start_month)
    due = latest is None or latest.date < start
    streak = 0
    if latest is not None:
        end = day
        while True:
            at = _latest(points, end)
            if at is None or state_of(expect, at) is not state:
                break
            streak += 1
            end = window(cad, end, fy_start_month)[0] - dt.timedelta(days=1)
    return Health(state, due, latest, streak, cad)


def spark(cadence: str, points: Sequence[Point], day: dt.date, count: int = SPARK_WINDOWS,
          fy_start_month: int = 1) -> list[float | None]:
    """The last measurement of each of the last `count` windows up to `day` (None: none in it)."""
    return _spark(windows_back(cadence, day, count, fy_start_month), points)


def _spark(windows: Sequence[tuple[dt.date, dt.date]], points: Sequence[Point]) -> list[float | None]:
    """One walk back through both (oldest first): each window's value is the last point on or before its end."""
    out: list[float | None] = []
    at = len(points) - 1
    for start, end in reversed(windows):
        while at >= 0 and points[at].date > end:
            at -= 1
        out.append(points[at].value if at >= 0 and points[at].date >= start else None)
    return out[::-1]


def window_index(cadence: str, day: dt.date, fy_start_month: int = 1) -> int:
    """The number of the cadence window holding `day`, counted from an arbitrary start: two days share
    a window when they share its number, and the window after has the number after."""
    if cadence == Cadence.WEEKLY:
        return (day.toordinal() - 1) // 7  # day 1 (0001-01-01) is a Monday
    months = day.year * 12 + day.month - 1
    if cadence == Cadence.MONTHLY:
        return months
    if cadence == Cadence.QUARTERLY:
        return (months - (fy_start_month - 1)) // 3  # as periods.quarter_of
    raise ValueError(f"unknown cadence {cadence!r} (expected one of {', '.join(CADENCES)})")


# --- the typo guard: allowed, but asked about (as a check-in's, okrtui.rules.fieldrules.implausible) ---

def implausible(expect: Expectation, earlier: Sequence[float], value: float) -> str | None:
    """Why a measurement looks like a typo, or None: more than one span of the values the metric
    lives on (its expectation's bounds and earlier measurements) beyond them."""
    known = [v for v in (expect.low, expect.high, *earlier) if v is not None]
    if not known:
        return None
    lo, hi = min(known), max(known)
    if value < 0 <= lo:
        return f"{value:g} is negative, and this metric's values ({lo:g} to {hi:g}) never were"
    span = (hi - lo) or max(abs(hi), 1.0)
    if value > hi + span or value < lo - span:
        return (f"{value:g} is far outside this metric's values ({lo:g} to {hi:g}, a span of {span:g}): "
                "a digit too many or too few?")
    return None


# --- the one read of every metric a person sees, for both read paths (as okrtui.storage.reads) ----------

METRIC_COLUMNS = ("id", "name", "unit", "description", "owner_id", "origin", "team_id", "cadence", "low", "high",
                  "visibility", "since", "archived_on")
# A private metric is its maker's alone; archived ones are read only when asked (--archived, history).
METRICS_SQL = (f"SELECT {', '.join(METRIC_COLUMNS)} FROM metric WHERE NOT deleted "
               "AND (visibility = 'shared' OR origin = :me OR origin = '') ORDER BY id")
# Per metric, over all its measurements up to the day: how many, the least and greatest value, the first day.
# "OR deleted" (false where NOT deleted holds) keeps SQLite off the date index, which would pick every
# row one by one in date order; it walks the metric_id index instead. PostgreSQL reads it as written.
SUMMARY_SQL = ("SELECT metric_id, COUNT(*), MIN(value), MAX(value), MIN(date) FROM measurement "
               "WHERE NOT deleted AND (date <= :day OR deleted) GROUP BY metric_id")
# The measurements of each metric's last 12 windows (by the date index: the rows of the last weeks or
# months only, whatever the history's length), in order.
RECENT_SQL = ("SELECT x.metric_id, x.date, x.value FROM measurement x JOIN metric m ON m.id = x.metric_id "
              "WHERE NOT x.deleted AND x.date >= :since AND x.date <= :day AND x.date >= CASE m.cadence "
              "WHEN 'weekly' THEN :weekly WHEN 'monthly' THEN :monthly ELSE :quarterly END "
              "ORDER BY x.metric_id, x.date, x.created_at, x.id")
# Every measurement up to the day of the metrics named :m0, :m1, …: those whose last windows do not say
# enough (a streak longer than them, fewer than five measurements in them).
HISTORY_SQL = ("SELECT metric_id, date, value FROM measurement WHERE NOT deleted AND (date <= :day OR deleted) "
               "AND metric_id IN ({names}) ORDER BY metric_id, date, created_at, id")
PEOPLE_SQL = "SELECT id, name FROM person ORDER BY id"
IMPROVERS_SQL = ("SELECT improves_id, id FROM objective WHERE improves_id IS NOT NULL AND NOT deleted "
                 "UNION ALL SELECT improves_id, id FROM key_result WHERE improves_id IS NOT NULL AND NOT deleted "
                 "ORDER BY 1, 2")

Run = Callable[[str, dict[str, Any]], tuple[Sequence[str], Iterable[Sequence[Any]]]]


@dataclass(frozen=True)
class MetricView:
    """A metric as lists, reports and the Health screen show it, as of a day."""

    id: str
    name: str
    unit: str
    description: str
    owner: str  # who answers for it (measures it), by name
    answers_id: str
    origin: str
    team_id: str | None
    cadence: str
    expect: Expectation
    visibility: str
    since: dt.date
    archived_on: dt.date | None
    points: tuple[Point, ...]  # up to the day: those of the last 12 windows, and at least the last five
    health: Health
    spark: tuple[float | None, ...]
    improved_by: tuple[str, ...] = ()  # objectives and KRs that name it (`--improves`)
    value_range: tuple[float, float] | None = None  # the least and greatest of all its values up to the day

    def known_values(self) -> list[float]:
        """What the typo guard weighs a new value against: the span of every value up to the day."""
        return list(self.value_range) if self.value_range is not None else [p.value for p in self.points]

    @property
    def expectation_text(self) -> str:
        return self.expect.describe(self.unit)

    @property
    def latest_text(self) -> str:
        latest = self.health.latest
        if latest is None:
            return "–"
        return f"{fmt_num(latest.value)}{f' {self.unit}' if self.unit else ''} ({latest.date})"


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def read(run: Run, day: dt.date, me: str, fy_start_month: int = 1, *, archived: bool = False) -> list[MetricView]:
    """Every live metric `me` sees, with its measurements up to `day`: unhealthy first (Health.rank),
    then due, no data, healthy; by name within each.

    No object is made per measurement: a metric's status needs its latest one, its sparkline and
    chart only the last 12 windows, its streak only back to the last window that ended in another
    status (`summary`), and the typo guard the least and greatest value. So one grouped query counts
    them, one reads the last 12 windows' measurements, and one reads the whole history of the metrics
    whose windows do not say enough. What `health()` and `spark()` say from all the points is what this
    says (tests/method/test_health_read.py compares them on random histories)."""
    names, rows = run(METRICS_SQL, {"me": me})
    metrics = [dict(zip(names, row, strict=True)) for row in rows]
    if not archived:
        metrics = [m for m in metrics if m["archived_on"] is None]
    wanted = {m["id"]: m for m in metrics}
    found: dict[str, Summary] = {}
    recent_from = {c: windows_back(c, day, SPARK_WINDOWS, fy_start_month)[0][0] for c in CADENCES}
    _, rows = run(SUMMARY_SQL, {"day": day})
    totals = {mid: (n, lo, hi, first) for mid, n, lo, hi, first in rows if mid in wanted}
    if totals:
        since = min(recent_from[wanted[mid]["cadence"]] for mid in totals)
        _, rows = run(RECENT_SQL, {"day": day, "since": since, "weekly": recent_from[Cadence.WEEKLY],
                                   "monthly": recent_from[Cadence.MONTHLY],
                                   "quarterly": recent_from[Cadence.QUARTERLY]})
        for mid, group in groupby(rows, key=itemgetter(0)):
            m = wanted.get(mid)
            if m is not None:
                _, dates, values = zip(*group, strict=True)
                made = summary(Expectation(m["low"], m["high"]), m["cadence"], dates, values,
                               recent_from[m["cadence"]], fy_start_month, totals[mid])
                if made is not None:
                    found[mid] = made
    short = sorted(mid for mid in totals if mid not in found)
    if short:
        ids = {f"m{i}": mid for i, mid in enumerate(short)}
        _, rows = run(HISTORY_SQL.format(names=", ".join(f":{k}" for k in ids)), {"day": day, **ids})
        for mid, group in groupby(rows, key=itemgetter(0)):
            m = wanted[mid]
            _, dates, values = zip(*group, strict=True)
            made = summary(Expectation(m["low"], m["high"]), m["cadence"], dates, values, recent_from[m["cadence"]],
                           fy_start_month)
            assert made is not None  # the whole history says all there is
            found[mid] = made
    _, rows = run(PEOPLE_SQL, {})
    people = {pid: name or pid for pid, name in rows}
    improvers: dict[str, list[str]] = {}
    _, rows = run(IMPROVERS_SQL, {})
    for target, rid in rows:
        improvers.setdefault(target, []).append(rid)
    windows = {c: windows_back(c, day, SPARK_WINDOWS, fy_start_month) for c in CADENCES}
    views = [_view(m, found.get(m["id"]), day, people, fy_start_month, improvers.get(m["id"], ()), windows)
             for m in metrics]
    return sorted(views, key=lambda v: (v.health.rank, v.name.casefold(), v.id))


HISTORY_KEPT = 5  # the measurement form lists the last five


@dataclass(frozen=True)
class Summary:
    """What a metric's status, streak, sparkline and forms need from all its measurements up to a day."""

    recent: tuple[Point, ...]  # those of the last 12 windows, and at least the last HISTORY_KEPT
    streak_from: dt.date  # the day of the measurement after the last window that ended in another status
    low: float  # the least and the greatest value (the typo guard's span)
    high: float


Totals = tuple[int, Any, Any, Any]  # SUMMARY_SQL's count, least and greatest value and first day


def summary(expect: Expectation, cadence: str, dates: Sequence[Any], values: Sequence[Any],
            recent_from: dt.date, fy_start_month: int = 1, totals: Totals | None = None) -> Summary | None:
    """`dates` (dt.date, or ISO text as SQLite returns it) and `values`: one metric's measurements up to
    the day, oldest first (by date, then as made); only a day's last one counts for that day. Either
    all of them, or (given `totals`, over all of them) the latest ones only: then None when those do not
    say enough (fewer than HISTORY_KEPT, or a streak that began before them)."""
    iso = isinstance(dates[0], str)
    last = len(values) - 1
    partial = totals is not None and totals[0] > len(values)
    if partial and len(values) < HISTORY_KEPT:
        return None
    start: int | None = 0
    if expect.low is not None or expect.high is not None:  # tracked only: every measurement is healthy
        now = expect.met(values[last])
        start = None if partial else 0
        for i in range(last - 1, -1, -1):
            # The last measurement of another status that was the last of its window: that window ended
            # in another status (one followed by a later one in its own window ended none).
            if expect.met(values[i]) is not now and (window_index(cadence, _date(dates[i]), fy_start_month)
                                                     != window_index(cadence, _date(dates[i + 1]), fy_start_month)):
                start = i + 1
                break
        if start is None:
            return None  # the streak began before these
    assert start is not None
    cut = bisect.bisect_left(dates, recent_from.isoformat() if iso else recent_from)
    cut = min(cut, max(0, last + 1 - HISTORY_KEPT))
    recent = tuple(Point(_date(dates[i]), float(values[i])) for i in range(cut, last + 1))
    if totals is not None and partial:
        first = totals[3] if expect.low is None and expect.high is None else dates[start]
        return Summary(recent, _date(first), float(totals[1]), float(totals[2]))
    return Summary(recent, _date(dates[start]), float(min(values)), float(max(values)))


def health_of(expect: Expectation, cadence: str, found: Summary | None, day: dt.date,
              fy_start_month: int = 1) -> Health:
    """`health()`, from a metric's Summary (None: no measurement yet)."""
    cad = Cadence(cadence)
    if found is None:
        return Health(State.NO_DATA, True, None, 0, cad)
    latest = found.recent[-1]
    state = state_of(expect, latest)
    due = latest.date < window(cad, day, fy_start_month)[0]
    # The windows whose last day is on or after streak_from ended in this status; the one before did not.
    streak = window_index(cad, day, fy_start_month) - window_index(cad, found.streak_from, fy_start_month) + 1
    return Health(state, due, latest, streak, cad)


def _view(m: dict[str, Any], found: Summary | None, day: dt.date, people: dict[str, str], fy: int,
          improved_by: Iterable[str], windows: dict[str, list[tuple[dt.date, dt.date]]]) -> MetricView:
    expect = Expectation(m["low"], m["high"])
    answers_id = m["owner_id"] or m["origin"]
    pts = found.recent if found is not None else ()
    return MetricView(
        m["id"], m["name"], m["unit"], m["description"], people.get(answers_id, answers_id), answers_id, m["origin"],
        m["team_id"], m["cadence"], expect, m["visibility"], _date(m["since"]),
        None if m["archived_on"] is None else _date(m["archived_on"]), pts,
        health_of(expect, m["cadence"], found, day, fy), tuple(_spark(windows[m["cadence"]], pts)),
        tuple(improved_by), None if found is None else (found.low, found.high))


def mine(views: Iterable[MetricView], me: str) -> list[MetricView]:
    """The metrics `me` answers for: its named owner, else its maker."""
    return [v for v in views if v.answers_id == me]


def needs_you(views: Iterable[MetricView], me: str) -> list[MetricView]:
    """Yours that are unhealthy or due: `metric list` exits 1 on them."""
    return [v for v in mine(views, me) if v.health.state is State.UNHEALTHY or v.health.due]
