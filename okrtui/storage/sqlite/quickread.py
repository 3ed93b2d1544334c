"""A SQLite period read with the standard library only: the TUI's first view and the reports.

SQLAlchemy and SQLModel take 0.4–0.8 s to import on a small machine, longer than reading
and scoring a whole period. For a SQLite database already at the current schema this
module runs okrtui.storage.reads' queries through sqlite3, the same SQL the ORM path (okrtui.cycle.ormread)
runs through SQLAlchemy, and `views.assemble` turns the rows into numbers for both. It never writes and
never creates: anything it does not expect (no file, another schema version, no identity
yet, a PostgreSQL URL, an unreadable file) returns None, and the caller takes the ORM path,
which migrates, creates or reports the problem as before. Tests compare both paths.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrtui.storage import reads
from okrtui.storage.reads import Read

if TYPE_CHECKING:  # the metrics' module loads with the first metric read, not before the TUI's first frame
    from okrtui.method import health

__all__ = ["SCHEMA", "Prefetch", "Read", "read"]


def _latest_migration() -> int:
    """okrtui.storage.migrations.LATEST, from the migration modules' file names: importing the package
    would import SQLAlchemy (tests/storage/test_quickread.py keeps the two equal)."""
    spec = importlib.util.find_spec("okrtui.storage.migrations")
    assert spec is not None and spec.submodule_search_locations
    found = [int(m.group(1)) for where in spec.submodule_search_locations for f in Path(where).iterdir()
             if (m := re.fullmatch(r"m(\d{3})_\w+\.py", f.name))]
    return max(found)


SCHEMA = _latest_migration()


def read(target: str | Path, label: str | None, today: dt.date, as_of: dt.date | None = None, *,
         team: bool = True, fy_month: int = 1, stale_after: int = 7, notes: bool = True,
         gate: Callable[[], object] | None = None) -> Read | None:
    """The period `label` (None: the quarter of today) as of `as_of` (default today), or None when
    only the ORM path can serve this database. `notes=False` leaves check-ins' ids and notes
    empty: reports show neither, and at 10^5 check-ins they are a third of the rows' strings.
    `gate` may hold the read up between its steps (Prefetch.hold)."""
    if not isinstance(target, Path) or not target.is_file():
        return None
    # 10^5 new objects and no cycles among them: the cyclic collector's passes would only cost
    # (a third of the read at 20,000 KRs). Refcounting still frees everything.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with closing(sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            conn.execute("BEGIN")  # one consistent snapshot of every query below
            return _read(conn, label, today, as_of or today, team, fy_month, stale_after, notes, gate)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None  # the ORM path opens it and says what is wrong, as it always has
    finally:
        if collecting:
            gc.enable()


def runner(conn: sqlite3.Connection) -> reads.Run:
    """okrtui.storage.reads' queries through sqlite3: dates go in as the ISO text SQLite stores."""
    def run(sql: str, params: dict[str, Any]) -> tuple[list[str], sqlite3.Cursor]:
        cur = conn.execute(sql, {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()})
        return [d[0] for d in cur.description], cur

    return run


def _read(conn: sqlite3.Connection, label: str | None, today: dt.date, as_of: dt.date, team: bool,
          fy_month: int, stale_after: int, notes: bool, gate: Callable[[], object] | None = None) -> Read | None:
    (version,) = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migration").fetchone()
    identity = conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
    if version != SCHEMA or identity is None or not identity[0]:
        return None  # to migrate, or a new database: the ORM path does it
    me: str = identity[0]
    run = runner(conn)
    span = reads.span(run, label, today, fy_month)
    if span is None:
        return None  # the ORM path says "unknown period"
    return reads.whole(run, span, as_of, me, team=team, stale_after=stale_after, notes=notes, gate=gate)


class Prefetch:
    """`read` of the TUI's first view, started in a thread now and collected by the app: the
    read (and the sqlite3 import) overlaps Textual's import and the app's set-up. The health metrics
    (`read_metrics`) are read first, in the same thread: the first snapshot needs both, and the Health
    screen can show the metrics while the period is read (at 10,000 KRs that takes several times as
    long; two threads would only share the interpreter's lock).

    For the same reason a screen drawing what was read ahead (the Health screen's metrics) may `hold`
    the period's read, which then waits at its next step until `release`, or for HOLD_S at most."""

    HOLD_S = 2.0

    def __init__(self, target: str | Path, today: dt.date, *, fy_month: int = 1, stale_after: int = 7) -> None:
        self.today = today
        self._result: Read | None = None
        self._metrics: tuple[list[health.MetricView], str] | None = None
        self._metrics_read = threading.Event()
        self._go = threading.Event()
        self._go.set()
        self._until = 0.0
        self._thread = threading.Thread(target=self._run, args=(target, today, fy_month, stale_after),
                                        name="okrtui-first-view", daemon=True)
        self._thread.start()

    def _run(self, target: str | Path, today: dt.date, fy_month: int, stale_after: int) -> None:
        try:
            self._metrics = read_metrics(target, today, fy_month)
        finally:
            self._metrics_read.set()
        self._result = read(target, None, today, team=True, fy_month=fy_month, stale_after=stale_after,
                            gate=self._gate)

    def hold(self) -> None:
        """The period's read waits at its next step, until `release` or for HOLD_S at most (so a
        screen that never releases it costs that, not the period)."""
        self._until = time.monotonic() + self.HOLD_S
        self._go.clear()

    def release(self) -> None:
        self._go.set()

    def _gate(self) -> None:
        if not self._go.is_set():
            self._go.wait(max(0.0, self._until - time.monotonic()))

    def result(self) -> Read | None:
        self._thread.join()
        return self._result

    def metrics(self) -> tuple[list[health.MetricView], str] | None:
        """Every metric the user sees as of today, and their id; None when only the ORM path can read them."""
        self._metrics_read.wait()
        return self._metrics


class ChangeCounter:
    """SQLite's `PRAGMA data_version` on a read-only connection of its own: it changes whenever
    another connection (the CLI, a sync, this app's own saves) commits to the file. Reading it costs
    a few microseconds and no lock wait (timeout 0), so the TUI can ask it every second."""

    def __init__(self, target: Path) -> None:
        self._conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True, timeout=0)

    def __call__(self) -> int | None:
        """The counter, or None when the file is busy or gone this time (asked again later)."""
        try:
            row = self._conn.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0]) if row else None

    def close(self) -> None:
        self._conn.close()


def read_metrics(target: str | Path, day: dt.date, fy_month: int = 1) -> tuple[list[health.MetricView], str] | None:
    """okrtui.method.health's read of every metric through sqlite3 (`metric list`, reports, the Health screen),
    or None when only the ORM path can serve this database, as `read`."""
    if not isinstance(target, Path) or not target.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            conn.execute("BEGIN")
            (version,) = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migration").fetchone()
            identity = conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
            if version != SCHEMA or identity is None or not identity[0]:
                return None
            if conn.execute("SELECT 1 FROM metric WHERE NOT deleted LIMIT 1").fetchone() is None:
                return [], identity[0]  # what health.read finds, without loading it before the first frame
            from okrtui.method import health  # the metrics' rules: only for a database that has metrics

            return health.read(runner(conn), day, identity[0], fy_month), identity[0]
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
