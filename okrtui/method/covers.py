"""What a decision covers, and the state it gives: pure, no database, no UI (docs/team.md).

A lead's approval covers an objective's *content*; an agreement covers a dependency's ends and
text. Each decision stores the digest of what it covered (`decision.basis`); the state every
member shows is computed here from the records and the decisions, never read from a `status`
field someone can write. A later change of the content gives another digest, so the decision no
longer covers it: the objective is in review again, the dependency asked again. PostgreSQL's
policies compute the same digest (docs/team.md "What a decision covers" defines it byte for byte).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from okrtui.method.domain import ACTIVE as ACTIVE
from okrtui.method.domain import AGREED as AGREED
from okrtui.method.domain import APPROVED as APPROVED
from okrtui.method.domain import CHANGES as CHANGES
from okrtui.method.domain import DECLINED as DECLINED
from okrtui.method.domain import DRAFT as DRAFT
from okrtui.method.domain import ENDED as ENDED
from okrtui.method.domain import IN_REVIEW as IN_REVIEW
from okrtui.method.domain import PROPOSED as PROPOSED

# The content an approval covers: the objective's, then each live KR's (sorted by id).
OBJECTIVE_CONTENT = ("title", "level", "period_id", "team_id")
KR_CONTENT = ("id", "title", "kind", "start", "target", "low", "high", "unit", "weight")
NUMBERS = frozenset({"start", "target", "low", "high", "weight"})
WHOLE_BELOW = 10 ** 15  # a whole number below this is written as an integer ("10", not "10.0")


class Decided(Protocol):
    """What the rule reads of a decision record."""

    @property
    def id(self) -> str: ...
    @property
    def verdict(self) -> str: ...
    @property
    def basis(self) -> str: ...
    @property
    def updated_at(self) -> str: ...


def number_text(value: Any) -> str | None:
    """A number as the digest writes it: an integer when whole (and below 10^15), else the shortest
    text that reads back as the same float (Python's repr); None stays None."""
    if value is None:
        return None
    x = float(value)
    if x.is_integer() and abs(x) < WHOLE_BELOW:
        return str(int(x))
    return repr(x)


def _sha(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def content_rows(title: str, level: str, period_id: str, team_id: str | None, krs: Iterable[Any]) -> list[Any]:
    """The content an approval covers, as the array [title, level, period, team, [[KR…], …]]."""
    rows = sorted(([number_text(getattr(k, f)) if f in NUMBERS else _text(getattr(k, f)) for f in KR_CONTENT]
                   for k in krs), key=lambda row: str(row[0]))
    return [_text(title), _text(level), _text(period_id), _text(team_id), rows]


def objective_digest(title: str, level: str, period_id: str, team_id: str | None, krs: Iterable[Any]) -> str:
    """The sha256 (hex) of the canonical JSON array [title, level, period, team, [[KR…], …]]."""
    return _sha(content_rows(title, level, period_id, team_id, krs))


def rows_digest(rows: Any) -> str:
    """The digest of content rows read back from a decision's snapshot (okrtui.method.rounds)."""
    return _sha(rows)


def snapshot(submitted_at: str | None, title: str, level: str, period_id: str, team_id: str | None,
             krs: Iterable[Any]) -> str:
    """What a lead's decision saw, kept with it (`decision.content`) for the review's history: the
    submission it answers and the content rows the digest covers, as JSON. Shown, never trusted:
    the state still comes from `basis`."""
    return json.dumps({"submitted_at": submitted_at or "", "content": content_rows(title, level, period_id, team_id, krs)},
                      ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dependency_digest(from_id: str, to_id: str, note: str) -> str:
    """The sha256 (hex) of the canonical JSON array [from, to, note]."""
    return _sha([_text(from_id), _text(to_id), _text(note)])


def latest(decisions: Sequence[Decided]) -> Decided | None:
    """The newest of one person's decisions on one subject: by time, then id (the same everywhere)."""
    return max(decisions, key=lambda d: (d.updated_at, d.id)) if decisions else None


def changes_basis(submitted_at: str | None) -> str:
    """What a request for changes covers: the submission it answers."""
    return f"{submitted_at or ''}/"


def objective_state(stored: str, submitted_at: str | None, content: str, lead_decisions: Sequence[Decided]
                    ) -> str:
    """The review state of an approval team's objective, from its lead's decisions only.

    `approved` when the lead's newest decision approves this very content; `changes_requested` when
    it asks for changes to this submission; `draft` when its maker keeps it a draft; else
    `in_review`, whatever `stored` says (an `active` nobody approved is waiting for its lead). Only an
    approved objective is closed or archived (docs/team.md "Who may move a status"): an ended status
    nobody approved reads as what PostgreSQL, refusing it, leaves: a draft never submitted stays a
    draft, a submitted one is in review."""
    newest = latest(lead_decisions)
    if newest is not None and newest.verdict == CHANGES and newest.basis == changes_basis(submitted_at):
        return CHANGES
    if stored == DRAFT:
        return DRAFT
    if newest is not None and newest.verdict == APPROVED and newest.basis == content:
        return APPROVED
    if stored in ENDED and not submitted_at:
        return DRAFT
    return IN_REVIEW


def shown_status(stored: str, state: str) -> str:
    """The status everyone sees for a review state: approved is active (or the maker's end of it)."""
    if state == APPROVED:
        return stored if stored in ENDED else ACTIVE
    return DRAFT if state in (CHANGES, DRAFT) else IN_REVIEW


def agreement_state(content: str, answerer_decisions: Sequence[Decided]) -> tuple[str, Decided | None]:
    """A dependency's state from its answerer's decisions: their newest answer counts only if it
    covers the dependency as it is now; else it is asked again (`proposed`)."""
    newest = latest(answerer_decisions)
    if newest is None or newest.verdict not in (AGREED, DECLINED) or newest.basis != content:
        return PROPOSED, None
    return newest.verdict, newest
