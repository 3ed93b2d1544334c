"""The history of an objective's review rounds, and what changed between them, in words.

Pure: the lead's decisions in, steps out. Each decision keeps what it saw (`decision.content`,
okrtui.method.covers.snapshot): the submission it answered and the content its digest covers.
A round's "what changed" compares the content a request for changes saw with the content the
next decision saw (or the objective's content now, while it waits), so every database holding
the same decisions tells the same history: the team file and PostgreSQL carry them as they are.
A decision from before okrtui kept a snapshot says its changes were not recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from okrtui.method import covers
from okrtui.method.covers import APPROVED, CHANGES, KR_CONTENT
from okrtui.method.cycle import Conversation

SUBMITTED, RESUBMITTED, CHANGED, EDITED = "submitted", "resubmitted", "changed", "edited"
WHAT = {SUBMITTED: "submitted", RESUBMITTED: "resubmitted", CHANGES: "changes requested", APPROVED: "approved",
        CHANGED: "changed since approved, in review again", EDITED: "edited since the request, not resubmitted yet"}
QUOTED = frozenset({"title", "unit"})  # free text: quoted, so an empty or spaced value reads as one


@dataclass(frozen=True, slots=True)
class Seen:
    """A snapshot read back: the submission it answered and the content rows (covers.content_rows)."""

    submitted_at: str
    rows: list[Any]


@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # submitted | resubmitted | changes_requested | approved | changed | edited
    who: str  # a person's id
    at: str = ""  # a stamp; "" when not known
    note: str = ""
    changes: tuple[str, ...] = ()
    recorded: bool = True  # False: what changed was not kept (a decision older than its snapshot)


class Decided(covers.Decided, Protocol):
    """What the history reads of a decision record."""

    @property
    def origin(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def content(self) -> str: ...


def read(text: str) -> Seen | None:
    """A decision's snapshot, or None when it has none or it is not one (a teammate wrote it)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # a teammate's text: "[[[[…" 60,000 deep is not a crash
        return None
    if not isinstance(data, dict):
        return None
    rows, sub = data.get("content"), data.get("submitted_at", "")
    if not (isinstance(rows, list) and len(rows) == 5 and all(isinstance(x, str) for x in rows[:4])
            and isinstance(rows[4], list) and isinstance(sub, str)):
        return None
    if not all(isinstance(k, list) and len(k) == len(KR_CONTENT) and all(v is None or isinstance(v, str) for v in k)
               for k in rows[4]):
        return None
    return Seen(sub, rows)


def now(submitted_at: str | None, title: str, level: str, period_id: str, team_id: str | None,
        krs: Iterable[Any]) -> Seen:
    """The objective's content as it is stored now, as a snapshot would hold it."""
    return Seen(submitted_at or "", covers.content_rows(title, level, period_id, team_id, krs))


def _value(field: str, value: str | None) -> str:
    if value is None:
        return "none"
    return json.dumps(value, ensure_ascii=False) if field in QUOTED else value


def changes(before: Seen, after: Seen) -> tuple[str, ...]:
    """What changed from one snapshot to the next, one phrase each: `title "a" → "b"`,
    `KR "Latency": target 800 → 900`, `KR "old" → "new title"`, `KR added: "…"`, `KR removed: "…"`."""
    out = []
    for i, name in enumerate(("title", "level", "period", "team")):
        a, b = before.rows[i], after.rows[i]
        if a != b:
            out.append(f"{name} {_value(name, a)} → {_value(name, b)}")
    was = {str(k[0]): k for k in before.rows[4]}
    now_ = {str(k[0]): k for k in after.rows[4]}
    for ident, row in now_.items():
        old = was.get(ident)
        if old is None:
            out.append(f"KR added: {_value('title', row[1])}")
            continue
        parts = [f"{f} {_value(f, old[j])} → {_value(f, row[j])}"
                 for j, f in enumerate(KR_CONTENT) if f not in ("id", "title") and old[j] != row[j]]
        named = _value("title", old[1]) + ("" if old[1] == row[1] else f" → {_value('title', row[1])}")
        if parts or old[1] != row[1]:
            out.append(f"KR {named}" + (f": {', '.join(parts)}" if parts else ""))
    out += [f"KR removed: {_value('title', row[1])}" for ident, row in was.items() if ident not in now_]
    return tuple(out)


def _diff(before: Seen | None, after: Seen | None) -> tuple[tuple[str, ...], bool]:
    if before is None or after is None:
        return (), False
    return changes(before, after), True


def history(decisions: Sequence[Decided], maker: str, state: str | None, current: Seen) -> list[Step]:
    """The rounds, oldest first: each submission, each decision, and a round still open.

    `decisions` are the lead's on the objective; `state` is its review state now (okrtui.method.cycle.review:
    in_review, approved, changes_requested, or None for a draft)."""
    steps: list[Step] = []
    prev: Decided | None = None
    prev_seen: Seen | None = None
    for d in sorted((d for d in decisions if d.verdict in (APPROVED, CHANGES)), key=lambda d: (d.updated_at, d.id)):
        seen = read(d.content)
        if seen is not None and d.verdict == APPROVED and covers.rows_digest(seen.rows) != d.basis:
            seen = None  # a snapshot that is not what the approval covers is not shown
        submitted = seen.submitted_at if seen is not None else \
            d.basis[:-1] if d.verdict == CHANGES and d.basis.endswith("/") else ""
        if prev is None:
            steps.append(Step(SUBMITTED, maker, submitted))
        elif prev.verdict == CHANGES:
            found, recorded = _diff(prev_seen, seen)
            steps.append(Step(RESUBMITTED, maker, submitted, changes=found, recorded=recorded))
        else:
            found, recorded = _diff(prev_seen, seen)
            steps.append(Step(CHANGED, maker, changes=found, recorded=recorded))
        steps.append(Step(d.verdict, d.origin, d.updated_at, d.note))
        prev, prev_seen = d, seen
    if state == "in_review":
        if prev is None:
            steps.append(Step(SUBMITTED, maker, current.submitted_at))
        else:
            found, recorded = _diff(prev_seen, current)
            steps.append(Step(RESUBMITTED if prev.verdict == CHANGES else CHANGED, maker,
                              current.submitted_at if prev.verdict == CHANGES else "", changes=found,
                              recorded=recorded))
    elif prev is not None and prev.verdict == CHANGES and prev_seen is not None:
        found = changes(prev_seen, current)  # the maker's edits since the request: what the next round brings
        if found:
            steps.append(Step(EDITED, maker, changes=found))
    return steps


def of_objective(obj: Any, period_id: str, conv: Conversation) -> list[Step]:
    """An objective's rounds (an okrtui.method.views.ObjectiveView), from its lead's decisions, as
    okrtui.method.cycle.review reads them."""
    if not conv.needs_approval(obj.team_id):
        return []
    lead = conv.lead_of(obj.team_id)
    mine = [d for d in conv.about(obj.id) if d.subject_type == "objective" and d.origin == lead]
    rev = conv.reviews.get(obj.id)
    return history(mine, obj.origin, rev.state if rev is not None else None,
                   now(obj.submitted_at, obj.title, obj.level, period_id, obj.team_id, obj.key_results))


def day(stamp: str) -> str:
    """A stamp's day, short (`Dec 6`); "" when not known."""
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    try:
        return f"{months[int(stamp[5:7]) - 1]} {int(stamp[8:10])}"
    except (ValueError, IndexError):
        return ""


def lines(steps: Sequence[Step], person: Callable[[str], str]) -> list[str]:
    """Each step as a line a member reads (untrusted text left raw: callers show it literally)."""
    out = []
    for s in steps:
        when = day(s.at)
        head = f"{when + ' ' if when else ''}{WHAT[s.kind]}"
        if s.kind in (SUBMITTED, RESUBMITTED, CHANGES, APPROVED):
            head += f" by {person(s.who)}"
        said = [s.note] if s.note else []
        if s.kind in (RESUBMITTED, CHANGED, EDITED):
            said.append("; ".join(s.changes) if s.changes else
                        "nothing changed" if s.recorded else "what changed was not recorded")
        out.append(head + (": " + " · ".join(said) if said else ""))
    return out
