"""Form checks: raw form text → values, or a dict of field → message. Pure: no database, no UI."""

from __future__ import annotations

import math

from okrtui import lint
from okrtui.domain import KINDS, LEVELS, STATUSES, VISIBILITIES
from okrtui.errors import OkrError

MAX_TITLE = 500


class FormErrors(OkrError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


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
    value = parse_number(text, required=required)
    if value is not None and not 0 <= value <= 1:
        raise ValueError("must be from 0.0 to 1.0")
    return value


def _title(raw: dict, errors: dict) -> str:
    title = (raw.get("title") or "").strip()
    if not title:
        errors["title"] = "a title is required"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"at most {MAX_TITLE} characters"
    return title


def check_objective(raw: dict) -> dict:
    errors: dict[str, str] = {}
    values = {"title": _title(raw, errors), "description": raw.get("description") or ""}
    for key, choices in (("level", LEVELS), ("status", STATUSES), ("visibility", VISIBILITIES)):
        if raw.get(key) not in choices:
            errors[key] = f"choose one of {', '.join(choices)}"
        values[key] = raw.get(key)
    values["parent_id"] = raw.get("parent_id") or None
    values["team_id"] = raw.get("team_id") or None
    if errors:
        raise FormErrors(errors)
    return values


def check_key_result(raw: dict) -> dict:
    errors: dict[str, str] = {}
    kind = raw.get("kind")
    values = {"title": _title(raw, errors), "kind": kind, "unit": (raw.get("unit") or "").strip(),
              "start": None, "target": None, "low": None, "high": None,
              "owner_id": raw.get("owner_id") or None, "objective_id": raw.get("objective_id")}
    if kind not in KINDS:
        errors["kind"] = f"choose one of {', '.join(KINDS)}"
    fields = {"increase": ("start", "target"), "decrease": ("start", "target"), "range": ("low", "high")}
    for key in fields.get(kind, ()):
        try:
            values[key] = parse_number(raw.get(key, ""))
        except ValueError as err:
            errors[key] = str(err)
    if kind in ("increase", "decrease") and "start" not in errors and "target" not in errors:
        if not lint.measurable(kind, values["start"], values["target"]):
            side = "above" if kind == "increase" else "below"
            errors["target"] = f"an {kind} target must be {side} the start"
    if kind == "range" and "low" not in errors and "high" not in errors and values["low"] > values["high"]:
        errors["high"] = "high must not be below low"
    if kind == "baseline" and not values["unit"]:
        errors["unit"] = "a baseline needs the unit it measures"
    if len(values["unit"]) > 32:
        errors["unit"] = "at most 32 characters"
    try:
        weight = parse_number(raw.get("weight") or "1")
        if not 0 <= weight <= 1e6:
            raise ValueError("must be from 0 to 1,000,000")
        values["weight"] = weight
    except ValueError as err:
        errors["weight"] = str(err)
    if not values["objective_id"]:
        errors["objective_id"] = "choose an objective"
    if errors:
        raise FormErrors(errors)
    return values


def check_check_in(value: str, confidence: str, note: str) -> tuple[float, float | None, str]:
    errors: dict[str, str] = {}
    parsed_value = parsed_conf = None
    try:
        parsed_value = parse_number(value)
    except ValueError as err:
        errors["value"] = str(err)
    try:
        parsed_conf = parse_unit_interval(confidence)
    except ValueError as err:
        errors["confidence"] = str(err)
    if len(note) > 10_000:
        errors["note"] = "at most 10,000 characters"
    if errors:
        raise FormErrors(errors)
    return parsed_value, parsed_conf, note
