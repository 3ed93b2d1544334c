"""What recording a check-in checks and answers, without a database.

Both write paths use it: okrtui.cycle.checkins through the ORM (the TUI, --fix, --delete, PostgreSQL)
and okrtui.storage.sqlite.quickwrite through sqlite3 (`okrtui checkin` on a SQLite file), so a rule, a
message or the summary line is written once.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from okrtui.core.errors import OkrError
from okrtui.core.text import plain
from okrtui.method import owners, periods, scoring
from okrtui.method.kinds import Scaled
from okrtui.method.views import answers, fmt_grade, fmt_num, fmt_progress
from okrtui.rules import fieldrules


@dataclass(frozen=True)
class Saved:
    check_in_id: str
    kr_id: str
    title: str
    value: float
    progress: float
    grade: float | None
    band: str | None
    implausible: str | None = None  # why the value looks like a typo (it was stored all the same)
    replaced: bool = False          # it replaced the same day's check-in
    date: dt.date | None = None
    confidence: float | None = None
    action: str = ""                # "fixed" or "deleted" (--fix / --delete); "" for a new one
    before: Values | None = None    # what a same-day replacement changed: the row's value, confidence, note
    note: str = ""

    def summary(self) -> str:
        on = f" {self.date}" if self.date else ""
        verb = f"replaced the{on} check-in of" if self.replaced else "checked in"
        if self.replaced and self.before is not None:
            verb = f"replaced {fmt_num(self.before[0])} with {fmt_num(self.value)} in the{on} check-in of"
        if self.action == "fixed":
            verb = f"corrected check-in {self.check_in_id} ({self.date}) of"
        if self.action == "deleted":
            return (f"deleted check-in {self.check_in_id} ({self.date}, {fmt_num(self.value)}) of {self.kr_id} "
                    f"({plain(self.title)}): progress now {fmt_progress(self.progress)}, grade {fmt_grade(self.grade)} "
                    f"{self.band or ''}").rstrip()
        conf = "" if self.confidence is None else f", confidence {self.confidence:g}"
        return (f"{verb} {self.kr_id} ({plain(self.title)}): {fmt_num(self.value)}{conf} → progress "
                f"{fmt_progress(self.progress)}, grade {fmt_grade(self.grade)} {self.band or ''}").rstrip()


    def put_back(self) -> str | None:
        """The exact command that undoes a same-day replacement (issue 32.8), or None."""
        if not self.replaced or self.before is None:
            return None
        value, confidence, note = self.before
        command = f"okrtui checkin --fix {self.check_in_id} {fmt_num(value)}"
        if confidence is not None and confidence != self.confidence:
            command += f" --confidence {confidence:g}"
        if note != self.note:
            command += f" --note {shlex.quote(note)}"
        return command


Values = tuple[float, float | None, str]  # a check-in's value, confidence and note


def changed(before: Values, after: Values) -> Values | None:
    """`before` when a same-day replacement changes anything (both write paths ask it)."""
    return before if tuple(before) != tuple(after) else None


class KR(Scaled, Protocol):
    """What the rules read of a key result (the ORM's KeyResult, or quickwrite's row)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def owner_id(self) -> str | None: ...
    @property
    def origin(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def self_score(self) -> float | None: ...
    @property
    def owner_history(self) -> str | None: ...


class Row(Protocol):
    """What the summary reads of the check-in written."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def value(self) -> float: ...
    @property
    def confidence(self) -> float | None: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def note(self) -> str: ...


def check_values(value: float, confidence: float | None, note: str) -> fieldrules.CheckInValues:
    return fieldrules.check_in(value, confidence, note)


def check_writer(kr: KR, me: str, name_of: Callable[[str], str]) -> None:
    """Only the one who answers for the KR (views.answers) records check-ins on it: its named
    owner, even when someone else made it (a lead drafts the team's KRs, each owner checks in),
    else its maker. `name_of` names a person as messages do."""
    if kr.origin and not answers(kr.owner_id, kr.origin, me):
        who = name_of(kr.owner_id or kr.origin)
        role = "its owner" if kr.owner_id else "who made it, no owner named"
        raise OkrError(f"{kr.id} ({plain(kr.title[:60])}): {plain(who)} answers for it ({role}); "
                       "only they can check in on it")


def check_day(kr: KR, me: str, day: dt.date, name_of: Callable[[str], str]) -> None:
    """A check-in dated on a day someone else answered for the KR (before it was handed to `me`) would
    never count (okrtui.method.owners): refused, naming who answered then."""
    history = owners.parse(kr.owner_history)
    then = owners.answerer(history, kr.owner_id, kr.origin, day.isoformat())
    if history and then != me:
        since = next((d for d, who in history if (who or kr.origin) == me and d > day.isoformat()), None)
        start = f" since {since}" if since else ""
        raise OkrError(f"{kr.id} ({plain(kr.title[:60])}): {plain(name_of(then))} answered for it on {day}; you "
                       f"answer for it{start}, so a check-in of yours dated then would not count")


def no_live_objective(kr_id: str) -> OkrError:
    return OkrError(f"{kr_id} has no live objective")


def check_status(kr_id: str, status: str) -> None:
    if status in ("closed", "archived"):
        article = "an" if status[:1] in "aeiou" else "a"
        raise OkrError(f"{kr_id} belongs to {article} {status} objective; reopen it to check in")


def period_missing(kr_id: str, period_id: str) -> OkrError:
    return OkrError(f"{kr_id}'s period {period_id} is missing")


def check_not_future(day: dt.date, today: dt.date | None) -> None:
    """A check-in records what happened: never a day after today (docs/method.md, "No future dates")."""
    why = None if today is None else periods.after_today(day, today)
    if why:
        raise OkrError(f"date {why}: a check-in records what happened")


def check_in_period(period_id: str, start: dt.date, end: dt.date, day: dt.date, kr_id: str) -> None:
    if not (start <= day <= end):
        raise OkrError(f"date {day} is outside {kr_id}'s period {period_id} ({start} .. {end})")


def last_confidence(check_ins: Sequence[Sequence[Any]]) -> float | None:
    """The latest check-in's confidence (CHECK_IN_COLUMNS minus kr_id, oldest first): what the
    TUI's form offers, and what `okrtui checkin` keeps when no --confidence is given."""
    return check_ins[-1][3] if check_ins else None


def outcome(kr: KR, row: Row, check_ins: Iterable[Sequence[Any]], replaced: bool = False,
            action: str = "", before: Values | None = None) -> Saved:
    """The KR as this check-in left it, from its period's live check-ins up to the check-in's day
    (CHECK_IN_COLUMNS minus kr_id, oldest first, dates as dates): only those up to it count, so a
    back-dated one shows its own progress, not a later one's (a deleted one: the KR as of its date
    without it)."""
    points = []
    for cid, day, value, *_ in check_ins:
        if cid == row.id and row.deleted:
            continue
        points.append(scoring.Point(day, value))
        if cid == row.id:
            break
    spec = scoring.Spec(kr.kind, kr.start, kr.target, kr.low, kr.high)
    prog = scoring.progress(spec, points)
    g = scoring.grade(scoring.kr_score(kr.self_score, prog))
    why = None if row.deleted else fieldrules.implausible(spec, row.value)
    return Saved(row.id, kr.id, kr.title, row.value, prog, g, scoring.band(g), why, replaced, row.date,
                 row.confidence, action, before, row.note)


# --- finding the KR: by id or by a unique prefix (store.find_key_result and quickwrite alike) ---

PREFIX_MIN = 4  # a shorter reference must be a whole id
PREFIX_SHOWN = 10  # an ambiguous prefix names this many KRs (the query asks for one more)


def like_prefix(ref: str) -> str:
    """The LIKE pattern (ESCAPE '\\') of the ids that start with `ref`."""
    escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def kr_not_found(ref: str) -> OkrError:
    if len(ref) < PREFIX_MIN:
        return OkrError(f"no key result with id {ref!r} (a prefix needs at least {PREFIX_MIN} characters)")
    return OkrError(f"no key result matches {ref!r}")


def kr_deleted(ref: str) -> OkrError:
    """A deleted KR's whole id: never read as a prefix of another's (kr-dep is not kr-deploys)."""
    return OkrError(f"key result {ref!r} was deleted")


def ambiguous(ref: str, found: Sequence[tuple[str, str]]) -> OkrError:
    """`found`: (id, title) of up to PREFIX_SHOWN + 1 live KRs whose ids start with `ref`, by id."""
    shown = ", ".join(f"{kid} ({_short(title)})" for kid, title in found[:PREFIX_SHOWN])
    more = " …" if len(found) > PREFIX_SHOWN else ""
    return OkrError(f"{ref!r} is ambiguous: {shown}{more}")


def _short(title: str, width: int = 30) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"
