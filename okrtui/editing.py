"""Edits from the TUI: objectives, KRs, dependencies, self-scores, reflections, closing a quarter.

`check_*` functions are pure: they turn raw form text into values or a dict of
field → message, so a form can show each message next to its field and save nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from okrtui import lint, periods
from okrtui.errors import OkrError
from okrtui.model import (
    KINDS, LEVELS, STATUSES, VISIBILITIES, Dependency, KeyResult, Objective, Person, Reflection, now_stamp,
)
from okrtui.report import ensure_period
from okrtui.store import check_ins_of_kr, identity, touch, writing

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
        if weight < 0:
            raise ValueError("must not be negative")
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


# --- writes ------------------------------------------------------------------------------------

def _mine(session: Session, record, what: str) -> str:  # noqa: ANN001
    me = identity(session).id
    if record.origin and record.origin != me:
        owner = session.get(Person, record.origin)
        name = owner.name if owner and owner.name else record.origin
        raise OkrError(f"this {what} belongs to {name}; only they can change it")
    return me


def _live(session: Session, model: type, ident: str):  # noqa: ANN202
    row = session.get(model, ident)
    if row is None or row.deleted:
        raise OkrError(f"{ident} no longer exists")
    return row


def activation_blockers(session: Session, objective_id: str, span: periods.Span) -> list[str]:
    """Error-level findings of the quality rules that forbid moving an objective to active."""
    from okrtui import report

    me = identity(session).id
    rep = report.build(session, span, span.start, me, team=True)
    rep.objectives = [o for o in rep.objectives if o.id == objective_id]
    for o in rep.objectives:
        o.status = "active"  # judged as it would be once active
    return [f"{f.rule}: {f.message}" for f in lint.check(rep) if f.level == "error"]


def save_objective(engine: Engine, span: periods.Span, values: dict, objective_id: str | None = None) -> str:
    with writing(engine) as session:
        me = identity(session).id
        ensure_period(session, span, me)
        if objective_id is None:
            if values["status"] == "active":
                raise FormErrors({"status": "a new objective has no key result yet: save it as draft first"})
            count = len(session.exec(select(Objective.id).where(Objective.period_id == span.label)).all())
            row = Objective(**values, owner_id=me, period_id=span.label, origin=me, position=count)
            session.add(row)
            return row.id
        row = _live(session, Objective, objective_id)
        _mine(session, row, "objective")
        if values["parent_id"] == row.id:
            raise FormErrors({"parent_id": "an objective cannot be its own parent"})
        if values["status"] == "active" and row.status != "active":
            blockers = activation_blockers(session, row.id, span)
            if blockers:
                raise FormErrors({"status": "cannot activate: " + "; ".join(blockers)})
        touch(row, **values)
        session.add(row)
        return row.id


def save_key_result(engine: Engine, values: dict, kr_id: str | None = None) -> str:
    with writing(engine) as session:
        me = identity(session).id
        target = _live(session, Objective, values["objective_id"])
        _mine(session, target, "objective")
        if kr_id is None:
            count = len(session.exec(select(KeyResult.id).where(KeyResult.objective_id == target.id)).all())
            row = KeyResult(**values, origin=me, position=count)
            session.add(row)
            return row.id
        row = _live(session, KeyResult, kr_id)
        _mine(session, row, "key result")
        touch(row, **values)
        session.add(row)
        return row.id


def delete(engine: Engine, model: type, ident: str) -> None:
    """Tombstones (an objective takes its KRs and their check-ins with it)."""
    with writing(engine) as session:
        row = _live(session, model, ident)
        _mine(session, row, "record")
        stamp = now_stamp()
        rows = [row]
        if model is Objective:
            krs = session.exec(select(KeyResult).where(KeyResult.objective_id == ident)).all()
            rows += krs
            for kr in krs:
                rows += list(check_ins_of_kr(session, kr.id))
        elif model is KeyResult:
            rows += list(check_ins_of_kr(session, ident))
        for r in rows:
            if not r.deleted:
                r.deleted, r.updated_at = True, stamp
                session.add(r)


def move(engine: Engine, model: type, ident: str, step: int) -> None:
    """Swap a row with its neighbour (objectives in the period, KRs in the objective)."""
    with writing(engine) as session:
        row = _live(session, model, ident)
        _mine(session, row, "record")
        if model is Objective:
            rows = session.exec(select(Objective).where(Objective.period_id == row.period_id,
                                                        Objective.deleted == False)).all()  # noqa: E712
        else:
            rows = session.exec(select(KeyResult).where(KeyResult.objective_id == row.objective_id,
                                                        KeyResult.deleted == False)).all()  # noqa: E712
        rows = sorted(rows, key=lambda r: (r.position, r.id))
        i = [r.id for r in rows].index(ident)
        j = i + step
        if not 0 <= j < len(rows):
            return
        rows[i], rows[j] = rows[j], rows[i]
        for pos, r in enumerate(rows):
            touch(r, position=pos)
            session.add(r)


def add_dependency(engine: Engine, from_id: str, to_id: str, note: str) -> str:
    if from_id == to_id:
        raise FormErrors({"to_id": "choose a different objective or key result"})
    with writing(engine) as session:
        me = identity(session).id
        row = Dependency(from_id=from_id, to_id=to_id, note=note, origin=me)
        session.add(row)
        return row.id


def dependencies(session: Session) -> list[Dependency]:
    return list(session.exec(select(Dependency).where(Dependency.deleted == False)).all())  # noqa: E712


def set_self_score(engine: Engine, kr_id: str, score: float | None, comment: str) -> None:
    with writing(engine) as session:
        row = _live(session, KeyResult, kr_id)
        _mine(session, row, "key result")
        touch(row, self_score=score, score_comment=comment)
        session.add(row)


def reflections(session: Session, person_id: str, period_id: str) -> dict[str, str]:
    rows = session.exec(select(Reflection).where(Reflection.person_id == person_id,
                                                 Reflection.period_id == period_id,
                                                 Reflection.deleted == False)).all()  # noqa: E712
    return {r.question: r.answer for r in rows}


def save_reflections(engine: Engine, span: periods.Span, answers: dict[str, str]) -> None:
    with writing(engine) as session:
        me = identity(session).id
        ensure_period(session, span, me)
        existing = {r.question: r for r in session.exec(select(Reflection).where(
            Reflection.person_id == me, Reflection.period_id == span.label)).all()}
        for question, answer in answers.items():
            row = existing.get(question)
            if row is None:
                session.add(Reflection(person_id=me, period_id=span.label, question=question, answer=answer,
                                       origin=me))
            else:
                touch(row, answer=answer, deleted=False)
                session.add(row)


@dataclass
class Closed:
    closed: int
    carried: list[str]


def close_quarter(engine: Engine, span: periods.Span, carry: list[str], fy_month: int = 1) -> Closed:
    """Close the user's objectives of the period; copy the chosen ones into the next quarter as drafts.

    The copies start where the old KRs ended (the latest value becomes the new start);
    history stays with the closed objectives.
    """
    nxt = periods.shift(span.label, 1, fy_month) if periods.is_quarter_label(span.label) else None
    with writing(engine) as session:
        me = identity(session).id
        mine = session.exec(select(Objective).where(Objective.period_id == span.label, Objective.origin == me,
                                                    Objective.deleted == False)).all()  # noqa: E712
        if carry and nxt is None:
            raise OkrError(f"{span.label} is a custom period: there is no next quarter to carry into")
        if nxt is not None:
            ensure_period(session, nxt, me)
        carried = []
        closed = 0
        for obj in mine:
            if obj.status not in ("closed", "archived"):
                touch(obj, status="closed")
                session.add(obj)
                closed += 1
            if obj.id in carry:
                carried.append(_carry(session, obj, nxt.label, me))
        return Closed(closed, carried)


def _carry(session: Session, obj: Objective, period_id: str, me: str) -> str:
    copy = Objective(title=obj.title, description=obj.description, level=obj.level, team_id=obj.team_id,
                     owner_id=obj.owner_id, period_id=period_id, parent_id=None, status="draft",
                     visibility=obj.visibility, position=obj.position, origin=me)
    session.add(copy)
    session.flush()
    krs = session.exec(select(KeyResult).where(KeyResult.objective_id == obj.id,
                                               KeyResult.deleted == False)).all()  # noqa: E712
    for kr in krs:
        history = check_ins_of_kr(session, kr.id)
        start = kr.start
        if kr.kind in ("increase", "decrease") and history:
            start = history[-1].value
        session.add(KeyResult(objective_id=copy.id, title=kr.title, owner_id=kr.owner_id, kind=kr.kind,
                              unit=kr.unit, start=start, target=kr.target, low=kr.low, high=kr.high,
                              weight=kr.weight, position=kr.position, origin=me))
    return copy.id
