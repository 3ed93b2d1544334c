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
    out: list[float | None] = []
    for start, end in windows_back(cadence, day, count, fy_start_month):
        last = _latest(points, end)
        out.append(last.value if last is not None and last.date >= start else None)
    return out


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
MEASUREMENTS_SQL = ("SELECT metric_id, date, value FROM measurement WHERE NOT deleted AND date <= :day "
                    "ORDER BY metric_id, date, created_at, id")
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
    points: tuple[Point, ...]
    health: Health
    spark: tuple[float | None, ...]
    improved_by: tuple[str, ...] = ()  # objectives and KRs that name it (`--improves`)

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
    then due, no data, healthy; by name within each."""
    names, rows = run(METRICS_SQL, {"me": me})
    metrics = [dict(zip(names, row, strict=True)) for row in rows]
    if not archived:
        metrics = [m for m in metrics if m["archived_on"] is None]
    pts: dict[str, list[Point]] = {m["id"]: [] for m in metrics}
    _, rows = run(MEASUREMENTS_SQL, {"day": day})
    for mid, d, v in rows:
        into = pts.get(mid)
        if into is not None:
            into.append(Point(_date(d), float(v)))
    _, rows = run(PEOPLE_SQL, {})
    people = {pid: name or pid for pid, name in rows}
    improvers: dict[str, list[str]] = {}
    _, rows = run(IMPROVERS_SQL, {})
    for target, rid in rows:
        improvers.setdefault(target, []).append(rid)
    views = [_view(m, pts[m["id"]], day, people, fy_start_month, improvers.get(m["id"], ())) for m in metrics]
    return sorted(views, key=lambda v: (v.health.rank, v.name.casefold(), v.id))


def _view(m: dict[str, Any], pts: Sequence[Point], day: dt.date, people: dict[str, str], fy: int,
          improved_by: Iterable[str]) -> MetricView:
    expect = Expectation(m["low"], m["high"])
    answers_id = m["owner_id"] or m["origin"]
    return MetricView(
        m["id"], m["name"], m["unit"], m["description"], people.get(answers_id, answers_id), answers_id, m["origin"],
        m["team_id"], m["cadence"], expect, m["visibility"], _date(m["since"]),
        None if m["archived_on"] is None else _date(m["archived_on"]), tuple(pts),
        health(expect, m["cadence"], pts, day, fy), tuple(spark(m["cadence"], pts, day, fy_start_month=fy)),
        tuple(improved_by))


def mine(views: Iterable[MetricView], me: str) -> list[MetricView]:
    """The metrics `me` answers for: its named owner, else its maker."""
    return [v for v in views if v.answers_id == me]


def needs_you(views: Iterable[MetricView], me: str) -> list[MetricView]:
    """Yours that are unhealthy or due: `metric list` exits 1 on them."""
    return [v for v in mine(views, me) if v.health.state is State.UNHEALTHY or v.health.due]
