"""Who answered for a KR on a given day: its owner history (docs/method.md, "Who answers for a KR").

A KR carries the changes of its owner as a list of `{"from": day, "owner": person or null}`, oldest
first (null: no owner named, its maker answers). Every member reads the same list from the same
record, so whether a check-in counts is the same computation everywhere: the check-in counts when
its writer answered for the KR on the check-in's day. A KR without a history has had its owner
since the start. Before the first entry's day the first entry's person answers (the history starts
with the owner the KR had before its first change); two changes on one day: the later one holds for
the whole day, so naming yourself and someone else back the same day gives you no day of your own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# One change: (the day it holds from, ISO; the person who answers from then, None for the KR's maker).
Change = tuple[str, str | None]
History = tuple[Change, ...]
MAX_CHANGES = 200  # a KR handed over more often in its life is no KR: refused as bad data


def parse(value: Any) -> History:
    """A stored history (JSON text, as both databases keep it, or the list a record carries)."""
    if value is None or value == "":
        return ()
    try:
        items = json.loads(value) if isinstance(value, str) else value
        return tuple((str(item["from"])[:10], str(item["owner"]) if item.get("owner") else None) for item in items)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return ()  # text edited by hand into no history at all: the current owner, as before histories


def entries(history: History) -> list[dict[str, Any]]:
    """The history as a record and an okrtui/1 document carry it."""
    return [{"from": since, "owner": owner} for since, owner in history]


def dump(history: History) -> str | None:
    """The stored text (None: no history, the current owner since the start)."""
    if not history:
        return None
    return json.dumps(entries(history), sort_keys=True, separators=(",", ":"))


def answerer(history: History, owner_id: str | None, origin: str, day: str) -> str:
    """Who answered for the KR on `day` (ISO): by its history, else its current owner, else its maker."""
    if not history:
        return owner_id or origin
    who = history[0][1]
    for since, person in history:
        if since > day:
            break
        who = person
    return who or origin


def handed(history: History, before: str | None, after: str | None, day: dt.date, since: str) -> History:
    """The history once the owner changes from `before` to `after` on `day`; `since` (ISO) is the
    day the KR was made: the first change also records who answered up to then."""
    before, after = before or None, after or None
    if before == after:
        return history
    if not history:  # from when the KR was made (or the day itself, for a KR made "later" by another clock)
        history = ((min(since[:10], day.isoformat()), before),)
    on = max(day.isoformat(), history[-1][0])  # never before the last change: the list stays in order
    return (*history, (on, after))


def day_text(value: Any) -> str:
    """A stored day as ISO text (SQLite gives text, PostgreSQL a date)."""
    return value if isinstance(value, str) else value.isoformat()


def counted(rows: Iterable[Sequence[Any]], kinds: dict[str, tuple[History, str | None, str]],
            width: int) -> Iterator[tuple[Any, ...]]:
    """Check-in rows (kr_id first, day third, the writer last) of KRs with a history, kept when
    their writer answered on their day; rows of other KRs were filtered by the SQL already.
    Each row is cut to its first `width` columns."""
    for row in rows:
        known = kinds.get(row[0])
        if known is None or answerer(known[0], known[1], known[2], day_text(row[2])) == row[-1]:
            yield tuple(row[:width])
