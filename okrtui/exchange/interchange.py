"""okrtui/1 documents: validate all of it, then write all of it in one transaction, or nothing.

Validation runs before any write and names the exact field at fault,
e.g. `objectives[2].key_results[0].target: expected a number`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from okrtui.core.errors import OkrError
from okrtui.core.text import count, json_safe, plain
from okrtui.cycle import conversation
from okrtui.exchange import movein
from okrtui.exchange.document import Document
from okrtui.method import owners, periods
from okrtui.method.cycle import APPROVED, Conversation
from okrtui.method.domain import ID_RE
from okrtui.method.views import answers, num
from okrtui.rules import fieldrules, schema
from okrtui.rules.schema import Invalid
from okrtui.storage import bulk
from okrtui.storage.backend import of
from okrtui.storage.model import (
    CheckIn,
    Dependency,
    KeyResult,
    Measurement,
    Metric,
    Objective,
    Period,
    Person,
    Reflection,
    Team,
)
from okrtui.storage.store import identity, my_id, reading, writing

FORMAT = "okrtui/1"
MAX_FILE_BYTES = 64 * 1024 * 1024


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
        return json.loads(text, parse_constant=schema.NonFinite)
    except json.JSONDecodeError as err:
        raise OkrError(f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    except RecursionError:
        raise OkrError("not valid JSON: nested too deeply") from None


# --- validating a document (okrtui.exchange.document holds what comes out) -------------

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


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(path, f"expected an object, got {schema.describe(value)}")
    return value


def _list(data: dict[str, Any], key: str, path: str) -> list[Any]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(schema.join(path, key), f"expected a list, got {schema.describe(value)}")
    return value


def _record(kind: str, row: dict[str, Any], path: str, drop: str = "", **extra: Any) -> dict[str, Any]:
    """One document entry checked through the schema, as stored field values."""
    data = {k: v for k, v in row.items() if k != drop}
    data.update(extra)
    checked = schema.check(schema.RECORDS[kind], data, path, schema.DOCUMENT_KEYS.get(kind))
    return dict(checked.__dict__)  # the fields as validated: model_dump() was a third of an import's checks


def _keep_unsaid(values: dict[str, Any], raw: Any, fields: dict[str, str]) -> None:
    """Fields of the OKR cycle a document leaves out keep their stored value (an older export)."""
    for name, key in fields.items():
        if isinstance(raw, dict) and key not in raw and name not in raw:
            values.pop(name, None)


def _approval_first(session: Session, doc: Document, values: dict[str, Any], path: str,
                    approvals: dict[str, bool]) -> None:
    """An import never makes an objective of a team that asks for approval active (docs/team.md).
    `approvals` keeps each team's answer: one lookup a team, and the objective's stored status is
    read only for a team that asks (a 2,000-objective import made 4,000 lookups)."""
    team_id = values.get("team_id")
    if values.get("status") not in ("active", "closed", "archived") or not team_id:
        return
    if team_id not in approvals:
        team = next((t for t in doc.teams if t["id"] == team_id), None)
        if team is not None and "approval" in team:
            approvals[team_id] = bool(team.get("approval"))
        else:
            stored = session.get(Team, team_id)
            approvals[team_id] = bool(stored is not None and stored.approval)
    if not approvals[team_id]:
        return
    row = session.get(Objective, values["id"])
    if values["status"] == "active":
        if row is None or row.status != "active":
            raise Invalid(f"{path}.status", f"team {team_id} asks for approval: import it as a draft, "
                          "then submit it (okrtui submit) for its lead")
        return
    # closed, archived: only an objective its lead approved (as stored), or one ended already
    if row is not None and row.status in ("closed", "archived"):
        return
    rev = conversation.review_of(session, row, conversation.conversation(session, my_id(session))) \
        if row is not None else None
    if rev is None or rev.state != APPROVED:
        raise Invalid(f"{path}.status", f"team {team_id} asks for approval: only an objective its lead approved is "
                      f"{values['status']}; import it as a draft, then submit it (okrtui submit) for its lead")


class _Refs:
    """Resolves a document's references against the document itself, then the database."""

    def __init__(self, session: Session, ids: _Ids) -> None:
        self.session, self.ids = session, ids
        self.stored: dict[type, set[str]] = {}  # a table's ids, read once at its first outside reference

    def in_database(self, model: type, ident: str) -> bool:
        if model not in self.stored:
            self.stored[model] = bulk.existing_ids(self.session.connection(), model)
        return ident in self.stored[model]

    def exists(self, space: str, model: type, ident: str) -> bool:
        return self.ids.has(space, ident) or self.in_database(model, ident)

    def check(self, ident: str | None, path: str, space: str, model: type) -> None:
        if ident is not None and not self.exists(space, model, ident):
            raise Invalid(path, f"unknown {space} {ident!r}")

    def period(self, label: str, path: str, hint: str = "") -> None:
        if not (self.ids.has("period", label) or periods.is_quarter_label(label)
                or self.in_database(Period, label)):
            raise Invalid(path, f"unknown period {label!r}{hint}")


def _not_future(day: dt.date | None, today: dt.date | None, path: str) -> None:
    """No day imported (a check-in's, an objective's activation) is after today (docs/method.md, "No
    future dates"). Stamps are the machine clock's, not a day someone chose: not checked here."""
    if day is None or today is None:
        return
    why = periods.after_today(day, today)
    if why:
        raise Invalid(path, f"{why}: nothing is recorded ahead of time")


def validate(data: Any, session: Session, fy_month: int = 1, today: dt.date | None = None) -> Document:
    root = _obj(data, "document")
    if "format" not in root:
        raise Invalid("format", f"is required (expected {FORMAT!r})")
    if root["format"] != FORMAT:
        raise Invalid("format", f"expected {FORMAT!r}, got {str(root['format'])[:40]!r}")
    doc = Document()
    ids = _Ids()
    refs = _Refs(session, ids)

    for key, kind, out in (("people", "person", doc.people), ("teams", "team", doc.teams),
                           ("periods", "period", doc.periods)):
        for i, raw in enumerate(_list(root, key, "")):
            values = _record(kind, _obj(raw, f"{key}[{i}]"), f"{key}[{i}]")
            ids.add(kind, values["id"], f"{key}[{i}].id")
            _keep_unsaid(values, raw, {"approval": "approval", "lead_id": "lead"} if kind == "team" else {})
            out.append(values)

    _metrics(root, doc, ids, refs, today)
    plain = _plain_check_ins(root, today)
    checked = []
    approvals: dict[str, bool] = {}  # a team's "asks for approval", looked up once
    for i, raw in enumerate(_list(root, "objectives", "")):  # ids first: parents may come later
        p = f"objectives[{i}]"
        row = _obj(raw, p)
        values = _record("objective", row, p, drop="key_results", position=i)
        ids.add("objective", values["id"], f"{p}.id")
        _keep_unsaid(values, row, {"submitted_at": "submitted_at"})
        _not_future(values.get("activated_on"), today, f"{p}.activated_on")
        _approval_first(session, doc, values, p, approvals)
        checked.append((p, values, _list(row, "key_results", p)))
    for p, values, krs in checked:
        refs.period(values["period_id"], f"{p}.period", " (use YYYY-Qn or a periods entry)")
        refs.check(values["parent_id"], f"{p}.parent", "objective", Objective)
        refs.check(values["team_id"], f"{p}.team", "team", Team)
        refs.check(values["owner_id"], f"{p}.owner", "person", Person)
        refs.check(values["improves_id"], f"{p}.improves", "metric", Metric)
        doc.objectives.append(values)
        for j, kraw in enumerate(krs):
            _key_result(kraw, f"{p}.key_results[{j}]", values["id"], j, doc, ids, refs, today, plain)
    _check_parent_cycles(doc.objectives, session)

    for i, raw in enumerate(_list(root, "dependencies", "")):
        p = f"dependencies[{i}]"
        values = _record("dependency", _obj(raw, p), p)
        ids.add("dependency", values["id"], f"{p}.id")
        for key in ("from", "to"):
            end = values[f"{key}_id"]
            if not (refs.exists("objective", Objective, end) or refs.exists("key_result", KeyResult, end)):
                raise Invalid(f"{p}.{key}", f"unknown objective or key result {end!r}")
        doc.dependencies.append(values)

    for i, raw in enumerate(_list(root, "reflections", "")):
        p = f"reflections[{i}]"
        values = _record("reflection", _obj(raw, p), p)
        ids.add("reflection", values["id"], f"{p}.id")
        refs.check(values["person_id"], f"{p}.person", "person", Person)
        refs.period(values["period_id"], f"{p}.period")
        doc.reflections.append(values)
    return doc


# (id, date, value, confidence, note, author) of a check-in that passed every field rule, by id() of its entry
Checked = dict[int, tuple[str, dt.date, float, float | None, str, str | None]]


def _plain_check_ins(root: dict[str, Any], today: dt.date | None) -> Checked | None:
    """Every check-in of the document through the schema's field rules a column at a time, or None
    when any entry is not plain: not an object, a key beside _CHECK_IN_KEYS that names a field, a
    value a rule refuses, a date after `today`. Then validate() checks each entry through the
    schema, one by one, and names the first problem exactly as ever: this only speeds up documents
    with none (130,000 check-ins through pydantic, one by one, were most of an import's time)."""
    entries: list[dict[str, Any]] = []
    for o in root.get("objectives") or ():
        if type(o) is not dict:
            return None
        krs = o.get("key_results")
        if krs is None:
            continue
        if type(krs) is not list:
            return None
        for kr in krs:
            if type(kr) is not dict:
                return None
            cis = kr.get("check_ins")
            if cis is None:
                continue
            if type(cis) is not list:
                return None
            entries += cis
    if not all(type(c) is dict and not ("author_id" in c or "kr_id" in c) for c in entries):
        return None
    try:
        idents = [c["id"] for c in entries]
        raw_days = [c["date"] for c in entries]
        raw_values = [c["value"] for c in entries]
    except KeyError:
        return None  # "is required"
    confidences = [c.get("confidence") for c in entries]
    notes = [c.get("note", "") for c in entries]
    authors = [c.get("author") for c in entries]
    known = [a for a in authors if a is not None]
    if not {type(v) for v in (*idents, *known)} <= {str} or not all(map(ID_RE.match, idents)) \
            or not all(map(ID_RE.match, known)):
        return None
    try:
        days = {text: periods.parse_date(text) for text in set(raw_days)}
    except (TypeError, ValueError):  # not a string, not YYYY-MM-DD, or not hashable
        return None
    if today is not None and any(periods.after_today(day, today) for day in days.values()):
        return None
    given = [c for c in confidences if c is not None]
    if not {type(v) for v in (*raw_values, *given)} <= {int, float}:
        return None  # bool, null, text, NaN or Infinity (NonFinite)
    try:
        numbers = list(map(float, raw_values))
        shares = list(map(float, given))
    except OverflowError:
        return None
    if not all(map(math.isfinite, numbers)) or max(map(abs, numbers), default=0.0) > schema.MAX_MAGNITUDE \
            or not all(0 <= c <= 1 for c in shares):
        return None
    if {type(n) for n in notes} - {str} or max(map(len, notes), default=0) > schema.MAX_TEXT \
            or fieldrules.has_half_character("".join(notes)):
        return None
    it = iter(shares)
    conf = [None if c is None else next(it) for c in confidences]
    return {id(c): (ident, days[d], v, cf, note, author)
            for c, ident, d, v, cf, note, author in zip(entries, idents, raw_days, numbers, conf, notes, authors,
                                                          strict=True)}


def _key_result(raw: Any, p: str, objective_id: str, position: int, doc: Document, ids: _Ids,
                refs: _Refs, today: dt.date | None, plain: Checked | None = None) -> None:
    row = _obj(raw, p)
    values = _record("key_result", row, p, drop="check_ins", objective_id=objective_id, position=position)
    ids.add("key_result", values["id"], f"{p}.id")
    refs.check(values["owner_id"], f"{p}.owner", "person", Person)
    refs.check(values["improves_id"], f"{p}.improves", "metric", Metric)
    doc.key_results.append(values)
    days: dict[tuple[Any, Any], str] = {}  # one check-in per KR, author and day (migration 6)
    seen, people = ids.seen.setdefault("check_in", {}), ids.seen.get("person", {})
    for k, craw in enumerate(_list(row, "check_ins", p)):
        cp = f"{p}.check_ins[{k}]"
        if plain is not None:  # checked a column at a time, the same rules: the same values
            ident, when, value, confidence, note, author = plain[id(craw)]
            cvalues: dict[str, Any] = {"id": ident, "kr_id": values["id"], "date": when, "value": value,
                                       "confidence": confidence, "note": note, "author_id": author}
            if ident not in seen and (author is None or author in people) and (author, when) not in days:
                # What the checks below find for it: a new id, an author of the document's (or none),
                # a free day; its date is not after today (_plain_check_ins).
                seen[ident] = f"{cp}.id"
                days[(author, when)] = ident
                doc.check_ins.append(cvalues)
                continue
        else:
            cvalues = _record("check_in", _obj(craw, cp), cp, kr_id=values["id"])
        ids.add("check_in", cvalues["id"], f"{cp}.id")
        refs.check(cvalues["author_id"], f"{cp}.author", "person", Person)
        _not_future(cvalues["date"], today, f"{cp}.date")
        day = (cvalues["author_id"], cvalues["date"])
        if day in days:
            raise Invalid(f"{cp}.date", f"{cvalues['date']} has a check-in on this KR already ({days[day]!r}): "
                          "one check-in per KR, author and day; keep one")
        days[day] = cvalues["id"]
        doc.check_ins.append(cvalues)


def _metrics(root: dict[str, Any], doc: Document, ids: _Ids, refs: _Refs, today: dt.date | None) -> None:
    """Health metrics with their measurements: one name per team in the document, one measurement
    per metric, author and day, each dated inside the metric's life (okrtui.method.health)."""
    names: dict[tuple[str | None, str], str] = {}
    for i, raw in enumerate(_list(root, "metrics", "")):
        p = f"metrics[{i}]"
        row = _obj(raw, p)
        values = _record("metric", row, p, drop="measurements")
        ids.add("metric", values["id"], f"{p}.id")
        refs.check(values["owner_id"], f"{p}.owner", "person", Person)
        refs.check(values["team_id"], f"{p}.team", "team", Team)
        _not_future(values["since"], today, f"{p}.since")
        key = (values["team_id"], values["name"].casefold())
        if key in names:
            raise Invalid(f"{p}.name", f"{values['name']!r} is also the name of {names[key]} in the same team")
        names[key] = p
        doc.metrics.append(values)
        days: dict[tuple[str | None, Any], str] = {}
        for k, mraw in enumerate(_list(row, "measurements", p)):
            mp = f"{p}.measurements[{k}]"
            mvalues = _record("measurement", _obj(mraw, mp), mp, metric_id=values["id"])
            ids.add("measurement", mvalues["id"], f"{mp}.id")
            refs.check(mvalues["author_id"], f"{mp}.author", "person", Person)
            day = mvalues["date"]
            _not_future(day, today, f"{mp}.date")
            if day < values["since"] or (values["archived_on"] is not None and day > values["archived_on"]):
                raise Invalid(f"{mp}.date", f"{day} is outside the metric's life ({values['since']} .. "
                              f"{values['archived_on'] or 'now'})")
            if (mvalues["author_id"], day) in days:
                raise Invalid(f"{mp}.date", f"a second measurement on {day} (also at {days[(mvalues['author_id'], day)]})")
            days[(mvalues["author_id"], day)] = mp
            doc.measurements.append(mvalues)


def _check_parent_cycles(objectives: list[dict[str, Any]], session: Session) -> None:
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
class ImportResult(bulk.Counts):
    notes: list[str] = field(default_factory=list)  # what was left out, said plainly

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def import_document(engine: Engine, data: Any, fy_month: int = 1, progress: bulk.Progress | None = None,
                    today: dt.date | None = None) -> ImportResult:
    """Validate, then upsert everything in one transaction. Imported rows become the importer's own.
    With `today`, anything dated after it refuses the whole document."""
    result = ImportResult()
    moving_in = of(engine).enforces_ownership()  # into a database that keeps each to their own: docs/postgres.md
    with writing(engine) as session:
        try:
            doc = validate(data, session, fy_month, today)
        except Invalid as err:
            if moving_in:
                raise movein.whom_to_add(err) from None
            raise
        me = identity(session).id
        if moving_in:
            marks = movein.marked_origins(data)
            movein.refuse_teams_led_elsewhere(session, doc, marks, me)
            result.notes += movein.leave_out_others(session, doc, marks, me)
            result.notes += movein.shared_people(session, doc, me)
        _owner_histories(session, doc, today)
        _refuse_others_records(session, doc, me)
        before = _approved(session, doc, me)
        write_document(session, doc, me, fy_month, result, progress)
        result.notes += _review_notes(session, doc, me, before)
        result.notes += _left_notes(session, result.theirs)
    return result


def _owner_histories(session: Session, doc: Document, today: dt.date | None) -> None:
    """Each KR's owner history as stored (okrtui.method.owners): a document that says none keeps the
    stored one, and a new owner is recorded from `today`; one that says it is the maker's word (an
    export carries it). The same history as stored keeps the stored text, so nothing reads as changed."""
    stored = bulk.existing(session.connection(), KeyResult, (v["id"] for v in doc.key_results))
    for values in doc.key_results:
        said = owners.parse(values.get("owner_history"))
        row = stored.get(values["id"])
        if row is None:
            values["owner_history"] = owners.dump(said)
            continue
        kept = owners.parse(row["owner_history"])
        if not said and (row["owner_id"] or None) != (values["owner_id"] or None):  # the clock only for a change
            said = owners.handed(kept, row["owner_id"], values["owner_id"], today or dt.date.today(),
                                 row["created_at"])
        elif not said:
            said = kept
        values["owner_history"] = row["owner_history"] if said == kept else owners.dump(said)


def _in_approval_teams(session: Session, doc: Document, me: str) -> tuple[Conversation, list[str]]:
    conv = conversation.conversation(session, me)
    return conv, [o["id"] for o in doc.objectives if conv.needs_approval(o.get("team_id"))]


def _approved(session: Session, doc: Document, me: str) -> set[str]:
    """The document's objectives that are approved (active under their lead) before it is written."""
    conv, ids = _in_approval_teams(session, doc, me)
    out = set()
    for ident in ids:
        row = session.get(Objective, ident)
        rev = conversation.review_of(session, row, conv) if row is not None else None
        if rev is not None and rev.state == APPROVED:
            out.add(ident)
    return out


def _review_notes(session: Session, doc: Document, me: str, before: set[str]) -> list[str]:
    """Say which imported objectives wait for their lead (okrtui.method.covers: an approval covers content)."""
    session.flush()
    conv, ids = _in_approval_teams(session, doc, me)
    said = {o["id"]: o.get("status") for o in doc.objectives}
    notes = []
    for ident in ids:
        row = session.get(Objective, ident)
        if row is None:
            continue
        rev = conversation.review_of(session, row, conv)
        if rev is None or rev.state != "in_review":
            continue
        lead = conversation.name_of(session, rev.lead)
        if ident in before:
            notes.append(f"{ident} is back in review: its content changed since {plain(lead)} approved it; "
                         f"{plain(lead)} approves it again")
        elif said.get(ident) == "active":
            notes.append(f"{ident} is in review: team {plain(row.team_id or '')} asks for approval; "
                         f"{plain(lead)} approves it")
    return notes


def _left_notes(session: Session, theirs: dict[str, int]) -> list[str]:
    """Someone else's records the document held as stored: left as they are, never the importer's."""
    if not theirs:
        return []
    shown = ", ".join(f"{count(n, 'record')} of {plain(conversation.name_of(session, origin))}'s"
                      for origin, n in sorted(theirs.items()))
    return [f"left as they are (someone else's, not stored): {shown}"]


def write_document(session: Session, doc: Document, me: str, fy_month: int, result: bulk.Counts,
                   progress: bulk.Progress | None = None) -> None:
    """The write phase of an import, batched (okrtui.storage.bulk): the same rows as one upsert per record."""
    total = sum(len(rows) for rows in (doc.people, doc.teams, doc.periods, doc.objectives, doc.key_results,
                                        doc.check_ins, doc.dependencies, doc.reflections, doc.metrics,
                                        doc.measurements))
    writer = bulk.Writer(session.connection(), me, result, progress, total)

    def theirs(row: Any) -> bool:  # someone else's record (checked unchanged before): it stays theirs
        return bool(row["origin"]) and row["origin"] != me

    writer.upsert(Person, doc.people, keep=theirs)
    writer.upsert(Team, doc.teams, keep=theirs)
    writer.upsert(Period, doc.periods, keep=theirs)
    labels = sorted({o["period_id"] for o in doc.objectives} | {r["period_id"] for r in doc.reflections})
    quarters = [label for label in labels if periods.is_quarter_label(label)]
    have = set(bulk.existing(writer.conn, Period, quarters))
    new = []
    for label in quarters:
        if label not in have:
            span = periods.quarter(label, fy_month)
            new.append({"id": label, "start": span.start, "end": span.end, "origin": me,
                        "created_at": writer.stamp, "updated_at": writer.stamp})
    bulk.insert_rows(writer.conn, Period, new)
    writer.upsert(Metric, doc.metrics, keep=theirs)
    writer.upsert(Measurement, [{**v, "author_id": v["author_id"] or me} for v in doc.measurements], keep=theirs)
    writer.upsert(Objective, _parents_first(doc.objectives), keep=theirs)
    writer.upsert(KeyResult, doc.key_results, keep=theirs)
    writer.upsert(CheckIn, doc.check_ins, keep=theirs)
    writer.upsert(Dependency, doc.dependencies, keep=theirs)
    writer.upsert(Reflection, [{**values, "person_id": values["person_id"] or me} for values in doc.reflections],
                  keep=theirs)


# What `_refuse_others_records` compares: a record's place in a list is the importer's own view.
_IGNORED = {"position"}
_MODELS: tuple[tuple[str, str, type], ...] = (
    ("teams", "team", Team), ("periods", "period", Period), ("objectives", "objective", Objective),
    ("key_results", "key_result", KeyResult), ("check_ins", "check_in", CheckIn),
    ("dependencies", "dependency", Dependency), ("reflections", "reflection", Reflection),
    ("metrics", "metric", Metric), ("measurements", "measurement", Measurement))


def _refuse_others_records(session: Session, doc: Document, me: str) -> None:
    """No import changes another person's record (spec "Identity and trust"): name every one, write nothing.

    A record of someone else's that the document holds unchanged (an export of a synced
    database holds teammates' records) is left as it is. People are references: an import
    never changes anyone's person record but the importer's own."""
    found: list[tuple[str, str, str]] = []
    for attr, kind, model in _MODELS:
        rows: list[dict[str, Any]] = getattr(doc, attr)
        others = _others(session, model, [v["id"] for v in rows], me)
        for values in rows:
            if values["id"] not in others:
                continue
            row = session.get(model, values["id"])
            if row is None:
                continue
            if row.deleted or any(getattr(row, k) != v for k, v in values.items()
                                  if k not in _IGNORED and k != "person_id"):
                found.append((row.origin, kind, values["id"]))
    theirs = _others(session, KeyResult, sorted({v["kr_id"] for v in doc.check_ins}), me)
    for values in doc.check_ins:  # a new check-in on a teammate's KR only by the one who answers for it
        kr_row = session.get(KeyResult, values["kr_id"]) if values["kr_id"] in theirs else None
        answerer = owners.answerer(owners.parse(kr_row.owner_history), kr_row.owner_id, kr_row.origin,
                                   values["date"].isoformat()) if kr_row is not None else me
        if answerer != me and session.get(CheckIn, values["id"]) is None:
            found.append((answerer, "key result (a check-in on it)", values["kr_id"]))
    found += _measured_by_others(session, doc, me)
    found += _check_ins_for_others(session, doc, me, theirs)
    foreign = _others(session, Objective, sorted({v["objective_id"] for v in doc.key_results}), me)
    for values in doc.key_results:  # a KR goes only into an objective its maker made
        if values["objective_id"] not in foreign:
            continue  # one query above, not two reads per KR: a 10,000-KR import stays quick
        row = session.get(KeyResult, values["id"])
        objective = session.get(Objective, values["objective_id"])
        if (row is None or row.origin == me) and objective is not None and objective.origin \
                and objective.origin != me:
            found.append((objective.origin, "objective (a key result added to it)", objective.id))
    if not found:
        return
    names = {**{p["id"]: p.get("name") or "" for p in doc.people},  # the document's own, for people new here
             **{p.id: p.name for p in session.exec(select(Person)).all()}}
    shown = ", ".join(f"{plain(names.get(origin) or origin)}'s {kind.replace('_', ' ')} {ident!r}"
                      for origin, kind, ident in found[:6])
    more = f" and {len(found) - 6} more" if len(found) > 6 else ""
    which = "a record that belongs" if len(found) == 1 else f"{len(found)} records that belong"
    raise OkrError(f"refused: this document changes {which} to someone else, and an import only changes "
                   f"your own: {shown}{more}. Nothing was imported")


def _measured_by_others(session: Session, doc: Document, me: str) -> list[tuple[str, str, str]]:
    """A new measurement of a teammate's metric only by who answers for it (its owner, else its maker),
    as a check-in on a teammate's KR."""
    found = []
    theirs = _others(session, Metric, sorted({v["metric_id"] for v in doc.measurements}), me)
    for values in doc.measurements:  # a metric the document brings becomes the importer's, as a KR does
        stored = session.get(Metric, values["metric_id"]) if values["metric_id"] in theirs else None
        if stored is not None and not answers(stored.owner_id, stored.origin, me) \
                and session.get(Measurement, values["id"]) is None:
            found.append((stored.owner_id or stored.origin, "metric (a measurement of it)", stored.id))
    return found


def _check_ins_for_others(session: Session, doc: Document, me: str, theirs: set[str]) -> list[tuple[str, str, str]]:
    """New check-ins whose author (their `author`, else the importer) does not answer for the KR (its
    owner, else its maker: a lead's own KR naming another owner too), and, on a shared database,
    any in another's name (PostgreSQL's policy): refused alike on both databases, before writing."""
    in_doc = {v["id"]: v for v in doc.key_results}
    own_name_only = of(session.get_bind()).enforces_ownership()  # the database's policy: check-ins in one's own name
    # The stored ones among them in a few queries: a `session.get` per check-in was a query each
    # (130,000 of them, 50 s of a 10,000-KR import).
    stored = bulk.stored_ids(session.connection(), CheckIn, (v["id"] for v in doc.check_ins))
    found = []
    for values in doc.check_ins:
        if values["kr_id"] in theirs or values["id"] in stored:
            continue  # a teammate's KR: the rule above; a stored check-in: the other-records rule
        kr = in_doc.get(values["kr_id"])
        if kr is None:  # a stored KR (read once: the session keeps it), else none
            kr_row = session.get(KeyResult, values["kr_id"])
            kr = {"owner_id": kr_row.owner_id, "owner_history": kr_row.owner_history,
                  "origin": kr_row.origin} if kr_row else {"owner_id": None}
        answerer = owners.answerer(owners.parse(kr.get("owner_history")), kr.get("owner_id"),
                                   kr.get("origin") or me, values["date"].isoformat())
        author = values.get("author_id") or me
        if author != answerer or (own_name_only and author != me):
            found.append((answerer if author == me else author, "key result (a check-in on it)", values["kr_id"]))
    return found


def _others(session: Session, model: Any, ids: list[str], me: str) -> set[str]:
    """Which of these ids are stored as someone else's records: one query per 500 ids, or for
    many ids (a 130,000-check-in import) one read of the table's others' ids."""
    out: set[str] = set()
    if len(ids) > 4 * 500:
        return set(ids) & set(session.exec(select(model.id).where(col(model.origin) != me,
                                                                  col(model.origin) != "")).all())
    for i in range(0, len(ids), 500):
        out.update(session.exec(select(model.id).where(col(model.id).in_(ids[i:i + 500]),
                                                       col(model.origin) != me, col(model.origin) != "")).all())
    return out


def _parents_first(objectives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {o["id"]: o for o in objectives}
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []

    def visit(o: dict[str, Any]) -> None:
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


# --- export ------------------------------------------------------------------------------------

R = TypeVar("R", Person, Team, Period, Objective, KeyResult, CheckIn, Dependency, Reflection, Metric, Measurement)


def _live(model: type[R]) -> SelectOfScalar[R]:
    return select(model).where(col(model.deleted).is_(False))


def export_document(engine: Engine, period: str | None = None) -> dict[str, Any]:
    """The database (or one period of it) as an okrtui/1 document, in a stable order."""
    with reading(engine) as session:
        objectives = session.exec(_live(Objective).order_by(col(Objective.period_id), col(Objective.position),
                                                             col(Objective.id))).all()
        if period is not None:
            objectives = [o for o in objectives if o.period_id == period]
        obj_ids = {o.id for o in objectives}
        krs = [k for k in session.exec(_live(KeyResult).order_by(col(KeyResult.position), col(KeyResult.id))).all()
               if k.objective_id in obj_ids]
        kr_ids = {k.id for k in krs}
        check_ins: dict[str, list[CheckIn]] = {}
        for c in session.exec(_live(CheckIn).order_by(col(CheckIn.date), col(CheckIn.created_at), col(CheckIn.id))).all():
            if c.kr_id in kr_ids:
                check_ins.setdefault(c.kr_id, []).append(c)
        krs_of: dict[str, list[KeyResult]] = {}
        for k in krs:
            krs_of.setdefault(k.objective_id, []).append(k)
        people = session.exec(_live(Person).order_by(col(Person.id))).all()
        # The local identity is made on first use; unreferenced, it is not part of the OKRs.
        # my_id, not the meta table: on a shared database the login is the identity (and meta is closed).
        me = my_id(session)
        used = {o.owner_id for o in objectives} | {k.owner_id for k in krs} | {
            c.author_id for rows in check_ins.values() for c in rows}
        teams = session.exec(_live(Team).order_by(col(Team.id))).all()
        custom = [p for p in session.exec(_live(Period).order_by(col(Period.id))).all()
                  if not periods.is_quarter_label(p.id)]
        deps = [d for d in session.exec(_live(Dependency).order_by(col(Dependency.id))).all()
                if d.from_id in obj_ids | kr_ids]
        reflections = session.exec(_live(Reflection).order_by(col(Reflection.id))).all()
        if period is not None:
            reflections = [r for r in reflections if r.period_id == period]
        used |= {r.person_id for r in reflections}
        metrics = [m for m in session.exec(_live(Metric).order_by(col(Metric.id))).all()
                   if m.visibility != "private" or m.origin in ("", me)]
        measured: dict[str, list[Measurement]] = {}
        for r in session.exec(_live(Measurement).order_by(col(Measurement.date), col(Measurement.created_at),
                                                            col(Measurement.id))).all():
            measured.setdefault(r.metric_id, []).append(r)
        used |= {m.owner_id for m in metrics} | {r.author_id for rows in measured.values() for r in rows}
        people = [p for p in people if p.id != me or p.id in used]

    def mark(row: dict[str, Any], origin: str) -> dict[str, Any]:
        # A record someone else made (come in by sync, or a teammate's on a shared database) says so:
        # importing into a shared database leaves it to its maker (okrtui.exchange.movein).
        return {**row, "origin": origin} if me and origin != me else row

    return {
        "format": FORMAT,
        "people": [{"id": p.id, "name": p.name, "email": p.email} for p in people],
        "teams": [mark({"id": t.id, "name": t.name, "mission": t.mission, "vision": t.vision}, t.origin)
                  for t in teams],
        "periods": [mark({"id": p.id, "start": p.start.isoformat(), "end": p.end.isoformat()}, p.origin)
                    for p in custom],
        "objectives": [mark(_objective_out(o, krs_of.get(o.id, []), check_ins, mark), o.origin)
                       for o in objectives],
        "dependencies": [mark({"id": d.id, "from": d.from_id, "to": d.to_id, "note": d.note}, d.origin)
                         for d in deps],
        "reflections": [{"id": r.id, "person": r.person_id, "period": r.period_id, "question": r.question,
                         "answer": r.answer} for r in reflections],
        "metrics": [mark(_metric_out(m, measured.get(m.id, []), mark), m.origin) for m in metrics],
    }


def _metric_out(m: Metric, rows: list[Measurement], mark: Callable[[dict[str, Any], str], dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": m.id, "name": m.name, "unit": m.unit, "description": m.description, "owner": m.owner_id,
        "team": m.team_id, "cadence": m.cadence, "low": num(m.low), "high": num(m.high), "visibility": m.visibility,
        "since": m.since.isoformat(), "archived_on": m.archived_on.isoformat() if m.archived_on else None,
        "measurements": [mark({"id": r.id, "date": r.date.isoformat(), "value": num(r.value), "note": r.note,
                               "author": r.author_id}, r.origin) for r in rows],
    }


def _objective_out(o: Objective, krs: list[KeyResult], check_ins: dict[str, list[CheckIn]],
                   mark: Callable[[dict[str, Any], str], dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": o.id, "title": o.title, "description": o.description, "level": o.level, "team": o.team_id,
        "owner": o.owner_id, "period": o.period_id, "parent": o.parent_id, "status": o.status,
        "visibility": o.visibility, "activated_on": o.activated_on.isoformat() if o.activated_on else None,
        "improves": o.improves_id,
        "key_results": [
            mark({
                "id": k.id, "title": k.title, "owner": k.owner_id, "kind": k.kind, "unit": k.unit,
                "start": num(k.start), "target": num(k.target), "low": num(k.low), "high": num(k.high),
                "weight": num(k.weight), "self_score": k.self_score, "score_comment": k.score_comment,
                "improves": k.improves_id,
                **({"owner_history": owners.entries(owners.parse(k.owner_history))} if k.owner_history else {}),
                "check_ins": [
                    mark({"id": c.id, "date": c.date.isoformat(), "value": num(c.value), "confidence": c.confidence,
                          "note": c.note, "author": c.author_id}, c.origin)
                    for c in check_ins.get(k.id, [])
                ],
            }, k.origin)
            for k in krs
        ],
    }


def dumps(doc: dict[str, Any]) -> str:
    return json_safe(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"
