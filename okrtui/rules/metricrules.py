"""What recording a health metric's measurement checks and answers, without a database.

Both write paths use it, as check-ins share okrtui.rules.checkinrules: okrtui.cycle.metrics through the
ORM (the TUI, PostgreSQL, a database to create or migrate) and okrtui.storage.sqlite.quickwrite through sqlite3
(`okrtui metric record` on a SQLite file), so a rule, a message or the summary line is written once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from okrtui.core.errors import OkrError
from okrtui.core.text import fmt_num, plain
from okrtui.method.health import Health
from okrtui.method.views import answers
from okrtui.rules import fieldrules

PREFIX_MIN = 4
PREFIX_SHOWN = 10  # an ambiguous prefix names this many metrics (the query asks for one more)


@dataclass(frozen=True)
class Measured:
    measurement_id: str
    metric_id: str
    name: str
    unit: str
    value: float
    date: dt.date
    health: Health
    replaced: bool
    implausible: str | None
    before: float | None = None  # the value a same-day replacement replaced, when it changed

    def summary(self) -> str:
        verb = f"replaced the {self.date} measurement of" if self.replaced else "measured"
        unit = f" {plain(self.unit)}" if self.unit else ""
        was = f" (was {fmt_num(self.before)}{unit})" if self.before is not None else ""
        streak = self.health.streak_text()
        return (f"{verb} {self.metric_id} ({plain(self.name)}): {fmt_num(self.value)}{unit}{was} on {self.date} → "
                f"{self.health.label()}{f' ({streak})' if streak else ''}")


def check_measurement(value: Any, note: Any) -> tuple[float, str]:
    field = "value"
    try:
        checked = fieldrules.number(value)
        field = "note"
        return checked, fieldrules.text(note)
    except fieldrules.Problem as err:
        raise fieldrules.Invalid(field, err.message) from None


def sees(visibility: str, origin: str, me: str) -> bool:
    """A private metric is its maker's alone (PostgreSQL's row-level security says the same)."""
    return visibility != "private" or origin in ("", me)


def deleted(ref: str) -> OkrError:
    return OkrError(f"metric {ref!r} was deleted")


def too_short(ref: str) -> OkrError:
    return OkrError(f"no metric with id {ref!r} (a prefix needs at least {PREFIX_MIN} characters)")


def not_found(ref: str) -> OkrError:
    return OkrError(f"no metric matches {ref!r} (okrtui metric list shows them)")


def ambiguous(ref: str, found: list[tuple[str, str]]) -> OkrError:
    """`found`: (id, name) of the visible live metrics whose ids start with `ref`, by id."""
    shown = ", ".join(f"{mid} ({plain(name[:30])})" for mid, name in found[:PREFIX_SHOWN])
    return OkrError(f"{ref!r} is ambiguous: {shown}{' …' if len(found) > PREFIX_SHOWN else ''}")


def check_writer(metric_id: str, name: str, owner_id: str | None, origin: str, me: str, answerer: str) -> None:
    """Only who answers for a metric measures it (`answerer`: their name)."""
    if origin and not answers(owner_id, origin, me):
        role = "its owner" if owner_id else "who made it, no owner named"
        raise OkrError(f"{metric_id} ({plain(name[:60])}): {plain(answerer)} answers for it ({role}); "
                       "only they can measure it")


def check_day(metric_id: str, since: dt.date, archived_on: dt.date | None, day: dt.date, today: dt.date) -> None:
    if day > today:
        raise OkrError(f"date {day} is after today ({today}): a measurement is of what was")
    if day < since:
        raise OkrError(f"date {day} is before {metric_id} was tracked ({since})")
    if archived_on is not None and day > archived_on:
        raise OkrError(f"date {day} is after {metric_id} was archived ({archived_on})")
