"""SQLModel tables. Every synced row carries id, origin, created_at, updated_at, deleted."""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from okrtui.core.stamps import new_id as new_id
from okrtui.core.stamps import now_stamp as now_stamp


class Record(SQLModel):
    # Tables are never validated by pydantic (rows come checked by okrtui.rules.schema): its schema is
    # not built at import, which every command pays (~7 ms of `okrtui checkin`).
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
    id: str = Field(default_factory=new_id, primary_key=True, max_length=64)
    origin: str = Field(default="", index=True)
    created_at: str = Field(default_factory=now_stamp)
    updated_at: str = Field(default_factory=now_stamp)
    deleted: bool = False


class Person(Record, table=True):
    name: str = ""
    email: str = ""
    public_key: str = ""  # base64 Ed25519; the first one seen for an id is kept
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)


class Team(Record, table=True):
    name: str = ""
    mission: str = ""
    vision: str = ""
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)
    approval: bool = False  # its objectives go draft → in_review → active through the lead (docs/team.md)
    lead_id: str | None = None  # who approves; none: the team's maker


class Period(Record, table=True):
    """A quarter (id like 2026-Q4) or a custom period (any label)."""

    start: dt.date
    end: dt.date
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)


class Objective(Record, table=True):
    # owner, team and parent are soft references: a teammate's objective may name a
    # parent that is private to them, so they are not foreign keys.
    title: str
    description: str = ""
    level: str = "personal"
    team_id: str | None = None
    owner_id: str | None = Field(default=None, index=True)
    period_id: str = Field(foreign_key="period.id", index=True)
    parent_id: str | None = Field(default=None, index=True)
    status: str = "active"
    visibility: str = "shared"
    position: int = 0
    activated_on: dt.date | None = None  # set when it became active; none: active from the period's start
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)
    submitted_at: str | None = None  # when its maker last submitted it for the lead's approval
    improves_id: str | None = None  # the health metric it aims to move (a soft reference, as owner and team)


class KeyResult(Record, table=True):
    __tablename__ = "key_result"

    objective_id: str = Field(foreign_key="objective.id", index=True)
    title: str
    owner_id: str | None = None
    kind: str
    unit: str = ""
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    weight: float = 1.0
    self_score: float | None = None
    score_comment: str = ""
    position: int = 0
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)
    improves_id: str | None = None  # the health metric it aims to move
    # Each change of its owner, as JSON text (okrtui.method.owners); none: its owner since the start.
    owner_history: str | None = None


class CheckIn(Record, table=True):
    __tablename__ = "check_in"

    kr_id: str = Field(foreign_key="key_result.id", index=True)
    date: dt.date = Field(index=True)
    value: float
    confidence: float | None = None
    note: str = ""
    author_id: str | None = None
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)


class Dependency(Record, table=True):
    """A horizontal link: from an objective or KR to another team's objective or KR."""

    from_id: str = Field(index=True)
    to_id: str = Field(index=True)
    note: str = ""
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)


class Comment(Record, table=True):
    """A remark on an objective, a KR or a check-in, or a reply to one: its writer's own record."""

    target_type: str
    target_id: str = Field(index=True)
    parent_id: str | None = None
    body: str
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)


class Decision(Record, table=True):
    """A lead's verdict on a submitted objective, or a KR owner's answer to a dependency onto it.

    A separate record, never a change to the other person's: each record has one maker."""

    subject_type: str  # objective | dependency
    subject_id: str = Field(index=True)
    verdict: str  # approved | changes_requested | agreed | declined
    note: str = ""
    basis: str = ""  # an approval: the submission and KR digest it approved
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)
    # What the decision saw, as JSON (okrtui.method.covers.snapshot): the review's history shows
    # what changed between rounds from it. Only shown: the state comes from `basis`.
    content: str = ""


class Metric(Record, table=True):
    """A health metric (KPI): no quarter, no score, a status (okrtui.method.health). Expectation: at least
    `low`, at most `high`, between both, or neither (tracked only)."""

    name: str
    unit: str = ""
    description: str = ""
    owner_id: str | None = None  # who measures it ("answers for", as a KR's owner); none: its maker
    team_id: str | None = None
    cadence: str = "weekly"
    low: float | None = None
    high: float | None = None
    visibility: str = "shared"
    since: dt.date  # its life: measurements from this day, up to `archived_on`
    archived_on: dt.date | None = None
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)


class Measurement(Record, table=True):
    metric_id: str = Field(foreign_key="metric.id", index=True)
    date: dt.date = Field(index=True)
    value: float
    note: str = ""
    author_id: str | None = None
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)


class Seen(SQLModel, table=True):
    """What a person has read in their inbox. Local to the database, never synced."""

    person_id: str = Field(primary_key=True)
    item_id: str = Field(primary_key=True)
    seen_at: str = Field(default_factory=now_stamp)


class Reflection(Record, table=True):
    person_id: str
    period_id: str = Field(foreign_key="period.id")
    question: str
    answer: str = ""
    signature: str = ""  # Ed25519 over the canonical content, kept as it came (okrtui.core.signing)


class Meta(SQLModel, table=True):
    """Local settings of this database (identity, schema version); never synced."""

    key: str = Field(primary_key=True)
    value: str = ""

