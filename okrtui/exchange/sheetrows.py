"""Spreadsheet rows as an okrtui/1 document (docs/import.md).

A row is one key result, or one objective with no KR. Columns are found by their header
(case-insensitive, the names `export --format csv` writes, or a map's). Every problem of every
row is collected with its place (`FILE:ROW:COLUMN: what is wrong, what was found`); the document
built here then goes through the same import as a JSON one (okrtui.exchange.interchange). Pure: the
people the database knows are handed in.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from okrtui.core.errors import OkrError
from okrtui.core.text import count, plain
from okrtui.exchange import sheetcells
from okrtui.exchange.sheetcells import Bad
from okrtui.exchange.sheetread import Cell, Table
from okrtui.method import periods
from okrtui.method.domain import ID_RE, slug
from okrtui.rules import schema

OBJECTIVE_FIELDS = ("period", "objective_id", "objective", "description", "level", "objective_owner", "status",
                    "team", "parent", "visibility")
KR_FIELDS = ("kr_id", "key_result", "kr_owner", "kind", "unit", "start", "target", "low", "high", "weight",
             "self_score", "score_comment")
CHECK_IN_FIELDS = ("kr_id", "date", "value", "confidence", "note")
# What `export --format csv` computes: read past on import (docs/import.md).
COMPUTED = ("objective_score", "objective_grade", "current", "progress", "score", "grade", "band", "confidence",
            "expected", "pace", "forecast", "last_check_in", "stale")
# Headers people write for a field, besides its own name (a map's [columns] replaces them).
ALIASES = {"title": "objective", "objective_title": "objective", "owner": "objective_owner",
           "quarter": "period", "key_result_title": "key_result", "kr": "key_result", "kr_title": "key_result",
           "key_result_owner": "kr_owner", "key_result_id": "kr_id", "baseline": "start", "start_value": "start",
           "target_value": "target", "key_result_kind": "kind"}
MAX_SHOWN = 50
_NUMBERS = ("start", "target", "low", "high", "weight")
_SHARES = ("self_score", "confidence")
_ENUMS = ("level", "status", "kind", "visibility")
_QUARTER = re.compile(r"^(?:q([1-4])[\s_-]*(\d{4})|(\d{4})[\s_-]*q([1-4]))$", re.IGNORECASE)


@dataclass
class Map:
    """`--map FILE.toml`: each field's header in the file, value maps, a date format."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str | None = None

    def header(self, name: str) -> str:
        return _norm(self.columns.get(name, name))

    def value(self, name: str, cell: Cell) -> Cell:
        table = self.values.get(name)
        if table and isinstance(cell, str | int | float) and not isinstance(cell, bool):
            text = sheetcells.text_of(cell).strip().casefold()
            for key, out in table.items():
                if key.strip().casefold() == text:
                    return out
        return cell


def parse_map(data: dict[str, Any], source: str) -> Map:
    """A map's TOML, checked: unknown keys and fields are named."""
    known = set(OBJECTIVE_FIELDS) | set(KR_FIELDS) | set(CHECK_IN_FIELDS)
    extra = set(data) - {"columns", "values", "date_format", "source", "notes"}
    if extra:
        raise OkrError(f"{source}: unknown key {sorted(extra)[0]!r} (expected columns, values, date_format)")
    columns = data.get("columns", {})
    values = data.get("values", {})
    fmt = data.get("date_format")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise OkrError(f"{source}: [columns] maps a field to the header it has in the file (text)")
    if not isinstance(values, dict) or not all(isinstance(t, dict) and all(isinstance(v, str) for v in t.values())
                                               for t in values.values()):
        raise OkrError(f"{source}: [values.FIELD] maps a value in the file to okrtui's (text = text)")
    if fmt is not None and not isinstance(fmt, str):
        raise OkrError(f"{source}: date_format is a strptime format such as \"%d.%m.%Y\"")
    for name in [*columns, *values]:
        if name not in known:
            raise OkrError(f"{source}: unknown field {plain(name)!r} (fields: {', '.join(sorted(known))})")
    return Map(dict(columns), {k: dict(v) for k, v in values.items()}, fmt)


@dataclass
class Person:
    id: str
    name: str
    email: str


@dataclass
class Problems:
    lines: list[str] = field(default_factory=list)

    def add(self, source: str, row: int, column: str, message: str) -> None:
        self.lines.append(f"{source}:{row}:{plain(column)}: {plain(message)}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise SheetErrors(self.lines)


class SheetErrors(OkrError):
    """Every problem of a file, each on its own line; the CLI prints them all (up to 50)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(f"{count(len(lines), 'problem')}; nothing was imported")
        self.lines = lines

    def shown(self) -> list[str]:
        lines = self.lines[:MAX_SHOWN]
        if len(self.lines) > MAX_SHOWN:
            lines.append(f"… and {len(self.lines) - MAX_SHOWN} more problems")
        return lines


@dataclass
class Built:
    """The document, where each record came from (for errors the import finds), and what to say."""

    document: dict[str, Any]
    places: dict[str, tuple[str, int, dict[str, str]]]  # document path → (source, row, headers by key)
    notes: list[str]
    schema_problems: Callable[[], list[str]]


@dataclass
class Options:
    order: str | None = None  # 'dayfirst' / 'monthfirst'
    today: dt.date = dt.date(2000, 1, 1)
    fy_month: int = 1
    map: Map = field(default_factory=Map)


def _norm(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().casefold())


def _columns(table: Table, fields: tuple[str, ...], opts: Options, errors: Problems,
             required: tuple[str, ...]) -> tuple[int, dict[str, tuple[int, str]], list[str]]:
    """The header row (the first with two known headers: a title row above it is skipped) and each
    field's column: field → (index, header as written)."""
    wanted = {alias: f for alias, f in ALIASES.items() if f in fields and f not in opts.map.columns}
    wanted.update({f: f for f in fields})  # okrtui's own names always work (a check-ins file beside a map)
    wanted.update({opts.map.header(f): f for f in fields})
    computed = {opts.map.header(c) for c in COMPUTED}
    for at, (number, cells) in enumerate(table.rows[:20]):
        names = [_norm(sheetcells.text_of(c)) if isinstance(c, str) else "" for c in cells]
        if sum(1 for n in names if n in wanted) < min(2, len(required) or 2):
            continue
        found: dict[str, tuple[int, str]] = {}
        ignored = []
        for i, name in enumerate(names):
            if name in wanted and wanted[name] not in found:
                found[wanted[name]] = (i, sheetcells.text_of(cells[i]).strip())
            elif name and name not in computed:
                ignored.append(sheetcells.text_of(cells[i]).strip())
        for name in required:
            if name not in found:
                errors.add(table.source, number, opts.map.columns.get(name, name), "no such column (it is required)")
        return at, found, ignored
    first = table.rows[0][0] if table.rows else 1
    errors.add(table.source, first, "-", "no header row: expected columns named like "
               f"{', '.join(opts.map.columns.get(f, f) for f in required or fields[:3])}")
    return len(table.rows), {}, []


_SPECIAL = ("'", " ", "\t", "")  # an apostrophe to take off, spaces to strip, a blank cell: the slow way
_PLAIN_NUMBER = sheetcells.PLAIN_NUMBER
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXTS = ("objective", "key_result", "description", "score_comment", "note", "unit")  # kept as written
_HOW = {**{n: "number" for n in (*_NUMBERS, "value")}, **{n: "share" for n in _SHARES}, "date": "date",
        **{n: "enum" for n in _ENUMS}, **{n: "text" for n in _TEXTS}}


class _Row:
    """One row's cells by field, each read with its place remembered for errors."""

    __slots__ = ("cells", "cols", "errors", "number", "ok", "opts", "source")

    def __init__(self, source: str, number: int, cells: list[Cell], cols: dict[str, tuple[int, str]],
                 opts: Options, errors: Problems) -> None:
        self.source, self.number, self.cells, self.cols, self.opts, self.errors = (
            source, number, cells, cols, opts, errors)
        self.ok = True

    def has(self, name: str) -> bool:
        return name in self.cols

    def raw(self, name: str) -> Cell:
        col = self.cols.get(name)
        if col is None:
            return None
        i = col[0]
        cell = self.cells[i] if i < len(self.cells) else None
        return self.opts.map.value(name, cell) if name in self.opts.map.values else cell

    def fail(self, name: str, message: str) -> None:
        self.ok = False
        column = self.cols[name][1] if name in self.cols else name
        self.errors.add(self.source, self.number, column, message)

    def read(self, name: str) -> Any:
        cell = self.raw(name)
        how = _HOW.get(name)
        if type(cell) is str and cell[:1] not in _SPECIAL:  # most cells of a CSV file: said once, fast
            if how == "number" and _PLAIN_NUMBER.match(cell) and math.isfinite(value := float(cell)):
                return value
            if how == "text":
                return cell
            if how == "date" and len(cell) == 10 and _ISO_DAY.match(cell):
                try:
                    return dt.date.fromisoformat(cell)
                except ValueError:
                    pass  # no such day: the slow way names it
            if how is None:
                return cell.strip() or None
        try:
            if how == "number":
                return sheetcells.number(cell)
            if how == "share":
                return sheetcells.number(cell, share=True)
            if how == "date":
                return sheetcells.day(cell, self.opts.order, self.opts.map.date_format)
        except Bad as err:
            self.fail(name, err.message)
            return None
        if how == "enum":
            return sheetcells.word(cell) or None
        text = sheetcells.text_of(cell)
        return text if how == "text" else text.strip() or None


def _hashed(prefix: str, title: str, *parts: str) -> str:
    """An id made from what names the record in the file, so importing the same file twice updates."""
    digest = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:8]
    return "-".join(p for p in (prefix, slug(title), digest) if p)


class _People:
    """Owners written as an id, an email or a name: matched to people, or made as new ones."""

    def __init__(self, known: list[Person]) -> None:
        self.known: list[Person] = []
        self.made: list[Person] = []
        self.index: dict[str, str] = {}  # an id, a folded email or name → the person's id
        for p in known:
            self._add(p)

    def _add(self, p: Person) -> None:
        self.known.append(p)
        for key in (p.name.casefold(), p.email.casefold()):
            if key:
                self.index.setdefault(key, p.id)
        self.index[p.id] = p.id

    def resolve(self, text: str) -> str:
        """The person's id, or Bad naming who was probably meant."""
        found = self.index.get(text) or self.index.get(text.casefold())
        if found is not None:
            return found
        near = None if any(ch.isdigit() for ch in text) else self._near(text)  # an id is not a misspelt name
        if near is not None:
            raise Bad(f"no person named {text!r} (did you mean {near.name}?)")
        email = text if schema.EMAIL_RE.match(text) else ""
        name = email.split("@")[0] if email else text
        base = text if ID_RE.match(text) and not email else slug(name) or "person"
        ident, n = base[:64], 1
        while ident in self.index:
            n += 1
            ident = f"{base[:60]}-{n}"
        person = Person(ident, name, email)
        self.made.append(person)
        self._add(person)
        return ident

    def _near(self, text: str) -> Person | None:
        words = [w for w in re.split(r"[\s.]+", text.casefold()) if w]
        names = [p for p in self.known if p.name and p not in self.made]  # the file's own new people are no typo
        for p in names:
            parts = p.name.casefold().split()
            if len(words) == len(parts) and len(words) > 1 and all(b.startswith(a) for a, b in zip(words, parts, strict=True)):
                return p
            if len(words) == 1 and parts and parts[0] == words[0] and len(parts) > 1:
                return p
        close = difflib.get_close_matches(text.casefold(), [p.name.casefold() for p in names], n=1, cutoff=0.85)
        return next((p for p in names if p.name.casefold() == close[0]), None) if close else None


def _period(row: _Row, opts: Options, above: str | None) -> str | None:
    if not row.has("period"):
        return periods.quarter_of(opts.today, opts.fy_month).label
    text = row.read("period")
    if not text and above:
        return above  # a blank period cell continues the row above (merged or grouped cells)
    if not text:
        row.fail("period", "is required (e.g. 2026-Q3)")
        return None
    m = _QUARTER.match(text)
    if m:
        q, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        return f"{year}-Q{q}"
    return str(text)


def build(table: Table, opts: Options, people: list[Person], check_ins: Table | None = None) -> Built:
    """The rows as an okrtui/1 document, or SheetErrors with every problem found."""
    errors = Problems()
    start, cols, ignored = _columns(table, OBJECTIVE_FIELDS + KR_FIELDS, opts, errors, ("objective",))
    directory = _People(people)
    objectives: dict[str, dict[str, Any]] = {}  # id → the document's objective
    firsts: dict[str, tuple[int, dict[str, Any], tuple[Cell, ...]]] = {}  # id → its first row, fields, cells
    by_title: dict[tuple[str, str], str] = {}
    places: dict[str, tuple[str, int, dict[str, str]]] = {}
    kr_ids: set[str] = set()
    inferred: Counter[str] = Counter()
    headers = {f: h for f, (_, h) in cols.items()}
    objective_headers, kr_headers = _doc_headers(headers, "objective"), _doc_headers(headers, "key_result")
    parents: list[tuple[dict[str, Any], _Row, str]] = []
    previous: str | None = None
    above: str | None = None
    order: dict[str, int] = {}  # objective id → its place in the document
    objective_cells = [cols[f][0] for f in _OBJECTIVE_CELLS if f in cols]
    checks: list[tuple[_Row, str, dict[str, Any]]] = []  # the schema's checks, run only when needed
    kr_at: dict[str, dict[str, Any]] = {}
    for number, cells in table.rows[start + 1:] if cols else []:
        row = _Row(table.source, number, cells, cols, opts, errors)
        period = _period(row, opts, above)
        above = period
        title = row.read("objective")
        ident = row.read("objective_id")
        if not ident and not (title or "").strip():
            if previous is None:
                row.fail("objective", "is required (the objective's title)")
                continue
            ident = previous  # a blank objective cell continues the one above (merged cells, grouped rows)
        if not ident:
            ident = by_title.get((period or "", title.strip()))
            if ident is None:
                ident = _hashed("o", title, period or "", title.strip())
                by_title[(period or "", title.strip())] = ident
        same = firsts.get(ident)
        raw = tuple(cells[i] if i < len(cells) else None for i in objective_cells)
        if same is not None and raw == same[2]:
            values = same[1]  # the objective's cells as on its first row: read once (5 KRs, 5 rows)
        else:
            values = _objective_values(row, period, title, directory)
        if ident not in objectives:
            obj = {"id": ident, **{k: v for k, v in values.items() if k != "parent"}, "key_results": []}
            if "title" not in obj:
                row.fail("objective", "is required (the objective's title)")
            order[ident] = len(objectives)
            objectives[ident] = obj
            firsts[ident] = (number, values, raw)
            checks.append((row, "objective", obj))
            places[f"objectives[{len(objectives) - 1}]"] = (table.source, number, objective_headers)
            if values.get("parent"):
                parents.append((obj, row, values["parent"]))
        elif values is not firsts[ident][1]:
            _same_objective(row, firsts[ident][:2], values)
        previous = ident
        obj = objectives[ident]
        kr_title, kr_id = row.read("key_result"), row.read("kr_id")
        if kr_title or kr_id:
            kr = _key_result(row, kr_title or "", kr_id, obj, directory, inferred, kr_ids)
            if kr is not None:
                checks.append((row, "key_result", {**kr, "objective_id": obj["id"]}))
                at = f"objectives[{order[ident]}].key_results[{len(obj['key_results'])}]"
                obj["key_results"].append(kr)
                kr_at[kr["id"]] = kr
                places[at] = (table.source, number, kr_headers)
    _resolve_parents(parents, objectives, by_title)
    if check_ins is not None:
        _check_ins(check_ins, opts, kr_at, errors, places, objectives, checks)
    def schema_problems() -> list[str]:
        """The schema's field rules on every record read without a bad cell, so a file's every problem is
        named at once. Run only when something is wrong: the import checks the same rules on a clean file."""
        found = Problems()
        for row, kind, values in checks:
            if row.ok:
                row.errors = found
                _check_schema(row, kind, values)
        return found.lines

    if errors.lines:
        raise SheetErrors(in_file_order(errors.lines + schema_problems()))
    notes = []
    if ignored:
        notes.append(f"ignored columns: {', '.join(map(plain, ignored))}")
    if inferred:
        notes.append(f"kinds inferred for {count(sum(inferred.values()), 'key result')}: "
                     + ", ".join(f"{n} {kind}" for kind, n in sorted(inferred.items())))
    if directory.made:
        notes.append(f"made {count(len(directory.made), 'new person', 'new people')} from the owners named: "
                     + ", ".join(plain(f"{p.name} ({p.id})") for p in directory.made[:10])
                     + (" …" if len(directory.made) > 10 else ""))
    document = {"format": "okrtui/1",
                "people": [{"id": p.id, "name": p.name, "email": p.email} for p in directory.made],
                "objectives": list(objectives.values())}
    return Built(document, places, notes, schema_problems)


def _doc_headers(headers: dict[str, str], kind: str) -> dict[str, str]:
    """The document's keys → the file's headers, for errors the import finds."""
    keys = _OBJECTIVE_KEYS if kind == "objective" else _KR_KEYS
    return {key: headers.get(f, f) for key, f in keys.items()}


def _objective_values(row: _Row, period: str | None, title: str | None, people: _People) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if title and title.strip():
        values["title"] = title
    if period:
        values["period"] = period
    for name, key in (("description", "description"), ("level", "level"), ("status", "status"),
                      ("team", "team"), ("parent", "parent"), ("visibility", "visibility")):
        if row.has(name):
            value = row.read(name)
            if value is not None and value != "":
                values[key] = value
    _owner(row, "objective_owner", people, values)
    return values


def _owner(row: _Row, name: str, people: _People, into: dict[str, Any]) -> None:
    owner = row.read(name)
    if owner:
        try:
            into["owner"] = people.resolve(owner)
        except Bad as err:
            row.fail(name, err.message)


_KR_VALUES = ("unit", "start", "target", "low", "high", "weight", "self_score", "score_comment")
_OBJECTIVE_CELLS = ("period", "objective", "objective_id", "description", "level", "status", "team", "parent",
                    "visibility", "objective_owner")


def _same_objective(row: _Row, first: tuple[int, dict[str, Any]], values: dict[str, Any]) -> None:
    number, had = first
    if values == had:
        return
    for key, value in values.items():
        if key in had and had[key] != value:
            row.fail(_OBJECTIVE_KEYS[key], f"differs from row {number} for the same objective ({had[key]!r}), "
                                 f"got {value!r}")


def _key_result(row: _Row, title: str, kr_id: str | None, obj: dict[str, Any], people: _People,
                inferred: Counter[str], taken: set[str]) -> dict[str, Any] | None:
    kr: dict[str, Any] = {"title": title}
    for name in _KR_VALUES:
        if name in row.cols:
            value = row.read(name)
            if value is not None:
                kr[name] = value
    _owner(row, "kr_owner", people, kr)
    kind = row.read("kind") if row.has("kind") else None
    if not row.ok:
        return None  # a bad number is named once, not again as a kind that cannot be told
    if not kind:
        kind = _infer(kr)
        if kind is None:
            row.fail("kind" if row.has("kind") else "target",
                     "cannot tell the kind: start equals target (write the kind: increase, decrease, range, "
                     "baseline or milestone)" if kr.get("start") is not None and kr.get("start") == kr.get("target")
                     else "cannot tell the kind from these numbers (write the kind, or a start and a target)")
            return None
        inferred[kind] += 1
    kr["kind"] = kind
    ident = kr_id
    if not ident:
        n = sum(1 for k in obj["key_results"] if k["title"].strip() == title.strip())
        ident = _hashed("kr", title, obj["id"], title.strip(), str(n))
    if ident in taken:
        row.fail("kr_id", f"the same key result appears twice in the file, got {ident!r}")
        return None
    taken.add(ident)
    kr["id"] = ident
    kr["check_ins"] = []
    return kr


def _infer(kr: dict[str, Any]) -> str | None:
    start, target, low, high = (kr.get(k) for k in ("start", "target", "low", "high"))
    if low is not None and high is not None and start is None and target is None:
        return "range"
    if start is not None and target is not None and low is None and high is None:
        return "increase" if start < target else "decrease" if start > target else None
    if all(v is None for v in (start, target, low, high)):
        return "milestone"
    return None


_OBJECTIVE_KEYS = {"title": "objective", "owner": "objective_owner", "id": "objective_id", "period": "period",
                   "parent": "parent", "team": "team", "status": "status", "level": "level",
                   "description": "description", "visibility": "visibility"}
_KR_KEYS = {"title": "key_result", "owner": "kr_owner", "id": "kr_id", **{k: k for k in KR_FIELDS}}


def in_file_order(lines: list[str]) -> list[str]:
    """Problem lines by file (in the order first named), then row; a row's own problems keep their order."""
    sources: dict[str, int] = {}

    def place(line: str) -> tuple[int, int]:
        source, row, _ = line.split(":", 2)
        return sources.setdefault(source, len(sources)), int(row) if row.isdigit() else 0

    return sorted(dict.fromkeys(lines), key=place)


def _check_schema(row: _Row, kind: str, values: dict[str, Any]) -> None:
    """The schema's field rules on one record (references, approval and ownership are the import's)."""
    if kind == "objective":
        values = {k: v for k, v in values.items() if k != "key_results"}
    elif kind == "key_result":
        values = {k: v for k, v in values.items() if k != "check_ins"}
    try:
        schema.check(schema.RECORDS[kind], values, "", schema.DOCUMENT_KEYS[kind])
    except schema.Invalid as err:
        key = err.path.split(".")[0]
        names = {"key_result": _KR_KEYS, "objective": _OBJECTIVE_KEYS}.get(kind, {})
        row.fail(names.get(key, key), err.message)


def _resolve_parents(parents: list[tuple[dict[str, Any], _Row, str]], objectives: dict[str, dict[str, Any]],
                     by_title: dict[tuple[str, str], str]) -> None:
    """`parent` names an objective by id, or by title (in the same period first)."""
    titles: dict[str, list[str]] = {}
    for o in objectives.values():
        titles.setdefault(o.get("title", "").strip().casefold(), []).append(o["id"])
    for obj, row, text in parents:
        if text in objectives:
            obj["parent"] = text
            continue
        same = by_title.get((obj.get("period", ""), text.strip()))
        matches = [same] if same else titles.get(text.strip().casefold(), [])
        if len(matches) == 1:
            obj["parent"] = matches[0]
        elif len(matches) > 1:
            row.fail("parent", f"{len(matches)} objectives have this title, got {text!r} (write the parent's id)")
        else:
            obj["parent"] = text  # an id in the database, checked by the import


def _check_ins(table: Table, opts: Options, krs: dict[str, dict[str, Any]], errors: Problems,
               places: dict[str, tuple[str, int, dict[str, str]]], objectives: dict[str, dict[str, Any]],
               checks: list[tuple[_Row, str, dict[str, Any]]]) -> None:
    start, cols, _ = _columns(table, CHECK_IN_FIELDS, opts, errors, ("kr_id", "date", "value"))
    seen: Counter[str] = Counter()
    index = {kr["id"]: (i, j) for i, o in enumerate(objectives.values()) for j, kr in enumerate(o["key_results"])}
    headers = {f: h for f, (_, h) in cols.items()}
    check_in_headers = {k: headers.get(k, k) for k in CHECK_IN_FIELDS}
    for number, cells in table.rows[start + 1:] if cols else []:
        row = _Row(table.source, number, cells, cols, opts, errors)
        kr_id = row.read("kr_id")
        when, value = row.read("date"), row.read("value")
        confidence, note = row.read("confidence"), row.read("note") if row.has("note") else ""
        if not kr_id:
            row.fail("kr_id", "is required (the id of a key result in the file)")
            continue
        kr = krs.get(kr_id)
        if kr is None:
            row.fail("kr_id", f"no key result with this id in the file, got {kr_id!r}")
            continue
        if when is None and row.ok:
            row.fail("date", "is required")
        if value is None and row.ok:
            row.fail("value", "is required")
        why = periods.after_today(when, opts.today) if when is not None else None
        if why:
            row.fail("date", f"{why}: nothing is recorded ahead of time")  # the import's rule, at its row
        if not row.ok:
            continue
        key = f"{kr_id}\x1f{when}\x1f{value}\x1f{note}"
        seen[key] += 1
        check_in = {"id": _hashed("ci", "", key, str(seen[key])), "date": when.isoformat(), "value": value,
                    "confidence": confidence, "note": note or ""}
        checks.append((row, "check_in", {**check_in, "kr_id": kr_id}))
        i, j = index[kr_id]
        places[f"objectives[{i}].key_results[{j}].check_ins[{len(kr['check_ins'])}]"] = (
            table.source, number, check_in_headers)
        kr["check_ins"].append(check_in)
