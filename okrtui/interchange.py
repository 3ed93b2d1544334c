"""okrtui/1 documents: validate all of it, then write all of it in one transaction, or nothing.

Validation runs before any write and names the exact field at fault,
e.g. `objectives[2].key_results[0].target: expected a number`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from okrtui import periods
from okrtui.errors import OkrError
from okrtui.domain import ID_RE, KINDS, LEVELS, STATUSES, VISIBILITIES
from okrtui.model import CheckIn, Dependency, KeyResult, Objective, Period, Person, Reflection, Team
from okrtui.views import num
from okrtui.store import get_meta, identity, reading, touch, writing

FORMAT = "okrtui/1"
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TITLE = 500
MAX_NAME = 200
MAX_TEXT = 10_000
MAX_UNIT = 32


class Invalid(OkrError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)


class _NonFinite:
    """NaN / Infinity read from JSON: kept so the message can name the field."""

    def __init__(self, token: str) -> None:
        self.token = token


# --- reading -----------------------------------------------------------------------

def read_document(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise OkrError(f"{path} is a directory, not a document")
        if size > MAX_FILE_BYTES:
            raise OkrError(f"{path} is {size // 2**20} MiB; an okrtui/1 document may be at most 64 MiB")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise OkrError(f"no such file: {path}") from None
    except PermissionError:
        raise OkrError(f"cannot read {path}: permission denied") from None
    return parse_document(raw)


def parse_document(raw: bytes) -> Any:
    if not raw.strip():
        raise OkrError("the document is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise OkrError(f"the document is not UTF-8 (byte {err.start})") from None
    try:
        return json.loads(text, parse_constant=_NonFinite)
    except json.JSONDecodeError as err:
        raise OkrError(f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    except RecursionError:
        raise OkrError("not valid JSON: nested too deeply") from None


# --- field checks ----------------------------------------------------------------------

def _obj(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise Invalid(path, f"expected an object, got {_kind(value)}")
    return value


def _list(data: dict, key: str, path: str) -> list:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(_join(path, key), f"expected a list, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, _NonFinite):
        return value.token
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _str(data: dict, key: str, path: str, *, required: bool = False, limit: int = MAX_TEXT,
         default: str = "", nonempty: bool = False) -> str:
    where = _join(path, key)
    if key not in data or data[key] is None:
        if required:
            raise Invalid(where, "is required")
        return default
    value = data[key]
    if not isinstance(value, str):
        raise Invalid(where, f"expected a string, got {_kind(value)}")
    if len(value) > limit:
        raise Invalid(where, f"is {len(value)} characters long; at most {limit} are allowed")
    if (nonempty or required) and not value.strip():
        raise Invalid(where, "must not be empty")
    return value


def _id(data: dict, key: str, path: str, *, required: bool = False) -> str | None:
    value = _str(data, key, path, required=required, limit=1000, default="")
    if not value and not required:
        return None
    if not ID_RE.match(value):
        raise Invalid(_join(path, key), f"{value[:70]!r} is not a valid id (1-64 of A-Z a-z 0-9 . _ : -)")
    return value


def _num(data: dict, key: str, path: str, *, required: bool = False, default: float | None = None,
         lo: float | None = None, hi: float | None = None) -> float | None:
    where = _join(path, key)
    if key not in data or data[key] is None:
        if required:
            raise Invalid(where, "is required" if key not in data else "expected a number, got null")
        return default
    value = data[key]
    if isinstance(value, _NonFinite):
        raise Invalid(where, f"expected a finite number, got {value.token}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid(where, f"expected a number, got {_kind(value)}")
    try:
        value = float(value)
    except OverflowError:
        raise Invalid(where, "number is too large") from None
    if not math.isfinite(value):
        raise Invalid(where, "expected a finite number")
    if lo is not None and value < lo or hi is not None and value > hi:
        raise Invalid(where, f"expected a number from {lo:g} to {hi:g}, got {value:g}")
    return value


def _enum(data: dict, key: str, path: str, choices: tuple[str, ...], default: str) -> str:
    value = _str(data, key, path, default=default, limit=100)
    if value not in choices:
        raise Invalid(_join(path, key), f"expected one of {', '.join(choices)}, got {value[:40]!r}")
    return value


def _date(data: dict, key: str, path: str) -> dt.date:
    value = _str(data, key, path, required=True, limit=100)
    try:
        return periods.parse_date(value)
    except ValueError:
        raise Invalid(_join(path, key), f"expected a date YYYY-MM-DD, got {value[:40]!r}") from None


# --- the validated document ------------------------------------------------------------

@dataclass
class Document:
    people: list[dict] = field(default_factory=list)
    teams: list[dict] = field(default_factory=list)
    periods: list[dict] = field(default_factory=list)
    objectives: list[dict] = field(default_factory=list)
    key_results: list[dict] = field(default_factory=list)
    check_ins: list[dict] = field(default_factory=list)
    dependencies: list[dict] = field(default_factory=list)
    reflections: list[dict] = field(default_factory=list)


class _Ids:
    """Ids seen in the document, to refuse duplicates and resolve references."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, str]] = {}

    def add(self, space: str, ident: str, path: str) -> None:
        table = self.seen.setdefault(space, {})
        if ident in table:
            raise Invalid(path, f"duplicate id {ident!r} (also at {table[ident]})")
        table[ident] = path

    def has(self, space: str, ident: str) -> bool:
        return ident in self.seen.get(space, {})


def validate(data: Any, session: Session, fy_month: int = 1) -> Document:
    root = _obj(data, "document")
    if "format" not in root:
        raise Invalid("format", f"is required (expected {FORMAT!r})")
    if root["format"] != FORMAT:
        raise Invalid("format", f"expected {FORMAT!r}, got {str(root['format'])[:40]!r}")
    doc = Document()
    ids = _Ids()

    for i, raw in enumerate(_list(root, "people", "")):
        p = f"people[{i}]"
        row = _obj(raw, p)
        pid = _id(row, "id", p, required=True)
        ids.add("person", pid, f"{p}.id")
        doc.people.append({"id": pid, "name": _str(row, "name", p, limit=MAX_NAME),
                           "email": _str(row, "email", p, limit=MAX_NAME)})
    for i, raw in enumerate(_list(root, "teams", "")):
        p = f"teams[{i}]"
        row = _obj(raw, p)
        tid = _id(row, "id", p, required=True)
        ids.add("team", tid, f"{p}.id")
        doc.teams.append({"id": tid, "name": _str(row, "name", p, limit=MAX_NAME),
                          "mission": _str(row, "mission", p), "vision": _str(row, "vision", p)})
    for i, raw in enumerate(_list(root, "periods", "")):
        p = f"periods[{i}]"
        row = _obj(raw, p)
        pid = _id(row, "id", p, required=True)
        ids.add("period", pid, f"{p}.id")
        start, end = _date(row, "start", p), _date(row, "end", p)
        if end < start:
            raise Invalid(f"{p}.end", f"{end} is before start {start}")
        doc.periods.append({"id": pid, "start": start, "end": end})

    def exists(space: str, model: type, ident: str) -> bool:
        if ids.has(space, ident):
            return True
        row = session.get(model, ident)
        return row is not None

    def ref(row: dict, key: str, path: str, space: str, model: type) -> str | None:
        ident = _id(row, key, path)
        if ident is not None and not exists(space, model, ident):
            raise Invalid(_join(path, key), f"unknown {space} {ident!r}")
        return ident

    objectives_raw = _list(root, "objectives", "")
    for i, raw in enumerate(objectives_raw):  # ids first: parents may come later in the list
        p = f"objectives[{i}]"
        ids.add("objective", _id(_obj(raw, p), "id", p, required=True), f"{p}.id")
    for i, raw in enumerate(objectives_raw):
        p = f"objectives[{i}]"
        row = raw
        oid = row["id"]
        period = _str(row, "period", p, required=True, limit=64)
        if not (ids.has("period", period) or periods.is_quarter_label(period)
                or session.get(Period, period) is not None):
            raise Invalid(f"{p}.period", f"unknown period {period!r} (use YYYY-Qn or a periods entry)")
        parent = ref(row, "parent", p, "objective", Objective)
        if parent == oid:
            raise Invalid(f"{p}.parent", "an objective cannot be its own parent")
        doc.objectives.append({
            "id": oid, "title": _str(row, "title", p, required=True, limit=MAX_TITLE),
            "description": _str(row, "description", p),
            "level": _enum(row, "level", p, LEVELS, "personal"),
            "team_id": ref(row, "team", p, "team", Team),
            "owner_id": ref(row, "owner", p, "person", Person),
            "period_id": period, "parent_id": parent,
            "status": _enum(row, "status", p, STATUSES, "active"),
            "visibility": _enum(row, "visibility", p, VISIBILITIES, "shared"),
            "position": i,
        })
        for j, kraw in enumerate(_list(row, "key_results", p)):
            _key_result(kraw, f"{p}.key_results[{j}]", oid, j, doc, ids, ref)
    _check_parent_cycles(doc.objectives, session)

    for i, raw in enumerate(_list(root, "dependencies", "")):
        p = f"dependencies[{i}]"
        row = _obj(raw, p)
        did = _id(row, "id", p, required=True)
        ids.add("dependency", did, f"{p}.id")
        ends = []
        for key in ("from", "to"):
            end = _id(row, key, p, required=True)
            if not (exists("objective", Objective, end) or exists("key_result", KeyResult, end)):
                raise Invalid(f"{p}.{key}", f"unknown objective or key result {end!r}")
            ends.append(end)
        if ends[0] == ends[1]:
            raise Invalid(f"{p}.to", "a dependency must link two different records")
        doc.dependencies.append({"id": did, "from_id": ends[0], "to_id": ends[1],
                                 "note": _str(row, "note", p)})

    for i, raw in enumerate(_list(root, "reflections", "")):
        p = f"reflections[{i}]"
        row = _obj(raw, p)
        rid = _id(row, "id", p, required=True)
        ids.add("reflection", rid, f"{p}.id")
        person = ref(row, "person", p, "person", Person)
        period = _str(row, "period", p, required=True, limit=64)
        if not (ids.has("period", period) or periods.is_quarter_label(period)
                or session.get(Period, period) is not None):
            raise Invalid(f"{p}.period", f"unknown period {period!r}")
        doc.reflections.append({"id": rid, "person_id": person, "period_id": period,
                                "question": _str(row, "question", p, required=True, limit=100),
                                "answer": _str(row, "answer", p)})
    return doc


def _key_result(raw: Any, p: str, objective_id: str, position: int, doc: Document, ids: _Ids, ref) -> None:  # noqa: ANN001
    row = _obj(raw, p)
    kid = _id(row, "id", p, required=True)
    ids.add("key_result", kid, f"{p}.id")
    kind = _str(row, "kind", p, required=True, limit=40)
    if kind not in KINDS:
        raise Invalid(f"{p}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    values: dict[str, float | None] = {"start": None, "target": None, "low": None, "high": None}
    if kind in ("increase", "decrease"):
        values["start"] = _num(row, "start", p, required=True)
        values["target"] = _num(row, "target", p, required=True)
    elif kind == "range":
        values["low"] = _num(row, "low", p, required=True)
        values["high"] = _num(row, "high", p, required=True)
        if values["low"] > values["high"]:
            raise Invalid(f"{p}.high", f"must not be below low ({values['high']:g} < {values['low']:g})")
    unit = _str(row, "unit", p, limit=MAX_UNIT, required=kind == "baseline")
    doc.key_results.append({
        "id": kid, "objective_id": objective_id, "title": _str(row, "title", p, required=True, limit=MAX_TITLE),
        "owner_id": ref(row, "owner", p, "person", Person), "kind": kind, "unit": unit, **values,
        "weight": _num(row, "weight", p, default=1.0, lo=0, hi=1e6),
        "self_score": _num(row, "self_score", p, lo=0, hi=1),
        "score_comment": _str(row, "score_comment", p),
        "position": position,
    })
    for k, craw in enumerate(_list(row, "check_ins", p)):
        cp = f"{p}.check_ins[{k}]"
        crow = _obj(craw, cp)
        cid = _id(crow, "id", cp, required=True)
        ids.add("check_in", cid, f"{cp}.id")
        doc.check_ins.append({
            "id": cid, "kr_id": kid, "date": _date(crow, "date", cp),
            "value": _num(crow, "value", cp, required=True),
            "confidence": _num(crow, "confidence", cp, lo=0, hi=1),
            "note": _str(crow, "note", cp),
            "author_id": ref(crow, "author", cp, "person", Person),
        })


def _check_parent_cycles(objectives: list[dict], session: Session) -> None:
    parents = {o["id"]: o["parent_id"] for o in objectives}
    for i, o in enumerate(objectives):
        seen = {o["id"]}
        cur = o["parent_id"]
        while cur is not None:
            if cur in seen:
                raise Invalid(f"objectives[{i}].parent", "parents form a cycle")
            seen.add(cur)
            if cur in parents:
                cur = parents[cur]
            else:
                row = session.get(Objective, cur)
                cur = row.parent_id if row else None


# --- writing -------------------------------------------------------------------------------

@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def import_document(engine: Engine, data: Any, fy_month: int = 1) -> ImportResult:
    """Validate, then upsert everything in one transaction. Imported rows become the importer's own."""
    result = ImportResult()
    with writing(engine) as session:
        doc = validate(data, session, fy_month)
        me = identity(session).id

        def upsert(model: type, values: dict) -> None:
            row = session.get(model, values["id"])
            if row is None:
                session.add(model(**values, origin=me))
                result.created += 1
            elif touch(row, **values, origin=me, deleted=False):
                result.updated += 1
            else:
                result.unchanged += 1

        for values in doc.people:
            upsert(Person, values)
        for values in doc.teams:
            upsert(Team, values)
        for values in doc.periods:
            upsert(Period, values)
        for label in sorted({o["period_id"] for o in doc.objectives} | {r["period_id"] for r in doc.reflections}):
            if periods.is_quarter_label(label) and session.get(Period, label) is None:
                span = periods.quarter(label, fy_month)
                session.add(Period(id=label, start=span.start, end=span.end, origin=me))
        session.flush()
        for values in _parents_first(doc.objectives):
            upsert(Objective, values)
            session.flush()
        for values in doc.key_results:
            upsert(KeyResult, values)
        session.flush()
        for values in doc.check_ins:
            upsert(CheckIn, values)
        session.flush()
        for values in doc.dependencies:
            upsert(Dependency, values)
        for values in doc.reflections:
            upsert(Reflection, {**values, "person_id": values["person_id"] or me})
    return result


def _parents_first(objectives: list[dict]) -> list[dict]:
    by_id = {o["id"]: o for o in objectives}
    done: set[str] = set()
    ordered: list[dict] = []

    def visit(o: dict) -> None:
        if o["id"] in done:
            return
        done.add(o["id"])
        parent = by_id.get(o["parent_id"])
        if parent is not None:
            visit(parent)
        ordered.append(o)

    for o in objectives:
        visit(o)
    return ordered


def import_file(engine: Engine, path: Path, fy_month: int = 1) -> ImportResult:
    return import_document(engine, read_document(path), fy_month)


# --- export ------------------------------------------------------------------------------------

def export_document(engine: Engine, period: str | None = None) -> dict:
    """The database (or one period of it) as an okrtui/1 document, in a stable order."""
    with reading(engine) as session:
        live = lambda model: select(model).where(model.deleted == False)  # noqa: E731, E712
        objectives = session.exec(live(Objective).order_by(Objective.period_id, Objective.position, Objective.id)).all()
        if period is not None:
            objectives = [o for o in objectives if o.period_id == period]
        obj_ids = {o.id for o in objectives}
        krs = [k for k in session.exec(live(KeyResult).order_by(KeyResult.position, KeyResult.id)).all()
               if k.objective_id in obj_ids]
        kr_ids = {k.id for k in krs}
        check_ins: dict[str, list[CheckIn]] = {}
        for c in session.exec(live(CheckIn).order_by(CheckIn.date, CheckIn.created_at, CheckIn.id)).all():
            if c.kr_id in kr_ids:
                check_ins.setdefault(c.kr_id, []).append(c)
        krs_of: dict[str, list[KeyResult]] = {}
        for k in krs:
            krs_of.setdefault(k.objective_id, []).append(k)
        people = session.exec(live(Person).order_by(Person.id)).all()
        # The local identity is made on first use; unreferenced, it is not part of the OKRs.
        me = get_meta(session, "identity")
        used = {o.owner_id for o in objectives} | {k.owner_id for k in krs} | {
            c.author_id for rows in check_ins.values() for c in rows}
        teams = session.exec(live(Team).order_by(Team.id)).all()
        custom = [p for p in session.exec(live(Period).order_by(Period.id)).all()
                  if not periods.is_quarter_label(p.id)]
        deps = [d for d in session.exec(live(Dependency).order_by(Dependency.id)).all()
                if d.from_id in obj_ids | kr_ids]
        reflections = session.exec(live(Reflection).order_by(Reflection.id)).all()
        if period is not None:
            reflections = [r for r in reflections if r.period_id == period]
        used |= {r.person_id for r in reflections}
        people = [p for p in people if p.id != me or p.id in used]
    return {
        "format": FORMAT,
        "people": [{"id": p.id, "name": p.name, "email": p.email} for p in people],
        "teams": [{"id": t.id, "name": t.name, "mission": t.mission, "vision": t.vision} for t in teams],
        "periods": [{"id": p.id, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in custom],
        "objectives": [_objective_out(o, krs_of.get(o.id, []), check_ins) for o in objectives],
        "dependencies": [{"id": d.id, "from": d.from_id, "to": d.to_id, "note": d.note} for d in deps],
        "reflections": [{"id": r.id, "person": r.person_id, "period": r.period_id, "question": r.question,
                         "answer": r.answer} for r in reflections],
    }


def _objective_out(o: Objective, krs: list[KeyResult], check_ins: dict[str, list[CheckIn]]) -> dict:
    return {
        "id": o.id, "title": o.title, "description": o.description, "level": o.level, "team": o.team_id,
        "owner": o.owner_id, "period": o.period_id, "parent": o.parent_id, "status": o.status,
        "visibility": o.visibility,
        "key_results": [
            {
                "id": k.id, "title": k.title, "owner": k.owner_id, "kind": k.kind, "unit": k.unit,
                "start": num(k.start), "target": num(k.target), "low": num(k.low), "high": num(k.high),
                "weight": num(k.weight), "self_score": k.self_score, "score_comment": k.score_comment,
                "check_ins": [
                    {"id": c.id, "date": c.date.isoformat(), "value": num(c.value), "confidence": c.confidence,
                     "note": c.note, "author": c.author_id}
                    for c in check_ins.get(k.id, [])
                ],
            }
            for k in krs
        ],
    }


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
