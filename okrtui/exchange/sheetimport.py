"""`okrtui import FILE.csv|FILE.xlsx`: a spreadsheet read into an okrtui/1 document (okrtui.exchange.sheetrows),
then imported exactly as a JSON document is (okrtui.exchange.interchange): the same schema, references,
approval and ownership rules, in one transaction or not at all (docs/import.md)."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from okrtui.core.errors import OkrError
from okrtui.core.text import plain
from okrtui.exchange import interchange, sheetread, sheetrows
from okrtui.exchange.sheetrows import Built, Map, Options, SheetErrors
from okrtui.rules.schema import Invalid
from okrtui.storage import bulk
from okrtui.storage.model import KeyResult, Objective, Person
from okrtui.storage.store import reading


@dataclass
class SheetArgs:
    sheet: str | None = None
    check_ins: Path | None = None
    map: Path | None = None
    encoding: str | None = None
    order: str | None = None  # 'dayfirst' / 'monthfirst'


def read_map(path: Path) -> Map:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise OkrError(f"no such file: {plain(str(path))}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise OkrError(f"{plain(path.name)}: not a readable TOML map: {err}") from None
    return sheetrows.parse_map(data, plain(path.name))


def read_tables(path: Path, kind: str, args: SheetArgs) -> tuple[sheetread.Table, sheetread.Table | None]:
    """The rows sheet and the check-ins (a `check_ins` sheet of the workbook, or `--check-ins FILE`)."""
    if kind == "xlsx":
        sheetread.check_zip(path)
        table = sheetread.read_xlsx(path, args.sheet)
        assert table is not None
        check_ins = None if args.check_ins else sheetread.read_xlsx(path, "check_ins", optional=True)
    else:
        if args.sheet is not None:
            raise OkrError("--sheet names a sheet of a workbook (.xlsx); a CSV file has one")
        table = sheetread.read_csv(path, args.encoding)
        check_ins = None
    if args.check_ins is not None:
        head = sheetread.read_head(args.check_ins)
        if sheetread.kind_of(args.check_ins, head) == "xlsx":
            sheetread.check_zip(args.check_ins)
            check_ins = sheetread.read_xlsx(args.check_ins)
        else:
            check_ins = sheetread.read_csv(args.check_ins, args.encoding)
    return table, check_ins


def known_people(engine: Engine) -> list[sheetrows.Person]:
    with reading(engine) as session:
        rows = session.exec(select(Person).where(col(Person.deleted).is_(False)).order_by(col(Person.id))).all()
        return [sheetrows.Person(p.id, p.name, p.email) for p in rows]


# A sheet's record leaves out what it has no column (or a blank cell) for: those fields keep their stored
# value, as they would in the TUI, instead of falling back to the schema's defaults. Document key → column.
_OBJECTIVE_KEPT = {"description": "description", "level": "level", "team": "team_id", "owner": "owner_id",
                   "parent": "parent_id", "status": "status", "visibility": "visibility",
                   "activated_on": "activated_on", "submitted_at": "submitted_at"}
_KR_KEPT = {"owner": "owner_id", "unit": "unit", "start": "start", "target": "target", "low": "low", "high": "high",
            "weight": "weight", "self_score": "self_score", "score_comment": "score_comment"}


def keep_unsaid(engine: Engine, document: dict[str, Any]) -> None:
    objectives = document["objectives"]
    krs = [kr for o in objectives for kr in o["key_results"]]
    with reading(engine) as session:
        stored_o = _stored(session, Objective, [o["id"] for o in objectives])
        stored_k = _stored(session, KeyResult, [k["id"] for k in krs])
    for rows, stored, kept in ((objectives, stored_o, _OBJECTIVE_KEPT), (krs, stored_k, _KR_KEPT)):
        for values in rows:
            row = stored.get(values["id"])
            if row is None:
                continue
            for key, attr in kept.items():
                if key not in values:
                    value = getattr(row, attr)
                    values[key] = value.isoformat() if isinstance(value, dt.date) else value


def _stored(session: Session, model: Any, ids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(0, len(ids), 500):
        for row in session.exec(select(model).where(col(model.id).in_(ids[i:i + 500]))).all():
            out[row.id] = row
    return out


def build(open_engine: Callable[[], Engine], path: Path, kind: str, args: SheetArgs,
          options: Options) -> tuple[Engine, Built, list[str]]:
    """The file as a document, every problem named (SheetErrors), before anything is written. The
    database is opened only once the files have been read: a bad file never opens it."""
    if args.map is not None:
        options.map = read_map(args.map)
    options.order = args.order
    table, check_ins = read_tables(path, kind, args)
    engine = open_engine()
    built = sheetrows.build(table, options, known_people(engine), check_ins)
    keep_unsaid(engine, built.document)
    return engine, built, table.notes + (check_ins.notes if check_ins else [])


def import_sheet(open_engine: Callable[[], Engine], path: Path, kind: str, args: SheetArgs, options: Options,
                 progress: bulk.Progress | None = None) -> interchange.ImportResult:
    engine, built, notes = build(open_engine, path, kind, args, options)
    try:
        result = interchange.import_document(engine, built.document, options.fy_month, progress, options.today)
    except Invalid as err:  # the schema's rules on every row too, so the file's every problem is named
        raise SheetErrors(sheetrows.in_file_order(built.schema_problems() + [locate(err, built)])) from None
    result.notes = notes + built.notes + result.notes
    return result


def locate(err: Invalid, built: Built) -> str:
    """An import's error on the document (`objectives[2].key_results[0].owner: …`) at its row and column."""
    path = err.path
    while path:
        if path in built.places:
            source, row, headers = built.places[path]
            key = err.path[len(path):].lstrip(".").split(".")[0] or "id"
            return f"{source}:{row}:{plain(headers.get(key, key))}: {plain(err.message)}"
        path = path.rsplit(".", 1)[0] if "." in path else ""
    return f"{plain(err.path)}: {plain(err.message)}"
