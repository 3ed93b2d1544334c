"""A SQLite period read with the standard library only: the TUI's first view and the reports.

SQLAlchemy and SQLModel take 0.4–0.8 s to import on a small machine, longer than reading
and scoring a whole period. For a SQLite database already at the current schema this
module reads the same rows as okrtui.store (the same columns, filters and order) and
hands them to `views.assemble`, the one place rows become numbers. It never writes and
never creates: anything it does not expect (no file, another schema version, no identity
yet, a PostgreSQL URL, an unreadable file) returns None, and the caller takes the ORM path,
which migrates, creates or reports the problem as before. Tests compare both paths.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrtui import cycle, periods
from okrtui.views import (
    CHECK_IN_COLUMNS,
    DEPENDENCY_COLUMNS,
    KR_COLUMNS,
    OBJECTIVE_COLUMNS,
    TEAM_COLUMNS,
    DependencyView,
    PeriodReport,
    TeamView,
    assemble,
    by_kr,
)

# okrtui.migrations.LATEST, which cannot be imported without SQLAlchemy; a test keeps them equal.
SCHEMA = 5


@dataclass
class Read:
    span: periods.Span
    me: str
    report: PeriodReport
    dependencies: list[DependencyView]
    reflections: dict[str, str]


def _cols(table: str, names: tuple[str, ...]) -> str:
    return ", ".join(f"{table}.{name}" for name in names)


_LIVE = "o.period_id = ? AND o.deleted = 0"


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def read(target: str | Path, label: str | None, today: dt.date, as_of: dt.date | None = None, *,
         team: bool = True, fy_month: int = 1, stale_after: int = 7, notes: bool = True) -> Read | None:
    """The period `label` (None: the quarter of today) as of `as_of` (default today), or None when
    only the ORM path can serve this database. `notes=False` leaves check-ins' ids and notes
    empty: reports show neither, and at 10^5 check-ins they are a third of the rows' strings."""
    if not isinstance(target, Path) or not target.is_file():
        return None
    # 10^5 new objects and no cycles among them: the cyclic collector's passes would only cost
    # (a third of the read at 20,000 KRs). Refcounting still frees everything.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with closing(sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            conn.execute("BEGIN")  # one consistent snapshot of every query below
            return _read(conn, label, today, as_of or today, team, fy_month, stale_after, notes)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None  # the ORM path opens it and says what is wrong, as it always has
    finally:
        if collecting:
            gc.enable()


def _read(conn: sqlite3.Connection, label: str | None, today: dt.date, as_of: dt.date, team: bool,
          fy_month: int, stale_after: int, notes: bool) -> Read | None:
    (version,) = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migration").fetchone()
    identity = conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
    if version != SCHEMA or identity is None or not identity[0]:
        return None  # to migrate, or a new database: the ORM path does it
    me: str = identity[0]
    span = _span(conn, label, today, fy_month)
    if span is None:
        return None
    where, args = _LIVE, [span.label]
    if not team:
        where, args = f"{where} AND o.origin = ?", [span.label, me]
    objectives = [(*row[:-1], _date(row[-1])) for row in conn.execute(
        f"SELECT {_cols('o', OBJECTIVE_COLUMNS)} FROM objective o WHERE {where} ORDER BY o.position, o.id", args)]
    kr_rows = conn.execute(
        f"SELECT {_cols('k', KR_COLUMNS)} FROM key_result k JOIN objective o ON k.objective_id = o.id "
        f"WHERE {where} AND k.deleted = 0 ORDER BY k.objective_id, k.position, k.id", args)
    key_results = [(*row[:6], *map(_float, row[6:10]), float(row[10]), _float(row[11]), *row[12:]) for row in kr_rows]
    last_day = min(span.end, as_of)
    columns = _cols("c", CHECK_IN_COLUMNS) if notes else "c.kr_id, '', c.date, c.value, c.confidence, ''"
    check_ins = conn.execute(
        f"SELECT {columns} FROM check_in c JOIN key_result k ON c.kr_id = k.id "
        f"JOIN objective o ON k.objective_id = o.id WHERE {where} AND k.deleted = 0 AND c.deleted = 0 "
        "AND c.date >= ? AND c.date <= ? ORDER BY c.kr_id, c.date, c.created_at, c.id",
        [*args, span.start.isoformat(), last_day.isoformat()])
    people = {pid: name or pid for pid, name in conn.execute("SELECT id, name FROM person")}
    teams = {row[0]: TeamView(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6]) for row in conn.execute(
        f"SELECT {', '.join(TEAM_COLUMNS)} FROM team WHERE deleted = 0")}
    report = assemble(span, as_of, objectives, key_results, by_kr(check_ins, _Days().__getitem__), people, teams,
                      stale_after)
    cycle.apply(report, cycle.load(lambda sql, params: conn.execute(sql, dict(params)).fetchall(), me), stale_after)
    dependencies = [DependencyView(*row) for row in conn.execute(
        f"SELECT {', '.join(DEPENDENCY_COLUMNS)} FROM dependency WHERE deleted = 0")]
    reflections = dict(conn.execute(
        "SELECT question, answer FROM reflection WHERE person_id = ? AND period_id = ? AND deleted = 0",
        [me, span.label]).fetchall())
    return Read(span, me, report, dependencies, reflections)


class _Days(dict[str, dt.date]):
    """ISO text → date, each day parsed once: a quarter has 92 days, a company 10^5 check-ins."""

    def __missing__(self, key: str) -> dt.date:
        day = self[key] = dt.date.fromisoformat(key)
        return day


def _span(conn: sqlite3.Connection, label: str | None, today: dt.date, fy_month: int) -> periods.Span | None:
    if label is None:
        return periods.quarter_of(today, fy_month)
    if periods.is_quarter_label(label):
        return periods.quarter(label, fy_month)
    row = conn.execute('SELECT start, "end" FROM period WHERE id = ? AND deleted = 0', [label]).fetchone()
    if row is None:
        return None  # the ORM path says "unknown period"
    return periods.Span(dt.date.fromisoformat(row[0]), dt.date.fromisoformat(row[1]), label)


class Prefetch:
    """`read` of the TUI's first view, started in a thread now and collected by the app: the
    read (and the sqlite3 import) overlaps Textual's import and the app's set-up."""

    def __init__(self, target: str | Path, today: dt.date, *, fy_month: int = 1, stale_after: int = 7) -> None:
        self.today = today
        self._result: Read | None = None
        self._thread = threading.Thread(target=self._run, args=(target, today, fy_month, stale_after),
                                        name="okrtui-first-view", daemon=True)
        self._thread.start()

    def _run(self, target: str | Path, today: dt.date, fy_month: int, stale_after: int) -> None:
        self._result = read(target, None, today, team=True, fy_month=fy_month, stale_after=stale_after)

    def result(self) -> Read | None:
        self._thread.join()
        return self._result
