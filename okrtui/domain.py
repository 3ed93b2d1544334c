"""The method's vocabulary: kinds, levels, statuses, reflection questions. Pure constants.

okrtui.schema builds its validation on these; they stay here so light modules can
use the names without loading pydantic.
"""

from __future__ import annotations

import re
from enum import StrEnum

ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


class Kind(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    RANGE = "range"
    BASELINE = "baseline"
    MILESTONE = "milestone"


class Level(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    PERSONAL = "personal"


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    ACTIVE = "active"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Visibility(StrEnum):
    SHARED = "shared"
    PRIVATE = "private"


# Which fields each KR kind needs (okr-method.md, "KR kinds and progress").
KIND_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.INCREASE: ("start", "target"),
    Kind.DECREASE: ("start", "target"),
    Kind.RANGE: ("low", "high"),
    Kind.BASELINE: ("unit",),
    Kind.MILESTONE: (),
}
VALUE_KINDS = (Kind.INCREASE, Kind.DECREASE)  # the kinds with pace and forecast
KIND_NAMES = frozenset(k.value for k in Kind)


LEVELS = tuple(Level)
STATUSES = tuple(Status)
VISIBILITIES = tuple(Visibility)
KINDS = tuple(Kind)
REFLECTION_QUESTIONS = {
    "contributed": "Which company or team OKR did you contribute most to, and how?",
    "helped": "Which team OKRs did you help develop?",
    "learned": "What did you learn this quarter that you will apply next quarter?",
}
