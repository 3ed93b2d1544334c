"""Batched writes for import and sync: what exists is read in a few queries, rows go in batches.

The callers validate everything first; this module only writes, inside the caller's
transaction (all of it is committed, or none). One `session.get` and one autoflush per
record cost 2.7 ms each (a network round trip on PostgreSQL); here a 10,000-KR document
is a few dozen statements: `IN` reads of the ids it names, then batched inserts
(executemany on SQLite, `INSERT … SELECT FROM unnest(…)` on PostgreSQL) and executemany updates.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlmodel import SQLModel

from okrtui.core.errors import OkrError
from okrtui.storage.base import of
from okrtui.storage.model import now_stamp

BATCH = 5_000     # rows per executemany call: progress steps, and bounded memory for the driver
READ_CHUNK = 900  # ids per IN (...) read: far under SQLite's and PostgreSQL's bound-variable limits

# (rows done, rows in all): called after each batch
Progress = Callable[[int, int], None]
T = TypeVar("T")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    theirs: dict[str, int] = field(default_factory=dict)  # someone else's records left as stored, by maker


def table_of(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]  # set by SQLModel for table=True


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def existing(conn: Connection, model: type[SQLModel], ids: Iterable[str]) -> dict[str, RowMapping]:
    """The stored rows (deleted ones too) among `ids`, by id.

    A few ids are read with `IN` lists; many (an import of thousands) first read the table's
    ids in one query (an index scan), so an empty or unrelated table costs one query."""
    wanted = set(ids)
    if len(wanted) > 4 * READ_CHUNK:
        wanted &= existing_ids(conn, model)
    table = table_of(model)
    statement = select(table).where(table.c.id.in_(bindparam("ids", expanding=True)))
    out: dict[str, RowMapping] = {}
    for part in chunks(sorted(wanted), READ_CHUNK):
        for row in conn.execute(statement, {"ids": list(part)}).mappings():
            out[row["id"]] = row
    return out


def stored_ids(conn: Connection, model: type[SQLModel], ids: Iterable[str]) -> set[str]:
    """Which of `ids` are stored (deleted rows too): `IN` reads for a few, the table's ids for many."""
    wanted = set(ids)
    if len(wanted) > 4 * READ_CHUNK:
        return wanted & existing_ids(conn, model)
    table = table_of(model)
    statement = select(table.c.id).where(table.c.id.in_(bindparam("ids", expanding=True)))
    out: set[str] = set()
    for part in chunks(sorted(wanted), READ_CHUNK):
        out.update(conn.execute(statement, {"ids": list(part)}).scalars())
    return out


def existing_ids(conn: Connection, model: type[SQLModel]) -> set[str]:
    """Every id of a table (deleted rows too), in one query."""
    table = table_of(model)
    return set(conn.execute(select(table.c.id)).scalars())


def defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The model's default for every optional field (Core inserts need every column)."""
    return {name: info.get_default(call_default_factory=True)
            for name, info in model.model_fields.items() if not info.is_required()}


def insert_rows(conn: Connection, model: type[SQLModel], rows: Sequence[dict[str, Any]],
                step: Callable[[int], None] | None = None, fill: dict[str, Any] | None = None) -> None:
    """Insert new rows in batches; fields a row leaves out come from `fill`, else the model's default.

    Each column's bind processor is applied here and the driver runs the statement: SQLAlchemy's
    per-row parameter building was half the write. How a batch goes in is the backend's
    (Backend.batch_insert): SQLite takes an executemany, PostgreSQL one INSERT … SELECT FROM unnest."""
    if not rows:
        return
    table = table_of(model)
    dialect = conn.dialect
    columns = [c.key for c in table.columns]
    base = {**defaults(model), **(fill or {})}
    if table.name == "check_in":
        rows = settle_days(conn, table, [{**base, **row} for row in rows])
    process = [(i, f) for i, c in enumerate(columns)
               if (f := table.c[c].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    insert = of(conn).batch_insert(conn, table, columns)
    processors = dict(process)
    for part in chunks(rows, BATCH):
        insert(_column_values(part, columns, base, processors))
        if step is not None:
            step(len(part))


def _column_values(part: Sequence[dict[str, Any]], columns: list[str], base: dict[str, Any],
                   processors: Mapping[int, Callable[[Any], Any]]) -> list[list[Any]]:
    """One list per column of the rows' values (a field a row leaves out: `base`'s), each through
    its column's bind processor. Rows with the same fields (an import's or a sync's usually have)
    are read a column at a time: a value per row and column in Python was a third of the write."""
    n = len(part)
    keys = part[0].keys()
    if all(row.keys() == keys for row in part):
        out: list[list[Any]] = []
        for i, c in enumerate(columns):
            f = processors.get(i)
            if c in keys:
                column = [row[c] for row in part]
                out.append(list(map(f, column)) if f is not None else column)
            else:
                value = base.get(c)
                out.append([f(value) if f is not None else value] * n)
        return out
    rows = [[row[c] if c in row else base.get(c) for c in columns] for row in part]
    for i, f in processors.items():
        for values in rows:
            values[i] = f(values[i])
    return [list(column) for column in zip(*rows, strict=True)]


def update_rows(conn: Connection, model: type[SQLModel], rows: Sequence[dict[str, Any]],
                step: Callable[[int], None] | None = None) -> None:
    """Update rows by id in executemany batches. Rows are grouped by the set of columns they set.

    Every row must change exactly one stored row: a row the database hides or refuses
    (PostgreSQL's row-level security matches nothing) fails the whole write."""
    table = table_of(model)
    if table.name == "check_in" and rows:
        stored = existing(conn, model, (r["id"] for r in rows))
        settled = {r["id"]: r for r in settle_days(conn, table, [{**stored[r["id"]], **r} for r in rows
                                                                  if r["id"] in stored])}
        rows = [{**r, "deleted": True} if settled.get(r["id"], r).get("deleted") else r for r in rows]
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(k for k in row if k != "id")), []).append(row)
    for columns, group in groups.items():
        statement = update(table).where(table.c.id == bindparam("b_id")).values(
            {c: bindparam(f"b_{c}") for c in columns})
        for part in chunks(group, BATCH):
            params = [{f"b_{k}": v for k, v in row.items()} for row in part]
            result = conn.execute(statement, params)
            if result.rowcount != len(part):
                raise OkrError(f"the database changed {result.rowcount} of {len(part)} {table.name} rows; "
                               "nothing was written")
            if step is not None:
                step(len(part))


def _day(row: Any) -> tuple[str, str, str]:
    """A check-in's place under the unique index of migration 6: its KR, author and day."""
    return (row["kr_id"], row["author_id"] or row["origin"], str(row["date"]))


def _rank(row: Any) -> tuple[str, str, str]:
    return (row["updated_at"], row["created_at"], row["id"])


def settle_days(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Whole check-ins about to be written, settled so one stays live per KR, author and day: the
    latest of them and the stored ones; the others are written (or turned) into tombstones. The
    same records give the same survivor in whatever order they arrive (a team file's duplicates
    from before migration 6 included)."""
    live = [r for r in rows if not r["deleted"]]
    if not live:
        return rows
    written = {r["id"] for r in rows}
    stored: list[dict[str, Any]] = []
    columns = (table.c.id, table.c.kr_id, table.c.author_id, table.c.origin, table.c.date, table.c.updated_at,
               table.c.created_at)
    for part in chunks(sorted({r["kr_id"] for r in live}), READ_CHUNK):
        stored += [dict(m) for m in conn.execute(select(*columns).where(
            table.c.kr_id.in_(part), table.c.deleted.is_(False))).mappings() if m["id"] not in written]
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in [*stored, *live]:
        day = _day(row)
        held = best.get(day)
        if held is None or _rank(row) > _rank(held):
            best[day] = row
    if not stored and len(best) == len(live):
        return rows  # each its day's only one, nothing stored beside them (a new import): all stay live
    kept = {id(r) for r in best.values()}
    beaten = [r["id"] for r in stored if id(r) not in kept]
    for part in chunks(beaten, READ_CHUNK):
        conn.execute(update(table).where(table.c.id.in_(part)).values(deleted=True))
    return [{**r, "deleted": True} if not r["deleted"] and id(r) not in kept else r for r in rows]


class Writer:
    """Creates or updates one table's records as the caller's own (origin = me), like
    `store.touch` would one by one: a stored row changes, and gets a new `updated_at`,
    only when a value differs."""

    def __init__(self, conn: Connection, me: str, counts: Counts, progress: Progress | None = None,
                 total: int = 0) -> None:
        self.conn, self.me, self.counts = conn, me, counts
        self.stamp = now_stamp()  # one time for the whole write: the same transaction
        self.progress, self.total, self.done = progress, total, 0

    def step(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.total)

    def upsert(self, model: type[SQLModel], records: Sequence[dict[str, Any]],
               keep: Callable[[RowMapping], bool] | None = None) -> None:
        """`keep(stored)` true: leave that stored row as it is (counted unchanged)."""
        stored = existing(self.conn, model, (r["id"] for r in records))
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for values in records:
            row = stored.get(values["id"])
            if row is None:
                new.append(values)  # origin, deleted and the stamps: `fill` below
            elif keep is not None and keep(row):  # not the importer's: not stored, and said so
                self.counts.theirs[row["origin"]] = self.counts.theirs.get(row["origin"], 0) + 1
            else:
                # Only the columns that differ, as store.touch sets them: PostgreSQL grants no
                # UPDATE of id or origin, and a person's own rows keep theirs.
                wanted = {**values, "origin": self.me, "deleted": False}
                diff = {k: v for k, v in wanted.items() if row[k] != v}
                if diff:
                    changed.append({"id": values["id"], **diff, "updated_at": self.stamp})
                else:
                    self.counts.unchanged += 1
        self.step(len(records) - len(new) - len(changed))
        insert_rows(self.conn, model, new, self.step, fill={"origin": self.me, "deleted": False,
                                                            "created_at": self.stamp, "updated_at": self.stamp})
        update_rows(self.conn, model, changed, self.step)
        self.counts.created += len(new)
        self.counts.updated += len(changed)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off while 10^5 records (dicts, no cycles) are read and written: its
    full passes over a growing heap made twice the data cost more than twice the time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
