"""The standard-library read (okrtui.storage.sqlite.quickread) gives exactly what the ORM path gives, or None."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrtui import cli
from okrtui.cycle import editing, ormread
from okrtui.method import health, views
from okrtui.storage.backend import open_engine
from okrtui.storage.migrations import LATEST
from okrtui.storage.model import CheckIn, Meta
from okrtui.storage.sqlite import quickread
from okrtui.storage.store import my_id, reading, writing

TODAY = dt.date(2026, 11, 26)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def orm(path: Path, label: str | None, as_of: dt.date, team: bool) -> tuple[views.PeriodReport, str, list, dict]:
    engine = open_engine(path, create=False)
    try:
        with reading(engine) as session:
            span = ormread.resolve_period(session, label, TODAY)
            me = my_id(session)
            rep = ormread.build(session, span, as_of, me, team=team)
            deps = [views.DependencyView(d.id, d.from_id, d.to_id, d.note, d.origin) for d in editing.dependencies(session)]
            return rep, me, deps, ormread.reflections(session, me, span.label)
    finally:
        engine.dispose()


def test_the_schema_version_it_expects_is_the_latest():
    assert quickread.SCHEMA == LATEST


@pytest.mark.parametrize("label", [None, "2026-Q3", "2027-Q1"])
@pytest.mark.parametrize("team", [True, False])
@pytest.mark.parametrize("as_of", [TODAY, dt.date(2026, 10, 15), dt.date(2027, 3, 1)])
def test_both_paths_give_the_same_period(demo_template, label, team, as_of):
    quick = quickread.read(demo_template, label, TODAY, as_of, team=team)
    assert quick is not None
    rep, me, deps, reflections = orm(demo_template, label, as_of, team)
    assert quick.report == rep  # every view, every number, every check-in in order
    assert (quick.me, quick.dependencies, quick.reflections) == (me, deps, reflections)
    assert quick.report.objectives or label == "2027-Q1"


def test_without_notes_only_ids_and_notes_are_left_out(demo_template):
    full = quickread.read(demo_template, None, TODAY)
    bare = quickread.read(demo_template, None, TODAY, notes=False)
    assert full is not None and bare is not None
    pairs = list(zip(full.report.key_results(), bare.report.key_results(), strict=True))
    assert all((a.progress, a.grade, a.forecast, a.stale) == (b.progress, b.grade, b.forecast, b.stale)
               for a, b in pairs)
    assert {c.note for _, b in pairs for c in b.check_ins} == {""}


def test_none_where_only_the_orm_path_can_serve(tmp_path, demo_template):
    assert quickread.read(tmp_path / "missing.db", None, TODAY) is None
    assert not (tmp_path / "missing.db").exists()  # reading never creates
    assert quickread.read("postgresql://alice@db/okrs", None, TODAY) is None  # type: ignore[arg-type]
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-1.db", old)
    assert quickread.read(old, None, TODAY) is None  # to migrate first
    assert quickread.read(demo_template, "no-such-period", TODAY) is None  # the ORM path names the problem
    fresh = tmp_path / "fresh.db"
    open_engine(fresh).dispose()  # the schema, but no identity yet
    assert quickread.read(fresh, None, TODAY) is None
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert quickread.read(garbage, None, TODAY) is None


CHECK_INS = st.lists(st.tuples(st.integers(-5, 100), st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 5),
                               st.booleans()), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=CHECK_INS)
def test_same_day_order_deletions_and_period_bounds_agree(tmp_path_factory, demo_template, rows):
    """Check-ins on the same day in any creation order (each by its own author: one per KR, author
    and day), deleted ones, ones outside the period."""
    path = tmp_path_factory.mktemp("prop") / "db.db"
    shutil.copy(demo_template, path)
    engine = open_engine(path)
    start = dt.date(2026, 10, 1)
    with writing(engine) as session:
        for i, (day, value, minute, deleted) in enumerate(rows):
            session.add(CheckIn(id=f"c-prop-{i:03d}", kr_id="kr-deploys", date=start + dt.timedelta(days=day),
                                value=value, author_id=f"p-alice-{i}", origin="p-alice", deleted=deleted,
                                created_at=f"2026-11-01T09:0{minute}:00.000000Z"))
    engine.dispose()
    quick = quickread.read(path, None, TODAY)
    assert quick is not None
    assert quick.report == orm(path, None, TODAY, True)[0]


def test_an_identity_is_read_like_the_store_reads_it(tmp_path, demo_template):
    path = tmp_path / "db.db"
    shutil.copy(demo_template, path)
    engine = open_engine(path)
    with writing(engine) as session:
        row = session.get(Meta, "identity")
        row.value = "p-bruno"
        session.add(row)
    engine.dispose()
    quick = quickread.read(path, None, TODAY, team=False)
    assert quick is not None and quick.me == "p-bruno"
    assert {o.origin for o in quick.report.objectives} == {"p-bruno"}


def _slow_metrics(monkeypatch) -> threading.Event:
    """The metrics' read (ahead of the period's, in the same thread) waits for the returned event."""
    go = threading.Event()
    real = quickread.read_metrics

    def slow(*args, **kwargs):
        go.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(quickread, "read_metrics", slow)
    return go


def test_a_held_prefetch_reads_the_metrics_then_waits_to_read_the_period_until_released(demo_template, monkeypatch):
    """The Health screen holds the period's read while it draws the metrics read ahead of it (issue 28's H1):
    the read waits at its first step, then goes on and reads what it would have read."""
    monkeypatch.setattr(quickread.Prefetch, "HOLD_S", 60.0)
    metrics_read = _slow_metrics(monkeypatch)
    first = quickread.Prefetch(demo_template, TODAY)
    first.hold()  # the period's read is behind the metrics': it has not begun
    metrics_read.set()
    assert first.metrics() is not None
    first._thread.join(0.5)
    assert first._thread.is_alive()  # held at the period's first step
    first.release()
    assert first.result() == quickread.read(demo_template, None, TODAY)


def test_a_hold_never_released_holds_the_period_for_hold_s_at_most(demo_template, monkeypatch):
    monkeypatch.setattr(quickread.Prefetch, "HOLD_S", 0.2)
    metrics_read = _slow_metrics(monkeypatch)
    first = quickread.Prefetch(demo_template, TODAY)
    first.hold()
    metrics_read.set()
    first._thread.join(30)
    assert not first._thread.is_alive()
    assert first.result() == quickread.read(demo_template, None, TODAY)


def test_the_gate_is_called_between_the_reads_steps_and_changes_nothing(demo_template):
    calls = []
    gated = quickread.read(demo_template, None, TODAY, gate=lambda: calls.append(1))
    assert gated == quickread.read(demo_template, None, TODAY)
    krs = len(gated.report.key_results())
    assert len(calls) >= 2 + krs // views.GATE_EVERY  # before the KRs' and the check-ins' reads, and as it scores


def test_without_metrics_the_metric_read_is_empty_and_never_loads_the_metrics_module(tmp_path):
    """The TUI's first read asks for the metrics first: a database without any reads none, as
    health.read would, without importing okrtui.method.health before the first frame (docs/performance.md)."""
    db = tmp_path / "m.db"
    assert cli.main(["--db", str(db), "whoami"], today=TODAY) == 0
    code = ("import sys, datetime as dt, pathlib; from okrtui.storage.sqlite import quickread; "
            f"print(quickread.read_metrics(pathlib.Path({str(db)!r}), dt.date(2026, 11, 26)), "
            "'okrtui.method.health' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    found, me = quickread.read_metrics(db, TODAY)
    assert proc.stdout.strip() == f"([], {me!r}) False", proc.stdout + proc.stderr
    with closing(sqlite3.connect(db)) as conn:
        assert health.read(quickread.runner(conn), TODAY, me) == found == []
