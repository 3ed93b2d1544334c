"""`okrtui checkin KR VALUE` on a SQLite file with the standard library: no SQLAlchemy to import.

A single check-in is one small write, but SQLAlchemy and SQLModel take 0.3–0.8 s to import
(docs/performance.md, issue 20 (d)). For a SQLite file already at the current schema with an
identity, this module does what `checkins.record(carry_confidence=True)`
does, through sqlite3: the same checks and messages (okrtui.rules.checkinrules, shared with the ORM
path), the same SQL effects (a new row with the same columns, or the same-day row updated only
when something changed), in one IMMEDIATE transaction with the same busy timeout and pragmas.
Check-ins are signed when they are synced (okrtui.exchange.teamtrust.sign_own), not when they are written:
a new row has no signature, and a replaced one keeps its own, as on the ORM path.

Anything it does not expect (no file, a URL, another schema version, no identity yet, a file
sqlite3 cannot open) returns None before anything is written, and the caller takes the ORM
path, which creates, migrates or reports the problem as it always has. --fix and --delete stay
on the ORM path. tests/storage/test_quickwrite.py compares both paths row by row.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from okrtui.core import stamps
from okrtui.core.errors import OkrError, one_line
from okrtui.method import health
from okrtui.rules import checkinrules, fieldrules, metricrules
from okrtui.rules.checkinrules import Saved
from okrtui.storage import reads
from okrtui.storage.sqlite import quickread
from okrtui.storage.sqlite.quickread import SCHEMA

T = TypeVar("T")

BUSY_TIMEOUT_S = 30  # okrtui.storage.sqlite.engine.BUSY_TIMEOUT_S (tests/storage/test_quickwrite.py keeps them equal)

# okrtui.storage.sqlite.engine._sqlite_setup's, in its order
PRAGMAS = (f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}", "PRAGMA foreign_keys = ON",
           "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL")

_KR = ("SELECT id, title, owner_id, origin, kind, start, target, low, high, self_score, objective_id, "
       "owner_history, deleted FROM key_result")  # _KeyResult's fields, then deleted


@dataclass(frozen=True)
class _KeyResult:
    id: str
    title: str
    owner_id: str | None
    origin: str
    kind: str
    start: float | None
    target: float | None
    low: float | None
    high: float | None
    self_score: float | None
    objective_id: str
    owner_history: str | None


@dataclass(frozen=True)
class _Written:
    id: str
    date: dt.date
    value: float
    confidence: float | None
    note: str = ""
    deleted: bool = False


def record(target: str | Path, ref: str, value: float, *, confidence: float | None, note: str,
           day: dt.date, today: dt.date | None = None) -> Saved | None:
    """The check-in recorded as checkins.record(..., carry_confidence=True)
    records it, or None (nothing written) when only the ORM path can serve this database."""
    checked = checkinrules.check_values(value, confidence, note)
    checkinrules.check_not_future(day, today)
    return _write(target, lambda conn, me: _record(conn, me, ref, value, checked, day))


def measure(target: str | Path, ref: str, value: Any, *, note: str, day: dt.date, today: dt.date,
            fy_start_month: int | Callable[[], int] = 1) -> metricrules.Measured | None:
    """A health metric's measurement recorded as okrtui.cycle.metrics.record records it, or None (nothing
    written) when only the ORM path can serve this database. `fy_start_month` may be a function: it is
    asked only for a quarterly metric (only a quarter depends on the fiscal year)."""
    checked = metricrules.check_measurement(value, note)
    return _write(target, lambda conn, me: _measure(conn, me, ref, checked, day, today, fy_start_month))


def _write(target: str | Path, work: Callable[[sqlite3.Connection, str], T]) -> T | None:
    """`work(conn, me)` in one IMMEDIATE transaction, committed; None before anything is written
    when the ORM path must serve (see the module's note)."""
    if not isinstance(target, Path) or not target.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S,
                               isolation_level=None)  # we BEGIN ourselves, as store.writing does
    except sqlite3.Error:
        return None
    with closing(conn):
        try:
            for pragma in PRAGMAS:
                conn.execute(pragma)
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):  # the write lock, held past the busy timeout
                raise OkrError(f"cannot write the database: {one_line(str(err))}") from None
            return None
        except sqlite3.Error:
            return None
        try:
            me = _me(conn)
            if me is None:
                _rollback(conn)
                return None
            done = work(conn, me)
            conn.execute("COMMIT")
            return done
        except sqlite3.OperationalError as err:
            _rollback(conn)
            raise OkrError(f"cannot write the database: {one_line(str(err))}") from None
        except sqlite3.IntegrityError as err:
            _rollback(conn)
            raise OkrError(f"the database refused the change: {one_line(str(err))}") from None
        except BaseException:
            _rollback(conn)
            raise


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _me(conn: sqlite3.Connection) -> str | None:
    """The local identity, or None when the ORM path must serve (another schema, no identity or
    no person record yet: store.identity makes them)."""
    try:
        (version,) = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migration").fetchone()
        found = conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
        if version != SCHEMA or found is None or not found[0]:
            return None
        me: str = found[0]
        return me if conn.execute("SELECT 1 FROM person WHERE id = ?", (me,)).fetchone() else None
    except sqlite3.Error:
        return None


def _record(conn: sqlite3.Connection, me: str, ref: str, value: float, checked: fieldrules.CheckInValues,
            day: dt.date) -> Saved:
    kr = _find_key_result(conn, ref)
    checkinrules.check_writer(kr, me, lambda pid: _name_of(conn, pid))
    objective = conn.execute("SELECT deleted, status, period_id FROM objective WHERE id = ?",
                             (kr.objective_id,)).fetchone()
    if objective is None or objective[0]:
        raise checkinrules.no_live_objective(kr.id)
    checkinrules.check_status(kr.id, objective[1])
    period_id = objective[2]
    period = conn.execute('SELECT start, "end" FROM period WHERE id = ?', (period_id,)).fetchone()
    if period is None:
        raise checkinrules.period_missing(kr.id, period_id)
    start, end = dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1])
    checkinrules.check_in_period(period_id, start, end, day, kr.id)
    checkinrules.check_day(kr, me, day, lambda pid: _name_of(conn, pid))
    if checked.confidence is None:
        checked = checkinrules.check_values(value, checkinrules.last_confidence(_check_ins(conn, kr, start, day)),
                                            checked.note)
    same = conn.execute("SELECT id, value, confidence, note FROM check_in WHERE kr_id = ? AND date = ? "
                        "AND origin = ? AND deleted IS 0 ORDER BY created_at DESC LIMIT 1",
                        (kr.id, day.isoformat(), me)).fetchone()
    new = (checked.value, checked.confidence, checked.note)
    if same is None:
        row_id = conn.execute(reads.SAME_DAY_UPSERT, {
            "id": stamps.new_id(), "me": me, "stamp": stamps.now_stamp(), "kr_id": kr.id, "day": day.isoformat(),
            "value": new[0], "confidence": new[1], "note": new[2]}).fetchone()[0]
    before = None
    if same is not None:
        row_id = same[0]
        before = checkinrules.changed(tuple(same[1:]), new)
        if before is not None:  # store.touch: updated_at moves only when something changed
            conn.execute("UPDATE check_in SET value = ?, confidence = ?, note = ?, updated_at = ? WHERE id = ?",
                         (*new, stamps.now_stamp(), row_id))
    row = _Written(row_id, day, checked.value, checked.confidence, checked.note)
    return checkinrules.outcome(kr, row, _check_ins(conn, kr, start, day), replaced=same is not None,
                                before=before)


def _find_key_result(conn: sqlite3.Connection, ref: str) -> _KeyResult:
    """store.find_key_result: by id, else by a unique prefix of 4+ characters."""
    found = conn.execute(f"{_KR} WHERE id = ?", (ref,)).fetchone()
    if found is not None:
        if found[-1]:
            raise checkinrules.kr_deleted(ref)
        return _KeyResult(*found[:-1])
    if len(ref) < checkinrules.PREFIX_MIN:
        raise checkinrules.kr_not_found(ref)
    rows = conn.execute(f"{_KR} WHERE id LIKE ? ESCAPE '\\' AND substr(id, 1, ?) = ? AND deleted IS 0 "
                        "ORDER BY id LIMIT ?",  # substr: a prefix is case-sensitive (LIKE is not on SQLite)
                        (checkinrules.like_prefix(ref), len(ref), ref, checkinrules.PREFIX_SHOWN + 1)).fetchall()
    if not rows:
        raise checkinrules.kr_not_found(ref)
    if len(rows) > 1:
        raise checkinrules.ambiguous(ref, [(r[0], r[1]) for r in rows])
    return _KeyResult(*rows[0][:-1])


def _name_of(conn: sqlite3.Connection, pid: str) -> str:
    """checkins.name_of: by name, the id only when no name is known."""
    found = conn.execute("SELECT name FROM person WHERE id = ?", (pid,)).fetchone()
    return found[0] if found is not None and found[0] else pid


def _check_ins(conn: sqlite3.Connection, kr: _KeyResult, start: dt.date, end: dt.date
               ) -> list[tuple[str, dt.date, float, float | None, str]]:
    """The KR's check-ins that count from `start` to `end`, oldest first (okrtui.storage.reads, as the
    ORM path's okrtui.cycle.checkins reads them)."""
    return [(c.view.id, c.view.date, c.view.value, c.view.confidence, c.view.note)
            for c in reads.kr_check_ins_between(quickread.runner(conn), kr.id, start, end) if c.counts]


# --- a health metric's measurement (okrtui.cycle.metrics.record) ---------------------------------------

_METRIC = ("SELECT id, name, unit, owner_id, origin, cadence, low, high, visibility, since, archived_on, deleted "
           "FROM metric")
# metrics.points: every live measurement of the metric, oldest first (by date, then as made)
_POINTS = ("SELECT date, value FROM measurement WHERE metric_id = ? AND deleted IS 0 "
           "ORDER BY date, created_at, id")


@dataclass(frozen=True)
class _Metric:
    id: str
    name: str
    unit: str
    owner_id: str | None
    origin: str
    cadence: str
    low: float | None
    high: float | None
    visibility: str
    since: str
    archived_on: str | None


def _measure(conn: sqlite3.Connection, me: str, ref: str, checked: tuple[float, str], day: dt.date,
             today: dt.date, fy_start_month: int | Callable[[], int]) -> metricrules.Measured:
    value, note = checked
    m = _find_metric(conn, me, ref)
    metricrules.check_writer(m.id, m.name, m.owner_id, m.origin, me, _metric_answerer(conn, m.owner_id or m.origin))
    metricrules.check_day(m.id, dt.date.fromisoformat(m.since),
                          None if m.archived_on is None else dt.date.fromisoformat(m.archived_on), day, today)
    expect = health.Expectation(m.low, m.high)
    iso = day.isoformat()
    why = health.implausible(expect, [v for d, v in conn.execute(_POINTS, (m.id,)) if d != iso], value)
    same = conn.execute("SELECT id, value, note FROM measurement WHERE metric_id = ? AND date = ? AND origin = ? "
                        "AND deleted IS 0 LIMIT 1", (m.id, iso, me)).fetchone()
    before = None
    if same is None:
        row_id = stamps.new_id()
        stamp = stamps.now_stamp()
        conn.execute("INSERT INTO measurement (id, origin, created_at, updated_at, deleted, metric_id, date, value, "
                     "note, author_id, signature) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, '')",
                     (row_id, me, stamp, stamp, m.id, iso, value, note, me))
    else:
        row_id = same[0]
        if (same[1], same[2]) != (value, note):  # store.touch: updated_at moves only when something changed
            before = same[1]
            conn.execute("UPDATE measurement SET value = ?, note = ?, updated_at = ? WHERE id = ?",
                         (value, note, stamps.now_stamp(), row_id))
    points = [health.Point(dt.date.fromisoformat(d), v) for d, v in conn.execute(_POINTS, (m.id,))]
    fy = 1 if m.cadence != health.Cadence.QUARTERLY else fy_start_month() if callable(fy_start_month) \
        else fy_start_month
    status = health.health(expect, m.cadence, points, today, fy)
    return metricrules.Measured(row_id, m.id, m.name, m.unit, value, day, status, same is not None, why, before)


def _find_metric(conn: sqlite3.Connection, me: str, ref: str) -> _Metric:
    """metrics.find: by id, else by a unique prefix of 4+ characters, among the metrics `me` sees."""
    found = conn.execute(f"{_METRIC} WHERE id = ?", (ref,)).fetchone()
    if found is not None:
        if not found[-1] and metricrules.sees(found[8], found[4], me):
            return _Metric(*found[:-1])
        if found[-1]:
            raise metricrules.deleted(ref)
    if len(ref) < metricrules.PREFIX_MIN:
        raise metricrules.too_short(ref)
    rows = [r for r in conn.execute(
        f"{_METRIC} WHERE id LIKE ? ESCAPE '\\' AND substr(id, 1, ?) = ? AND deleted IS 0 ORDER BY id LIMIT ?",
        (checkinrules.like_prefix(ref), len(ref), ref, metricrules.PREFIX_SHOWN + 1))
        if metricrules.sees(r[8], r[4], me)]
    if not rows:
        raise metricrules.not_found(ref)
    if len(rows) > 1:
        raise metricrules.ambiguous(ref, [(r[0], r[1]) for r in rows])
    return _Metric(*rows[0][:-1])


def _metric_answerer(conn: sqlite3.Connection, pid: str) -> str:
    """conversation.name_of: by name, the id when no name is known, "nobody" for no one."""
    return _name_of(conn, pid) if pid else "nobody"
