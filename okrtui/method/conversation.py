"""The conversation's records as the method sees them: team rules, comments, decisions, reviews and
dependencies, read once (okrtui.storage.reads.conversation) and looked up in O(1).

Pure, below the views: `views.PeriodReport` carries a Conversation, and `cycle` decides with it, so
neither of those two needs the other for a type (no circle, not even a type-only one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True, frozen=True)
class DependencyView:
    id: str
    from_id: str
    to_id: str
    note: str
    origin: str = ""


@dataclass(frozen=True, slots=True)
class TeamRule:
    id: str
    approval: bool
    lead: str  # the named lead, else the team's maker


@dataclass(frozen=True, slots=True)
class CommentView:
    id: str
    origin: str
    target_type: str
    target_id: str
    parent_id: str | None
    body: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: str
    origin: str
    subject_type: str
    subject_id: str
    verdict: str
    note: str
    basis: str
    updated_at: str
    content: str = ""  # what it saw (okrtui.method.covers.snapshot), for the review's history


@dataclass(frozen=True, slots=True)
class Review:
    """Where a submitted objective stands with its team's lead."""

    state: str  # in_review | approved | changes_requested
    lead: str
    note: str = ""
    changed: bool = False  # approved once, then its KRs changed: in review again
    at: str = ""


@dataclass
class Conversation:
    teams: dict[str, TeamRule] = field(default_factory=dict)
    comments: list[CommentView] = field(default_factory=list)  # oldest first
    decisions: list[DecisionView] = field(default_factory=list)  # oldest first
    seen: set[str] = field(default_factory=set)
    reviews: dict[str, Review] = field(default_factory=dict)  # objective id → review, set by `apply`
    dependencies: list[DependencyView] = field(default_factory=list)
    reflections: list[tuple[str, str, str, str]] = field(default_factory=list)  # person, period, question, answer
    me: str = ""
    # Built on first use: a company has 10^4 objectives and comments; lookups stay O(1).
    _on: dict[str, list[CommentView]] | None = field(default=None, repr=False, compare=False)  # a lookup cache, not data
    _about: dict[str, list[DecisionView]] | None = field(default=None, repr=False, compare=False)

    def on(self, target_id: str) -> list[CommentView]:
        if self._on is None:
            self._on = {}
            for c in self.comments:
                self._on.setdefault(c.target_id, []).append(c)
        return self._on.get(target_id, [])

    def about(self, subject_id: str) -> list[DecisionView]:
        if self._about is None:
            self._about = {}
            for d in self.decisions:
                self._about.setdefault(d.subject_id, []).append(d)
        return self._about.get(subject_id, [])

    @classmethod
    def from_rows(cls, teams: Iterable[Sequence[Any]], comments: Iterable[Sequence[Any]],
                  decisions: Iterable[Sequence[Any]], seen: Iterable[Sequence[Any]]) -> Conversation:
        return cls({t[0]: TeamRule(t[0], bool(t[1]), t[2] or t[3]) for t in teams},
                   [CommentView(*row) for row in comments], [DecisionView(*row) for row in decisions],
                   {row[0] for row in seen})

    def comments_on(self, target_id: str) -> list[tuple[int, CommentView]]:
        """A record's comments as a thread: (depth, comment), each reply under what it answers."""
        children: dict[str | None, list[CommentView]] = {}
        thread = self.on(target_id)
        ids = {c.id for c in thread}  # a reply is on its parent's record
        for c in thread:
            children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
        out: list[tuple[int, CommentView]] = []

        def walk(parent: str | None, depth: int) -> None:
            for c in children.get(parent, []):
                out.append((depth, c))
                walk(c.id, depth + 1)
        walk(None, 0)
        return out

    def count_on(self, target_id: str) -> int:
        return len(self.on(target_id))

    def comment(self, comment_id: str) -> CommentView | None:
        return next((c for c in self.comments if c.id == comment_id), None)

    def latest(self, subject_id: str, by: str) -> DecisionView | None:
        """The newest decision `by` made on a subject (decisions by anyone else do not count)."""
        found = [d for d in self.about(subject_id) if d.origin == by]
        return max(found, key=lambda d: (d.updated_at, d.id)) if found else None

    def lead_of(self, team_id: str | None) -> str | None:
        team = self.teams.get(team_id or "")
        return team.lead if team else None

    def needs_approval(self, team_id: str | None) -> bool:
        team = self.teams.get(team_id or "")
        return bool(team and team.approval)


# --- objectives ------------------------------------------------------------------------------
