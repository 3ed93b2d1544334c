"""Form checks: raw form text → values, or a dict of field → message. Pure: no database, no UI.

Text becomes numbers here; every rule on the values is okrtui.rules.schema's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from okrtui.method import kinds
from okrtui.rules import schema
from okrtui.rules.schema import FieldErrors

__all__ = ["FieldErrors", "check_check_in", "check_key_result", "check_objective", "parse_number",
           "parse_unit_interval"]

# What the objective and KR forms hand over: each field's text, None when blank.
FormInput = Mapping[str, str | None]


def parse_number(text: str, *, required: bool = True) -> float | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise ValueError("a number is required")
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text[:20]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def parse_unit_interval(text: str, *, required: bool = False) -> float | None:
    """Text to a number, then the schema's own 0-1 rule (UnitInterval, through a TypeAdapter)."""
    value = parse_number(text, required=required)
    if value is None:
        return None
    try:
        checked: float = schema.check_value(schema.UnitInterval, value)
    except schema.Invalid as err:
        raise ValueError(err.message) from None
    return checked


def _numbers(raw: FormInput, keys: tuple[str, ...], errors: dict[str, str],
             required: tuple[str, ...] = ()) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key in keys:
        try:
            out[key] = parse_number(raw.get(key) or "", required=key in required)
        except ValueError as err:
            errors[key] = str(err)
    return out


def _title(values: dict[str, Any], errors: dict[str, str]) -> None:
    if not values["title"]:
        errors["title"] = "a title is required"


def _merge(model: type[schema.M], values: dict[str, Any], errors: dict[str, str]) -> schema.M:
    """Schema check, with the text-parsing errors found first kept in front."""
    try:
        checked = schema.check_fields(model, values)
    except FieldErrors as err:
        raise FieldErrors({**err.errors, **errors}) from None
    if errors:
        raise FieldErrors(errors)
    return checked


def check_objective(raw: FormInput) -> dict[str, Any]:
    values = {"title": (raw.get("title") or "").strip(), "description": raw.get("description") or "",
              "level": raw.get("level"), "status": raw.get("status"), "visibility": raw.get("visibility"),
              "parent_id": raw.get("parent_id") or None, "team_id": raw.get("team_id") or None,
              "improves_id": raw.get("improves_id") or None}
    for key in ("level", "status", "visibility"):
        if values[key] is None:
            values[key] = ""  # a form always has a choice; none is a wrong one
    errors: dict[str, str] = {}
    _title(values, errors)
    return _improves(raw, _merge(schema.ObjectiveFields, values, errors).model_dump())


def _improves(raw: FormInput, values: dict[str, Any]) -> dict[str, Any]:
    """`improves_id` is saved only when the form sends it: a form that leaves the field alone keeps the
    link as it is (one to an archived metric, which the form cannot offer, included)."""
    if "improves_id" not in raw:
        values.pop("improves_id", None)
    return values


def check_key_result(raw: FormInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    kind = raw.get("kind")
    known = kinds.get(kind) if isinstance(kind, str) else None
    needed = known.fields if known else ()
    numbers = _numbers(raw, kinds.NUMBER_FIELDS, errors, required=needed)
    try:
        weight = parse_number(raw.get("weight") or "1")
    except ValueError as err:
        errors["weight"] = str(err)
        weight = 1.0
    values = {"title": (raw.get("title") or "").strip(), "kind": kind or "",
              "unit": (raw.get("unit") or "").strip(), "owner_id": raw.get("owner_id") or None,
              "objective_id": raw.get("objective_id") or "", "weight": weight,
              "improves_id": raw.get("improves_id") or None,
              **{k: v for k, v in numbers.items() if k in needed}}
    _title(values, errors)
    if not values["objective_id"]:
        errors["objective_id"] = "choose an objective"
    if known and known.toward and not {"start", "target"} & errors.keys():
        if not known.measurable(numbers["start"], numbers["target"]):
            errors["target"] = f"an {kind} target must be {known.target_side} the start"
    for key in needed:
        if key in errors:
            values[key] = 0.0  # already reported; keep the schema from repeating it
    if known is None:
        errors["kind"] = f"choose one of {', '.join(kinds.names())}"
    checked = _merge(schema.KeyResultFields, values, errors)
    return _improves(raw, checked.model_dump())


def check_check_in(value: str, confidence: str, note: str) -> tuple[float, float | None, str]:
    errors: dict[str, str] = {}
    parsed = _numbers({"value": value}, ("value",), errors, required=("value",))
    try:
        conf = parse_unit_interval(confidence)
    except ValueError as err:
        errors["confidence"] = str(err)
        conf = None
    checked = _merge(schema.CheckInInput, {"value": parsed.get("value") or 0.0, "confidence": conf,
                                           "note": note}, errors)
    return checked.value, checked.confidence, checked.note
