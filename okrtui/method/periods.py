"""Quarters, fiscal years and custom periods. Pure: no database.

A fiscal year starting in month M is labelled by the calendar year it starts in:
with M = 4, 2026-Q1 is 2026-04-01 .. 2026-06-30 and 2026-Q4 is 2027-01-01 .. 2027-03-31.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Span:
    start: dt.date
    end: dt.date
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _months_after(first: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `first`, itself a first day (dateutil's relativedelta did
    this: 3 ms of importing, before the TUI's first frame, for arithmetic on firsts of months)."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)  # ValueError outside years 1–9999, as relativedelta's


def is_quarter_label(label: str) -> bool:
    return QUARTER_RE.match(label) is not None


def quarter(label: str, fy_start_month: int = 1) -> Span:
    match = QUARTER_RE.match(label)
    if match is None:
        raise ValueError(f"not a quarter label: {label!r} (expected YYYY-Qn)")
    year, q = int(match.group(1)), int(match.group(2))
    start = _months_after(dt.date(year, fy_start_month, 1), 3 * (q - 1))
    end = _months_after(start, 3) - dt.timedelta(days=1)
    return Span(start, end, label)


def quarter_of(day: dt.date, fy_start_month: int = 1) -> Span:
    months = (day.year * 12 + day.month - 1) - (fy_start_month - 1)
    fy, offset = divmod(months, 12)
    return quarter(f"{fy:04d}-Q{offset // 3 + 1}", fy_start_month)


def shift(label: str, steps: int, fy_start_month: int = 1) -> Span:
    """The quarter `steps` quarters after (or before, if negative) this one."""
    span = quarter(label, fy_start_month)
    return quarter_of(_months_after(span.start, 3 * steps), fy_start_month)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str) -> dt.date:
    """Strict YYYY-MM-DD."""
    if not _DATE.fullmatch(text or ""):
        raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}")
    return dt.date.fromisoformat(text)


AHEAD_ON_SYNC = dt.timedelta(days=1)  # a teammate's time zone may be a day ahead of yours


def after_today(day: dt.date, today: dt.date, ahead: dt.timedelta = dt.timedelta(0)) -> str | None:
    """Why `day` may not be recorded (docs/method.md, "No future dates"), or None. Local writes
    allow nothing after today; a teammate's record on sync is allowed AHEAD_ON_SYNC."""
    if day <= today + ahead:
        return None
    if ahead:
        return f"dated {day}, more than {ahead.days} day after today ({today})"
    return f"{day} is after today ({today})"


@functools.lru_cache(maxsize=64)  # asked once per KR by the weekly review's due rule (views.is_due)
def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday .. Sunday of the ISO week holding day."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def resolve(label: str | None, today: dt.date, fy_start_month: int,
            stored: Callable[[str], tuple[dt.date, dt.date] | None]) -> Span | None:
    """The one period resolver: None is the quarter of today, a YYYY-Qn label a quarter, any other
    label a custom period looked up by `stored` (its start and end); None when there is none."""
    if label is None:
        return quarter_of(today, fy_start_month)
    if is_quarter_label(label):
        return quarter(label, fy_start_month)
    found = stored(label)
    return None if found is None else Span(found[0], found[1], label)
