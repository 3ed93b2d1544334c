"""The method's vocabulary: kinds, levels, statuses, reflection questions. Pure constants.

okrtui.rules.schema builds its validation on these; they stay here so light modules can
use the names without loading pydantic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from random import SystemRandom

ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


class Kind(StrEnum):
    """The method's KR kinds, by name; what each one means to okrtui is okrtui.method.kinds'."""

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


# What the conversation's decisions say, and the review states they give (okrtui.method.covers decides
# them; okrtui.method.cycle names them without loading covers' hashing before the TUI's first frame).
APPROVED, CHANGES = "approved", "changes_requested"
AGREED, DECLINED, PROPOSED = "agreed", "declined", "proposed"
DRAFT, IN_REVIEW, ACTIVE = "draft", "in_review", "active"
ENDED = ("closed", "archived")  # a maker's end of an approved objective's life

LEVELS = tuple(Level)
STATUSES = tuple(Status)
VISIBILITIES = tuple(Visibility)
REFLECTION_QUESTIONS = {
    "contributed": "Which company or team OKR did you contribute most to, and how?",
    "helped": "Which team OKRs did you help develop?",
    "learned": "What did you learn this quarter that you will apply next quarter?",
}


# --- readable ids for new objectives and KRs ---------------------------------------------

_SLUG_STOP = frozenset("a an and at by for from in into of on per the to with".split())
_SUFFIX = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o or 1/l: ids get read aloud and retyped
SLUG_MAX = 16
# The operating system's randomness, which `secrets.choice` draws from (it is SystemRandom().choice): importing
# `secrets` loads hmac and OpenSSL's hashlib, 8 M instructions before the TUI's first frame.
_RANDOM = SystemRandom()


def slug(title: str) -> str:
    """The first words of a title as an id part: 'Deploy success rate from 92%' → 'deploy-success'."""

    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    out = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text):
        if word in _SLUG_STOP:
            continue
        longer = f"{out}-{word}" if out else word
        if len(longer) > SLUG_MAX:
            out = out or word[:SLUG_MAX]
            break
        out = longer
    return out


def readable_id(prefix: str, title: str, taken: Callable[[str], bool]) -> str:
    """A new record's id: prefix, the title's slug and a short random suffix (`kr-deploy-success-3fqk`),
    valid under ID_RE and unique as `taken` says (a longer suffix after each clash)."""

    base = "-".join(p for p in (prefix, slug(title)) if p)
    for size in (4, 4, 4, 6, 8, 10, 16):
        ident = f"{base}-{''.join(_RANDOM.choice(_SUFFIX) for _ in range(size))}"
        if not taken(ident):
            return ident
    raise RuntimeError("no free id after 7 tries")  # 32**16 ids: not reached in practice
