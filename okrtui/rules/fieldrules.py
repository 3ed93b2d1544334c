"""The field rules a check-in needs, without pydantic.

okrtui.rules.schema builds its pydantic field types on these functions, so each rule is written
once; `okrtui checkin` checks its arguments with them directly, and so never imports pydantic
(about 60 ms of a check-in's start-up; docs/performance.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from okrtui.core.errors import OkrError
from okrtui.method import kinds

if TYPE_CHECKING:
    from okrtui.method.kinds import Spec

# --- limits: each defined once ------------------------------------------------------------
MAX_ID = 64
MAX_TITLE = 500
MAX_NAME = 200
MAX_TEXT = 10_000
MAX_UNIT = 32
MAX_WEIGHT = 1e6
_SURROGATE = re.compile("[\ud800-\udfff]")  # half a UTF-16 pair: not text
# A stored number beyond this is a typo, not a measure: no KR scale needs it, and a
# float this large would print as 1e+16 and carry over into the next quarter.
MAX_MAGNITUDE = 1e15
# A value further than this many of the KR's own spans (target - start, high - low) beyond its
# scale is "implausible": stored only after a confirmation (TUI) or with a warning (CLI). One
# span catches a digit too many or too few (971 or 9 on 92 → 99 %, 40 on 0 → 4).
PLAUSIBLE_SPANS = 1


class Problem(ValueError):
    """A value that breaks its field's rule (schema turns it into pydantic's error)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(OkrError):
    """Input that breaks the schema: `path: message`."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class NonFinite:
    """NaN / Infinity read from JSON: kept so the message can name the field and the token."""

    def __init__(self, token: str) -> None:
        self.token = token


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, NonFinite):
        return value.token
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
             dict: "an object"}
    return names.get(type(value), type(value).__name__)


def has_half_character(text: str) -> bool:
    """Whether `text` holds half a UTF-16 pair, as string() refuses."""
    return _SURROGATE.search(text) is not None


def string(limit: int, *, nonempty: bool = False) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Problem(f"expected a string, got {describe(value)}")
        if len(value) > limit:
            raise Problem(f"is {len(value)} characters long; at most {limit} are allowed")
        if nonempty and not value.strip():
            raise Problem("must not be empty")
        half = _SURROGATE.search(value)
        if half:  # a JSON \ud800 or a stray argv byte: no UTF-8 file or database can hold it
            raise Problem(f"holds half a character (a lone UTF-16 surrogate) at position {half.start()}")
        return value
    return check


def number(value: Any) -> float:
    if isinstance(value, NonFinite):
        raise Problem(f"expected a finite number, got {value.token}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Problem(f"expected a number, got {describe(value)}")
    try:
        result = float(value)
    except OverflowError:
        raise Problem("number is too large") from None
    if not math.isfinite(result):
        raise Problem("expected a finite number")
    if abs(result) > MAX_MAGNITUDE:
        raise Problem(f"{result:g} is too large (at most {MAX_MAGNITUDE:g} either side of 0)")
    return result


def bounded(lo: float, hi: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        result = number(value)
        if not lo <= result <= hi:
            raise Problem(f"expected a number from {lo:g} to {hi:g}, got {result:g}")
        return result
    return check


text = string(MAX_TEXT)
unit_interval = bounded(0, 1)


@dataclass(frozen=True)
class CheckInValues:
    """schema.CheckInInput's fields, checked by the same rules in the same order."""

    value: float
    confidence: float | None = None
    note: str = ""


def check_in(value: Any, confidence: Any = None, note: Any = "") -> CheckInValues:
    """A check-in as a person types it; Invalid names the first bad field, as schema.check does."""
    field = "value"
    try:
        checked = number(value)
        field = "confidence"
        conf = None if confidence is None else unit_interval(confidence)
        field = "note"
        return CheckInValues(checked, conf, text(note))
    except Problem as err:
        raise Invalid(field, err.message) from None


# --- plausibility: allowed, but asked about --------------------------------------------------------

def implausible(spec: Spec, value: float) -> str | None:
    """Why a check-in value looks like a typo for this KR, or None: the kind's own rule for its
    values (a milestone is 0 or 1), else far outside the scale the kind gives (okrtui.method.kinds)."""
    kind = kinds.get(spec.kind)
    if kind is None:
        return None
    if kind.values is not None:
        return kind.values(value)
    scale = kind.scale(spec)
    if scale is None:
        return None
    lo, hi = scale
    if value < 0 <= lo:
        return f"{value:g} is negative, and this KR's scale ({lo:g} to {hi:g}) has no negative values"
    span = (hi - lo) or max(abs(hi), 1.0)  # the scale's own span, not its bounds' size
    if value > hi + PLAUSIBLE_SPANS * span or value < lo - PLAUSIBLE_SPANS * span:
        return (f"{value:g} is far outside this KR's scale ({lo:g} to {hi:g}, a span of {span:g}): "
                "a digit too many or too few?")
    return None
