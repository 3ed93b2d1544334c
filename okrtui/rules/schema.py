"""The one definition of every record okrtui accepts: fields, kinds, limits and cross-field rules.

Import, the team-file reader, the TUI forms, config.toml and the CLI all check their
input through these pydantic models, so a limit or a kind rule lives here and nowhere
else. Messages name the exact field (`objectives[0].key_results[1].high: ...`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Annotated, Any, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, PlainValidator, TypeAdapter, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from okrtui.core.errors import OkrError
from okrtui.method import kinds, owners
from okrtui.method.domain import ID_RE, Kind, Level, Status, Visibility
from okrtui.method.kinds import Spec
from okrtui.method.periods import parse_date
from okrtui.rules import fieldrules
from okrtui.rules.fieldrules import (
    MAX_ID,
    MAX_MAGNITUDE,
    MAX_NAME,
    MAX_TEXT,
    MAX_TITLE,
    MAX_UNIT,
    MAX_WEIGHT,
    PLAUSIBLE_SPANS,
    Invalid,
    NonFinite,
    Problem,
    describe,
    implausible,
)

__all__ = ["ID_RE", "MAX_ID", "MAX_MAGNITUDE", "MAX_NAME", "MAX_TEXT", "MAX_TITLE",
           "MAX_UNIT", "MAX_WEIGHT", "PLAUSIBLE_SPANS", "Invalid", "Kind", "Level", "NonFinite",
           "Spec", "Status", "Visibility", "describe", "implausible"]

T = TypeVar("T")

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def _fail(message: str, field: str | None = None) -> PydanticCustomError:
    return PydanticCustomError("okrtui", message, {"field": field} if field else None)


def _rule(check: Callable[[Any], T]) -> Callable[[Any], T]:
    """A rule of okrtui.rules.fieldrules as a pydantic validator: its Problem becomes pydantic's error."""
    def run(value: Any) -> T:
        try:
            return check(value)
        except Problem as err:
            raise _fail(err.message) from None
    return run


# --- field types ------------------------------------------------------------------------------

def _string(limit: int, *, nonempty: bool = False) -> Callable[[Any], str]:
    return _rule(fieldrules.string(limit, nonempty=nonempty))


number = _rule(fieldrules.number)


def _bounded(lo: float, hi: float) -> Callable[[Any], float]:
    return _rule(fieldrules.bounded(lo, hi))


def _ident(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"expected a string, got {describe(value)}")
    if not ID_RE.match(value):
        raise _fail(f"{value[:70]!r} is not a valid id (1-64 of A-Z a-z 0-9 . _ : -)")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            pass
    raise _fail(f"expected a date YYYY-MM-DD, got {str(value)[:40]!r}")


def _history(value: Any) -> list[dict[str, Any]] | None:
    """A KR's owner history (okrtui.method.owners): `[{"from": day, "owner": person or null}, ...]`,
    oldest first, as the record carries it; an empty one is none."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise _fail(f"expected a list of owner changes, got {describe(value)}")
    if len(value) > owners.MAX_CHANGES:
        raise _fail(f"{len(value)} owner changes; a key result keeps at most {owners.MAX_CHANGES}")
    out: list[dict[str, Any]] = []
    for n, item in enumerate(value):
        if not isinstance(item, Mapping) or set(item) - {"from", "owner"} or "from" not in item:
            raise _fail(f"change {n + 1}: expected {{\"from\": YYYY-MM-DD, \"owner\": a person's id or null}}")
        day = _date(item["from"]).isoformat()
        owner = item.get("owner")
        if owner is not None:
            owner = _ident(owner)
        if out and day < out[-1]["from"]:
            raise _fail(f"change {n + 1}: {day} is before the change above it ({out[-1]['from']}); "
                        "oldest first")
        out.append({"from": day, "owner": owner})
    return out or None


def _email(value: Any) -> str:
    text = _string(MAX_NAME)(value)
    if text and not EMAIL_RE.match(text):
        raise _fail(f"{text[:60]!r} is not an email address")
    return text


def _word(value: str) -> str:
    """A refused choice as the message shows it: escaped past ASCII, as every choice is ASCII,
    so a lookalike ("increasе", Cyrillic е) never reads as the very word expected."""
    return ascii(value[:40])


def _choice(enum: type[StrEnum]) -> Callable[[Any], StrEnum]:
    def check(value: Any) -> StrEnum:
        if not isinstance(value, str):
            raise _fail(f"expected a string, got {describe(value)}")
        try:
            return enum(value)
        except ValueError:
            raise _fail(f"expected one of {', '.join(enum)}, got {_word(value)}") from None
    return check


def _kind(value: Any) -> str:
    """A KR kind okrtui.method.kinds knows (read when checked: a kind registered later counts)."""
    if not isinstance(value, str):
        raise _fail(f"expected a string, got {describe(value)}")
    known = kinds.get(value)
    if known is None:
        raise _fail(f"expected one of {', '.join(kinds.names())}, got {_word(value)}")
    return known.name


def _one_of(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _fail(f"expected a string, got {describe(value)}")
        if value not in choices:
            raise _fail(f"expected one of {', '.join(choices)}, got {_word(value)}")
        return value
    return check


def _stamp(value: Any) -> str:
    if not isinstance(value, str) or not STAMP_RE.match(value):
        raise _fail("expected a UTC timestamp like 2026-11-26T09:00:00.000000Z")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"expected true or false, got {describe(value)}")
    return value


def _whole(lo: int, hi: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail("expected a whole number")
        if not lo <= value <= hi:
            raise _fail(f"expected {lo} to {hi}")
        return value
    return check


Id = Annotated[str, PlainValidator(_ident)]
Title = Annotated[str, PlainValidator(_string(MAX_TITLE, nonempty=True))]
Name = Annotated[str, PlainValidator(_string(MAX_NAME))]
PersonName = Annotated[str, PlainValidator(_string(MAX_NAME, nonempty=True))]
Text = Annotated[str, PlainValidator(_string(MAX_TEXT))]
Unit = Annotated[str, PlainValidator(_string(MAX_UNIT))]
Label = Annotated[str, PlainValidator(_string(MAX_ID, nonempty=True))]
Question = Annotated[str, PlainValidator(_string(100, nonempty=True))]
Email = Annotated[str, PlainValidator(_email)]
Number = Annotated[float, PlainValidator(number)]
UnitInterval = Annotated[float, PlainValidator(_bounded(0, 1))]
Weight = Annotated[float, PlainValidator(_bounded(0, MAX_WEIGHT))]
Day = Annotated[dt.date, PlainValidator(_date)]
OwnerHistory = Annotated[list[dict[str, Any]] | None, PlainValidator(_history)]
Stamp = Annotated[str, PlainValidator(_stamp)]
Flag = Annotated[bool, PlainValidator(_flag)]
Position = Annotated[int, PlainValidator(_whole(0, 1_000_000))]
Month = Annotated[int, PlainValidator(_whole(1, 12))]
Days = Annotated[int, PlainValidator(_whole(0, 366))]
PathText = Annotated[str, PlainValidator(_string(4096))]


def _keymap(value: Any) -> dict[str, str]:
    """config.toml's [keys]: binding id -> "key" or "key1,key2" (the ids and keys are the TUI's to check)."""
    if not isinstance(value, Mapping):
        raise _fail(f"expected a table of binding id = \"key\", got {describe(value)}")
    out: dict[str, str] = {}
    for name, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            got = "an empty string" if isinstance(keys, str) else describe(keys)
            raise _fail(f"expected a key like \"ctrl+a\" (or several, \"f2,ctrl+s\"), got {got}", name)
        out[str(name)[:100]] = keys[:200]
    return out


Keymap = Annotated[dict[str, str], PlainValidator(_keymap)]


# --- records (field names as stored; okrtui/1 documents rename a few, see DOCUMENT_KEYS) -------

class Fields(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class PersonData(Fields):
    id: Id
    name: Name = ""
    email: Email = ""


class TeamData(Fields):
    id: Id
    name: Name = ""
    mission: Text = ""
    vision: Text = ""
    approval: Flag = False
    lead_id: Id | None = None


class PeriodData(Fields):
    id: Id
    start: Day
    end: Day

    @model_validator(mode="after")
    def _ordered(self) -> PeriodData:
        if self.end < self.start:
            raise _fail(f"{self.end} is before start {self.start}", "end")
        return self


class ObjectiveFields(Fields):
    """What the objective form edits."""

    title: Title
    description: Text = ""
    level: Annotated[Level, PlainValidator(_choice(Level))] = Level.PERSONAL
    team_id: Id | None = None
    parent_id: Id | None = None
    status: Annotated[Status, PlainValidator(_choice(Status))] = Status.ACTIVE
    visibility: Annotated[Visibility, PlainValidator(_choice(Visibility))] = Visibility.SHARED
    improves_id: Id | None = None  # the health metric it aims to move


class ObjectiveData(ObjectiveFields):
    id: Id
    owner_id: Id | None = None
    period_id: Label
    position: Position = 0
    activated_on: Day | None = None
    submitted_at: Stamp | None = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> ObjectiveData:
        if self.parent_id == self.id:
            raise _fail("an objective cannot be its own parent", "parent_id")
        return self


class KeyResultFields(Fields):
    """What the KR form edits; the kind's rules hold wherever a KR comes from."""

    objective_id: Id
    title: Title
    owner_id: Id | None = None
    kind: Annotated[str, PlainValidator(_kind)]
    unit: Unit = ""
    start: Number | None = None
    target: Number | None = None
    low: Number | None = None
    high: Number | None = None
    weight: Weight = 1.0
    improves_id: Id | None = None  # the health metric it aims to move

    @model_validator(mode="before")
    @classmethod
    def _kind_fields(cls, data: Any) -> Any:
        # Run before field checks so a missing field says "is required", as a form would.
        if isinstance(data, Mapping):
            raw = data.get("kind")
            kind = kinds.get(raw) if isinstance(raw, str) else None
            if kind is None:
                return data
            for name in kind.fields:
                if name not in data:
                    raise _fail("is required", name)
                if data[name] is None:
                    raise _fail(f"expected {'a unit' if name == 'unit' else 'a number'}, got null", name)
                if name == "unit" and isinstance(data[name], str) and not data[name].strip():
                    raise _fail(f"a {kind.name} needs the unit it measures", name)
        return data

    @model_validator(mode="after")
    def _range_ordered(self) -> KeyResultFields:
        kind = kinds.get(self.kind)
        band = kind is not None and "low" in kind.fields and "high" in kind.fields
        if band and self.low is not None and self.high is not None and self.low > self.high:
            raise _fail(f"must not be below low ({self.high:g} < {self.low:g})", "high")
        return self


class KeyResultData(KeyResultFields):
    id: Id
    self_score: UnitInterval | None = None
    score_comment: Text = ""
    position: Position = 0
    owner_history: OwnerHistory = None  # each change of its owner (okrtui.method.owners); none: since the start

    @model_validator(mode="after")
    def _history_ends_with_the_owner(self) -> KeyResultData:
        if self.owner_history and self.owner_history[-1]["owner"] != self.owner_id:
            last = self.owner_history[-1]["owner"] or "no owner (its maker)"
            raise _fail(f"its last change names {last}, but the key result's owner is "
                        f"{self.owner_id or 'none (its maker)'}: the history ends with the current owner",
                        "owner_history")
        return self


class CheckInData(Fields):
    id: Id
    kr_id: Id
    date: Day
    value: Number
    confidence: UnitInterval | None = None
    note: Text = ""
    author_id: Id | None = None


class DependencyData(Fields):
    id: Id
    from_id: Id
    to_id: Id
    note: Text = ""

    @model_validator(mode="after")
    def _two_ends(self) -> DependencyData:
        if self.from_id == self.to_id:
            raise _fail("a dependency must link two different records", "to_id")
        return self


class CommentData(Fields):
    id: Id
    target_type: Annotated[str, PlainValidator(_one_of("objective", "key_result", "check_in"))]
    target_id: Id
    parent_id: Id | None = None
    body: Annotated[str, PlainValidator(_string(MAX_TEXT, nonempty=True))]

    @model_validator(mode="after")
    def _not_own_parent(self) -> CommentData:
        if self.parent_id == self.id:
            raise _fail("a comment cannot reply to itself", "parent_id")
        return self


VERDICTS = {"objective": ("approved", "changes_requested"), "dependency": ("agreed", "declined")}
MAX_SNAPSHOT = 64_000  # a decision's snapshot: the objective and its KRs (titles and numbers) as JSON


class DecisionData(Fields):
    """A lead's verdict on an objective, or a KR owner's answer to a dependency (okrtui.method.cycle)."""

    id: Id
    subject_type: Annotated[str, PlainValidator(_one_of(*VERDICTS))]
    subject_id: Id
    verdict: Annotated[str, PlainValidator(_one_of(*(v for vs in VERDICTS.values() for v in vs)))]
    note: Text = ""
    basis: Annotated[str, PlainValidator(_string(200))] = ""
    content: Annotated[str, PlainValidator(_string(MAX_SNAPSHOT))] = ""  # what it saw (okrtui.method.covers)

    @model_validator(mode="after")
    def _verdict_fits(self) -> DecisionData:
        if self.verdict not in VERDICTS[self.subject_type]:
            raise _fail(f"a decision on a {self.subject_type} is one of {', '.join(VERDICTS[self.subject_type])}",
                        "verdict")
        return self


class ReflectionData(Fields):
    id: Id
    person_id: Id | None = None
    period_id: Label
    question: Question
    answer: Text = ""


class MetricData(Fields):
    """A health metric (okrtui.method.health): at least `low`, at most `high`, between both, or neither."""

    id: Id
    name: PersonName
    unit: Unit = ""
    description: Text = ""
    owner_id: Id | None = None
    team_id: Id | None = None
    cadence: Annotated[str, PlainValidator(_one_of("weekly", "monthly", "quarterly"))] = "weekly"
    low: Number | None = None
    high: Number | None = None
    visibility: Annotated[Visibility, PlainValidator(_choice(Visibility))] = Visibility.SHARED
    since: Day
    archived_on: Day | None = None

    @model_validator(mode="after")
    def _ordered(self) -> MetricData:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise _fail(f"must not be below low ({self.high:g} < {self.low:g})", "high")
        if self.archived_on is not None and self.archived_on < self.since:
            raise _fail(f"{self.archived_on} is before since {self.since}", "archived_on")
        return self


class MeasurementData(Fields):
    id: Id
    metric_id: Id
    date: Day
    value: Number
    note: Text = ""
    author_id: Id | None = None


class Envelope(Fields):
    """What every team-file record carries beside its table's fields."""

    type: str
    id: Id
    origin: Id
    created_at: Stamp | None = None
    updated_at: Stamp
    deleted: Flag


RECORDS: dict[str, type[Fields]] = {
    "person": PersonData, "team": TeamData, "period": PeriodData, "objective": ObjectiveData,
    "key_result": KeyResultData, "check_in": CheckInData, "dependency": DependencyData,
    "reflection": ReflectionData, "comment": CommentData, "decision": DecisionData,
    "metric": MetricData, "measurement": MeasurementData,
}

# okrtui/1 documents name references without the _id suffix.
DOCUMENT_KEYS: dict[str, dict[str, str]] = {
    "objective": {"team": "team_id", "owner": "owner_id", "period": "period_id", "parent": "parent_id",
                  "improves": "improves_id"},
    "key_result": {"owner": "owner_id", "improves": "improves_id"},
    "metric": {"owner": "owner_id", "team": "team_id"},
    "measurement": {"author": "author_id"},
    "check_in": {"author": "author_id"},
    "dependency": {"from": "from_id", "to": "to_id"},
    "reflection": {"person": "person_id", "period": "period_id"},
}


class CheckInInput(Fields):
    """A check-in as a person types it (TUI form, `okrtui checkin`)."""

    value: Number
    confidence: UnitInterval | None = None
    note: Text = ""


class Identity(Fields):
    name: PersonName
    email: Email = ""


# --- checking ----------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def problems(err: ValidationError, rename: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(field path, message) for each error, in the input's own field names."""
    back = {v: k for k, v in (rename or {}).items()}
    out = []
    for e in err.errors():
        loc = [str(p) for p in e["loc"]]
        ctx = e.get("ctx") or {}
        if ctx.get("field"):
            loc.append(str(ctx["field"]))
        loc = [back.get(p, p) for p in loc]
        message = {"missing": "is required", "extra_forbidden": "unknown setting"}.get(e["type"], e["msg"])
        out.append((".".join(loc), message))
    return out


def check(model: type[M], data: Any, path: str = "", rename: Mapping[str, str] | None = None) -> M:
    """Validate one record; raise Invalid naming the first bad field."""
    if not isinstance(data, Mapping):
        raise Invalid(path, f"expected an object, got {describe(data)}")
    if rename:
        data = {rename.get(k, k): v for k, v in data.items()}
    try:
        return model.model_validate(data)
    except ValidationError as err:
        where, message = problems(err, rename)[0]
        raise Invalid(join(path, where) if where else path, message) from None


def check_fields(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate a form: raise FieldErrors with every bad field's message."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        errors: dict[str, str] = {}
        for where, message in problems(err):
            errors.setdefault(where or "form", message)
        raise FieldErrors(errors) from None


@functools.cache
def _adapter(hint: Any) -> TypeAdapter[Any]:
    return TypeAdapter(hint)


def check_value(hint: Any, value: Any, path: str = "") -> Any:
    """One value checked by its type (`Number`, `Month`, `Model.field`'s): raise Invalid naming `path`."""
    try:
        return _adapter(hint).validate_python(value)
    except ValidationError as err:
        where, message = problems(err)[0]
        raise Invalid(join(path, where) if where else path, message) from None


def field_type(model: type[BaseModel], name: str) -> Any:
    """A field's annotated type, checks included, for check_value."""
    return get_type_hints(model, include_extras=True)[name]


class FieldErrors(OkrError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
